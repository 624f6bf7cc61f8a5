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
 * all. A single struct larger than `chunkBytes` (one huge string insert)
 * still travels whole: structs are never cut.
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
  let body = new Y.UpdateEncoderV1();

  const flush = () => {
    const first = run[0];
    if (first) chunks.push(encodeRun(first, run.length, body));
    run = [];
    body = new Y.UpdateEncoderV1();
  };

  for (const struct of structs) {
    const last = run.at(-1);
    const contiguous =
      last !== undefined &&
      last.id.client === struct.id.client &&
      last.id.clock + last.length === struct.id.clock;
    if (!contiguous) flush();
    struct.write(body, 0);
    run.push(struct);
    if (encoding.length(body.restEncoder) >= chunkBytes) flush();
  }
  flush();
  return chunks;
}

/** One client's structs as a complete v1 update with an empty delete set. */
function encodeRun(
  first: Struct,
  count: number,
  body: Y.UpdateEncoderV1,
): Uint8Array {
  const out = encoding.createEncoder();
  encoding.writeVarUint(out, 1);
  encoding.writeVarUint(out, count);
  encoding.writeVarUint(out, first.id.client);
  encoding.writeVarUint(out, first.id.clock);
  encoding.writeUint8Array(out, body.toUint8Array());
  encoding.writeVarUint(out, 0);
  return encoding.toUint8Array(out);
}
