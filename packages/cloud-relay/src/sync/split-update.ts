/**
 * Splits a large Yjs update (format v1) into several smaller updates that,
 * applied in order, give the same document. A client that receives a big
 * document as one WebSocket message sees nothing until the last byte
 * arrives, and a stock y-websocket client gives up after 30 s of silence
 * and reconnects, forever; several messages keep it alive.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * The document's state that a peer with state vector `targetStateVector`
 * lacks, as updates of about `chunkBytes` each. The last one carries the
 * delete set, so a receiver is complete exactly when it has applied them
 * all. Structs are cut where Yjs itself could cut them (runs of array
 * elements, text, deleted ranges); one indivisible element larger than
 * `chunkBytes` (a big binary or a sub-document) still travels whole.
 */
export function splitDocState(
  doc: Y.Doc,
  targetStateVector: Uint8Array | undefined,
  chunkBytes: number,
): Uint8Array[] {
  const update = Y.encodeStateAsUpdate(doc, targetStateVector);
  if (update.length <= chunkBytes) return [update];

  const chunks = structChunks(Y.decodeUpdate(update).structs, chunkBytes);

  // Structs only above; the delete set (and pending structs) come last.
  chunks.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)));
  return chunks;
}

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

/** Runs of consecutive structs of one client, each encoded as an update. */
function structChunks(structs: Struct[], chunkBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let run: Struct[] = [];
  let body = encoding.createEncoder();

  const flush = () => {
    const first = run[0];
    if (first) chunks.push(encodeRun(first, run.length, body));
    run = [];
    body = encoding.createEncoder();
  };

  for (const struct of structs.flatMap((s) => pieces(s, chunkBytes))) {
    const bytes = encodeStruct(struct);
    const last = run.at(-1);
    const contiguous =
      last !== undefined &&
      last.id.client === struct.id.client &&
      last.id.clock + last.length === struct.id.clock;
    const full = encoding.length(body) + bytes.length > chunkBytes;
    if (!contiguous || full) flush();
    encoding.writeUint8Array(body, bytes);
    run.push(struct);
  }
  flush();
  return chunks;
}

/** One struct's v1 encoding (a v1 encoder writes everything in order). */
function encodeStruct(struct: Struct): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  struct.write(encoder, 0);
  return encoder.toUint8Array();
}

/** One client's structs as a complete v1 update with an empty delete set. */
function encodeRun(
  first: Struct,
  count: number,
  body: encoding.Encoder,
): Uint8Array {
  const out = encoding.createEncoder();
  encoding.writeVarUint(out, 1);
  encoding.writeVarUint(out, count);
  encoding.writeVarUint(out, first.id.client);
  encoding.writeVarUint(out, first.id.clock);
  encoding.writeUint8Array(out, encoding.toUint8Array(body));
  encoding.writeVarUint(out, 0);
  return encoding.toUint8Array(out);
}

/**
 * A struct whose encoding exceeds `chunkBytes`, cut into consecutive
 * items of about that size, the way Yjs splits an item when an edit lands
 * inside it: the tail's origin is the last element of the head.
 */
function pieces(struct: Struct, chunkBytes: number): Struct[] {
  if (!(struct instanceof Y.Item) || struct.length < 2) return [struct];
  if (!isSplittable(struct.content)) return [struct];
  const size = encodeStruct(struct).length;
  if (size <= chunkBytes) return [struct];

  const step = Math.ceil(struct.length / Math.ceil(size / chunkBytes));
  const out: Struct[] = [];
  let head: Y.Item = struct;
  while (head.length > step) {
    const at = safeCut(head, step);
    if (at >= head.length) break;
    const tail = cut(head, at);
    out.push(head);
    head = tail;
  }
  out.push(head);
  return out;
}

function isSplittable(content: Y.Item['content']): boolean {
  return (
    content instanceof Y.ContentAny ||
    content instanceof Y.ContentString ||
    content instanceof Y.ContentJSON ||
    content instanceof Y.ContentDeleted
  );
}

/** Never cut text between the two halves of a surrogate pair. */
function safeCut(item: Y.Item, at: number): number {
  const content = item.content;
  if (!(content instanceof Y.ContentString)) return at;
  const code = content.str.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at + 1 : at;
}

/** Shortens `head` to `at` elements and returns the rest as a new item. */
function cut(head: Y.Item, at: number): Y.Item {
  const { client, clock } = head.id;
  const tail = new Y.Item(
    Y.createID(client, clock + at),
    null,
    Y.createID(client, clock + at - 1),
    null,
    head.rightOrigin,
    head.parent,
    head.parentSub,
    head.content.splice(at),
  );
  head.length = at;
  return tail;
}
