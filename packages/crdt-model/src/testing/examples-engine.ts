import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineChange } from '../engine/engine.ts';
import type { EngineFactory } from './factories.ts';

/** The engine contract itself: what the domain relies on. */
export function engineExamples(test: Test, factory: EngineFactory): void {
  test('engine: merges fields, per-writer counters and sets', () => {
    const a = factory.create(0);
    const b = factory.create(1);
    a.transact('w1', (tx) => {
      tx.create('things', 'x', { name: 'first', size: 1 });
      tx.add('things', 'x', 'count', 2);
    });
    b.applyUpdate(a.encodeState());
    a.transact('w1', (tx) => {
      tx.set('things', 'x', 'name', 'renamed');
      tx.add('things', 'x', 'count', 1);
      tx.addToSet('things', 'x', 'tags', 'hot');
    });
    b.transact('w2', (tx) => {
      tx.set('things', 'x', 'size', 3);
      tx.add('things', 'x', 'count', 5);
      tx.addToSet('things', 'x', 'tags', 'new');
    });
    a.applyUpdate(b.encodeState());
    b.applyUpdate(a.encodeState());
    for (const engine of [a, b]) {
      assert.equal(engine.record('things', 'x'), {
        id: 'x',
        fields: { name: 'renamed', size: 3 },
        counters: { count: { w1: 3, w2: 5 } },
        sets: { tags: ['hot', 'new'] },
      });
      assert.equal(engine.ids('things'), ['x']);
    }
  });

  test('engine: a transaction that throws writes nothing', () => {
    const engine = factory.create(0);
    const before = engine.encodeState();
    let updates = 0;
    engine.onUpdate(() => updates++);
    assert.throws(() =>
      engine.transact('w1', (tx) => {
        tx.create('things', 'x', { name: 'never' });
        throw new Error('changed my mind');
      }),
    );
    assert.throws(() =>
      engine.transact('w1', (tx) => tx.set('things', 'bad id', 'f', 1)),
    );
    assert.is(updates, 0);
    assert.equal(engine.encodeState(), before);
    assert.is(engine.record('things', 'x'), undefined);
  });

  test('engine: applies updates out of order and twice', () => {
    const a = factory.create(0);
    const b = factory.create(1);
    const updates: Uint8Array[] = [];
    a.onUpdate((u) => updates.push(u));
    for (let i = 1; i <= 5; i++) {
      a.transact('w1', (tx) => tx.add('things', 'x', 'count', i));
    }
    for (const u of [...updates].reverse()) b.applyUpdate(u);
    b.applyUpdate(updates[2]!);
    assert.equal(b.record('things', 'x')?.counters, { count: { w1: 15 } });
  });

  test('engine: reports local and received changes by record', () => {
    const a = factory.create(0);
    const b = factory.create(1);
    const seen: EngineChange[] = [];
    b.ids('things');
    b.ids('others');
    b.onChange((change) => seen.push(change));
    a.onUpdate((u) => b.applyUpdate(u));
    a.transact('w1', (tx) => {
      tx.create('things', 'x', { n: 1 });
      tx.create('others', 'y', { n: 2 });
    });
    b.transact('w2', (tx) => tx.set('things', 'x', 'n', 3));
    const plain = (c: EngineChange) => [
      c.local,
      [...c.tables].map(([t, ids]) => [t, [...ids]]).sort(),
    ];
    assert.equal(seen.map(plain), [
      [
        false,
        [
          ['others', ['y']],
          ['things', ['x']],
        ],
      ],
      [true, [['things', ['x']]]],
    ]);
  });
}
