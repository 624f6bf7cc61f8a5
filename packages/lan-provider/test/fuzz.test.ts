/**
 * Random and mutated input against the frame decoder and the message
 * handlers: never a crash (only `ProtocolError`s, which close the peer),
 * and a document changes only through a well-formed update, never through
 * input that was rejected. 12,000 cases; a failure prints its seed.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ProtocolError } from '../src/errors.ts';
import { FrameDecoder } from '../src/framing/decoder.ts';
import {
  decodeFrameBody,
  encodeFrame,
  type Frame,
} from '../src/framing/frame.ts';
import { DOC, encodeJson } from '../src/sync/messages.ts';
import {
  decodeSyncMessage,
  encodeStep1,
  encodeStep2,
  encodeUpdate,
} from '../src/sync/y-messages.ts';
import { MemoryJournal } from './memory-journal.ts';
import { dispose, side } from './session-harness.ts';

const MENU = 'b1/menu';

function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

test('the frame decoder only ever throws protocol errors', () => {
  const valid = encodeFrame({
    channel: MENU,
    type: 0,
    payload: new Uint8Array([2, 2, 0, 0]),
  });
  const chunks = fc.array(
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constant(new Uint8Array(valid)),
      fc.nat({ max: valid.length }).map((n) => valid.subarray(0, n)),
    ),
    { maxLength: 8 },
  );
  fc.assert(
    fc.property(chunks, fc.integer({ min: 0, max: 200 }), (parts, limit) => {
      const decoder = new FrameDecoder(limit);
      onlyProtocolErrors(() => {
        const frames: Frame[] = [];
        for (const part of parts) frames.push(...decoder.push(part));

        // What came out re-encodes to exactly the stream's beginning.
        const stream = Buffer.concat(parts);
        const again = Buffer.concat(frames.map(encodeFrame));
        assert.equal(again, stream.subarray(0, again.length));
        decoder.end();
      });
    }),
    { numRuns: 5500 },
  );
});

test('a frame body decodes or is refused with a protocol error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
      onlyProtocolErrors(() => decodeFrameBody(body));
    }),
    { numRuns: 2000 },
  );
});

/** Valid payloads of every message kind, to be mutated. */
function seeds(): Uint8Array[] {
  const doc = new Y.Doc();
  doc.getMap('items').set('tea', { price: 180 });
  doc.getText('notes').insert(0, 'no onions');
  const update = Y.encodeStateAsUpdate(doc);
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: 'ana' });
  const aw = encodeAwarenessUpdate(awareness, [awareness.clientID]);
  awareness.destroy();
  const journal = new MemoryJournal('till-9');
  journal.append(2);
  return [
    encodeStep1(doc),
    encodeStep2(doc, new Uint8Array([0])),
    encodeUpdate(update),
    aw,
    encodeJson({ 'till-9': 2 }),
    encodeJson(journal.entriesAfter('till-9', 0, 2)),
  ];
}

const mutated = fc
  .tuple(
    fc.constantFrom(...seeds()),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      maxLength: 3,
    }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.uint8Array({ maxLength: 4 }),
  )
  .map(([seed, flips, cut, tail]) => {
    const bytes = Buffer.from(seed);
    for (const [at, value] of flips) {
      if (bytes.length > 0) bytes[at % bytes.length] = value;
    }
    const end = cut === undefined ? bytes.length : cut % (bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, end), tail]);
  });

const frames = fc.array(
  fc.record({
    channel: fc.oneof(
      fc.constantFrom(MENU, '#journal', '#control', 'b1/day/2026-12-03', '#x'),
      fc.string({ minLength: 1, maxLength: 12 }),
    ),
    type: fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 255 }),
    ),
    payload: fc.oneof(mutated, fc.uint8Array({ maxLength: 80 })),
  }),
  { minLength: 1, maxLength: 4 },
);

/** The update a frame would apply to the document, if it is a valid one. */
function validUpdate(frame: Frame): Uint8Array | undefined {
  if (frame.channel !== MENU || frame.type !== DOC.SYNC) return undefined;
  try {
    const message = decodeSyncMessage(frame.payload);
    return message.kind === 'step1' ? undefined : message.update;
  } catch {
    return undefined;
  }
}

test('message handlers never crash and change a document only by valid updates', () => {
  fc.assert(
    fc.property(frames, (list) => {
      const s = side('till-1', 'till-2', [MENU]);
      const doc = s.docs.get(MENU)?.doc as Y.Doc;
      doc.getMap('items').set('coffee', { price: 250 });
      s.journal.append(1);
      s.hub.refresh();
      const shadow = new Y.Doc();
      Y.applyUpdate(shadow, Y.encodeStateAsUpdate(doc));
      const heads = JSON.stringify(s.journal.heads());
      try {
        for (const frame of list) {
          if (!s.session.receive(frame)) break;
          const update = validUpdate(frame);
          if (update) Y.applyUpdate(shadow, update);
        }
        assert.equal(Y.encodeStateVector(doc), Y.encodeStateVector(shadow));
        assert.equal(
          doc.getMap('items').toJSON(),
          shadow.getMap('items').toJSON(),
        );
        if (s.link.closedWith)
          assert.is(JSON.stringify(s.journal.heads()), heads);
      } finally {
        dispose(s);
      }
    }),
    { numRuns: 3500 },
  );
});

test('a rejected frame leaves the document byte for byte as it was', () => {
  let rejected = 0;
  fc.assert(
    fc.property(frames, (list) => {
      const s = side('till-1', 'till-2', [MENU]);
      const doc = s.docs.get(MENU)?.doc as Y.Doc;
      doc.getMap('items').set('coffee', { price: 250 });
      try {
        for (const frame of list) {
          const before = Y.encodeStateAsUpdate(doc);
          if (s.session.receive(frame)) continue;
          rejected++;
          assert.equal(Y.encodeStateAsUpdate(doc), before);
          break;
        }
      } finally {
        dispose(s);
      }
    }),
    { numRuns: 1000 },
  );
  assert.ok(rejected > 500, `only ${rejected} of 1000 cases were rejected`);
});

test.run();
