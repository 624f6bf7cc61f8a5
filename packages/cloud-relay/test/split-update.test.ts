import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { splitDocState } from '../src/sync/split-update.ts';

type Op =
  | { kind: 'push'; text: string }
  | { kind: 'type'; at: number; text: string }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'set'; key: string; value: number }
  | { kind: 'drop'; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), text: fc.string() }),
  fc.record({
    kind: fc.constant('type' as const),
    at: fc.nat(),
    text: fc.string({ unit: 'grapheme', maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant('cut' as const),
    at: fc.nat(),
    length: fc.nat(20),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    key: fc.string({ maxLength: 3 }),
    value: fc.integer(),
  }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
);

function apply(doc: Y.Doc, o: Op): void {
  const text = doc.getText('note');
  const lines = doc.getArray<string>('lines');
  switch (o.kind) {
    case 'push':
      lines.push([o.text]);
      break;
    case 'type':
      text.insert(o.at % (text.length + 1), o.text);
      break;
    case 'cut': {
      const at = o.at % (text.length + 1);
      text.delete(at, Math.min(o.length, text.length - at));
      break;
    }
    case 'set':
      doc.getMap('orders').set(o.key, o.value);
      break;
    case 'drop':
      if (lines.length > 0) lines.delete(o.at % lines.length, 1);
  }
}

function view(doc: Y.Doc) {
  return {
    note: doc.getText('note').toString(),
    lines: doc.getArray('lines').toJSON(),
    orders: doc.getMap('orders').toJSON(),
  };
}

function build(ops: Op[], clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  for (const o of ops) apply(doc, o);
  return doc;
}

test('chunks applied in order rebuild the same document', () => {
  fc.assert(
    fc.property(
      fc.array(op, { maxLength: 60 }),
      fc.array(op, { maxLength: 20 }),
      fc.integer({ min: 16, max: 300 }),
      (first, second, chunkBytes) => {
        const doc = build(first, 1);
        const other = build(second, 2);
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));

        // A peer that already holds the second writer's part.
        const peer = new Y.Doc();
        Y.applyUpdate(peer, Y.encodeStateAsUpdate(other));
        const chunks = splitDocState(
          doc,
          Y.encodeStateVector(peer),
          chunkBytes,
        );
        for (const chunk of chunks) Y.applyUpdate(peer, chunk);
        assert.equal(view(peer), view(doc));
        assert.equal(Y.encodeStateVector(peer), Y.encodeStateVector(doc));
      },
    ),
    { numRuns: 200 },
  );
});

test('cuts one long run of pushes into many bounded chunks', () => {
  const doc = new Y.Doc();
  const lines = doc.getArray<string>('lines');
  for (let i = 0; i < 500; i++) lines.push([`line ${i} ${'z'.repeat(200)}`]);
  doc.getText('note').insert(0, '🍜'.repeat(5000));
  const chunks = splitDocState(doc, undefined, 4096);
  assert.ok(chunks.length > 20, `${chunks.length} chunks`);
  for (const chunk of chunks) assert.ok(chunk.length < 4096 * 1.1);
  const copy = new Y.Doc();
  for (const chunk of chunks) Y.applyUpdate(copy, chunk);
  assert.equal(view(copy), view(doc));
});

test('sends a small document as the one usual update', () => {
  const doc = new Y.Doc();
  doc.getMap('orders').set('o1', 1);
  const chunks = splitDocState(doc, undefined, 1024);
  assert.is(chunks.length, 1);
  assert.equal(chunks[0], Y.encodeStateAsUpdate(doc));
});

test.run();
