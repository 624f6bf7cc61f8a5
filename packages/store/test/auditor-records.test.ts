import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  computeHash,
  formatDocNo,
  type JournalEntry,
  ReplicaError,
  Store,
  StoreError,
} from '../src/index.ts';
import { at, businessDay, verify } from './auditor-day.ts';
import {
  DAY,
  openStore,
  salePayload,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';
import { appendForged, insertEntry, rewriteFrom, tamper } from './tamper.ts';

test('5. the same entry uploaded twice is stored once; another hash at its seq is a fork', () => {
  const { dir, remove } = tempDir();
  const peer = tempDir();
  try {
    const clock = new TestClock();
    const store = openStore(dir, clock);
    const entries = settleMany(store, clock, 3);
    store.close();

    const peerStore = Store.open({
      dir: peer.dir,
      device: 'till-2',
      branch: 'riyadh',
    });
    try {
      assert.equal(peerStore.acceptReplicas(entries), {
        stored: 3,
        duplicates: 0,
      });
      assert.equal(peerStore.acceptReplicas(entries), {
        stored: 0,
        duplicates: 3,
      });
      const keys = peerStore.outbox.nextBatch(10).map((r) => r.key);
      assert.equal(keys, ['till-1:1', 'till-1:2', 'till-1:3']);

      const forged = { ...(entries[1] as JournalEntry), hash: 'e'.repeat(64) };
      assert.throws(
        () => peerStore.acceptReplicas([forged]),
        (e: unknown) => e instanceof ReplicaError && e.code === 'fork',
      );
      assert.equal(peerStore.heads(), { 'till-1': 3, 'till-2': 0 });
    } finally {
      peerStore.close();
    }
  } finally {
    remove();
    peer.remove();
  }
});

test('7. a clock set back never makes a timestamp go backwards', async () => {
  const { dir, remove } = tempDir();
  try {
    const clock = new TestClock();
    const store = openStore(dir, clock);
    settleMany(store, clock, 2);
    clock.tick(-86_400_000);
    settleMany(store, clock, 2, 3);
    const chain = store.journal.entriesAfter(0, 10);
    store.close();
    assert.ok(chain.some((e) => e.kind === 'clock-change'));
    for (let i = 1; i < chain.length; i++) {
      assert.ok((chain[i]?.ts ?? '') >= (chain[i - 1]?.ts ?? ''));
    }
    assert.is((await verify(dir)).code, 0);

    // A backdated entry, even with fresh hashes, is refused.
    rewriteFrom(dir, 4, (draft) => ({
      ...draft,
      ts: '2025-12-31T00:00:00.000Z',
    }));
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['ts-backwards', 4],
    );
  } finally {
    remove();
  }
});

test('8. rows that do not sum to the running totals or to the Z are detected', async () => {
  const { dir, remove } = tempDir();
  try {
    const { z } = businessDay(dir);
    // A fresh hash, but the Z claims fewer sales than its period holds.
    tamper(dir, (db) =>
      db.prepare('DELETE FROM journal WHERE seq >= ?').run(z.seq),
    );
    appendForged(dir, {
      ...z,
      payload: {
        ...z.payload,
        sums: { ...(z.payload.sums as object), sale: 1 },
      },
    });
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['z-closing', z.seq],
    );
    assert.match(run.json?.fault?.message ?? '', /sums differ/);
  } finally {
    remove();
  }
});

test('9. a credit note over its original is refused, and a forged one is detected', async () => {
  const { dir, remove } = tempDir();
  try {
    const clock = new TestClock();
    const store = openStore(dir, clock);
    const [sale] = settleMany(store, clock, 1);
    const head = store.journal.headSeq();
    const bigger = salePayload('o-1', 5000);
    assert.throws(
      () =>
        store.creditNote({
          user: 'manager',
          businessDate: DAY,
          original: sale?.docNo ?? '',
          reason: 'too much',
          invoice: bigger,
        }),
      (e: unknown) =>
        e instanceof StoreError && e.code === 'credit-exceeds-original',
    );
    assert.is(store.journal.headSeq(), head);
    store.close();

    appendForged(dir, {
      kind: 'credit-note',
      ts: '2026-01-01T13:00:00.000Z',
      businessDate: DAY,
      user: 'manager',
      docNo: formatDocNo('riyadh', 'till-1', 2),
      payload: {
        ...bigger,
        original: { device: 'till-1', seq: 1, docNo: sale?.docNo ?? '' },
        reason: 'forged',
      },
      total: bigger.total,
      tax: bigger.tax,
    });
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['credit-exceeds-original', 2],
    );
  } finally {
    remove();
  }
});

test('9. a credit note pointing at no existing original is detected', async () => {
  const { dir, remove } = tempDir();
  try {
    const clock = new TestClock();
    const store = openStore(dir, clock);
    settleMany(store, clock, 1);
    store.close();
    const refund = salePayload('o-x', 100);
    appendForged(dir, {
      kind: 'credit-note',
      ts: '2026-01-01T13:00:00.000Z',
      businessDate: DAY,
      user: 'manager',
      docNo: formatDocNo('riyadh', 'till-1', 2),
      payload: {
        ...refund,
        original: { device: 'till-1', seq: 1, docNo: 'riyadh-till-1-000042' },
        reason: 'forged',
      },
      total: refund.total,
      tax: refund.tax,
    });
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['missing-original', 2],
    );
  } finally {
    remove();
  }
});

test('training sales stay out of the totals, and counting them in is detected', async () => {
  const { dir, remove } = tempDir();
  try {
    const { chain } = businessDay(dir);
    const training = chain.find(
      (e) => e.kind === 'training-sale',
    ) as JournalEntry;
    const before = at(chain, training.seq - 1);
    assert.equal(training.running, before.running);
    const z = chain.find((e) => e.kind === 'z-closing') as JournalEntry;
    // Four sales paid 10.00 cash each; the training sale's cash is not takings.
    assert.is((z.payload.salesPayments as Record<string, number>).cash, 4000);
    assert.is((z.payload.counts as Record<string, number>)['training-sale'], 1);

    // Counting it in by editing the row breaks its hash.
    tamper(dir, (db) =>
      db.exec(`UPDATE journal SET run_sales = run_sales + ${training.total},
        run_net = run_net + ${training.total} WHERE seq = ${training.seq}`),
    );
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['hash-mismatch', training.seq],
    );
  } finally {
    remove();
  }
});

test('training sales counted into the totals with fresh hashes are detected', async () => {
  const { dir, remove } = tempDir();
  try {
    const { chain } = businessDay(dir);
    const training = chain.find(
      (e) => e.kind === 'training-sale',
    ) as JournalEntry;
    const prev = at(chain, training.seq - 1);
    tamper(dir, (db) =>
      db.prepare('DELETE FROM journal WHERE seq >= ?').run(training.seq),
    );
    const running = {
      sales: prev.running.sales + training.total,
      credits: prev.running.credits,
      net: prev.running.net + training.total,
    };
    const { hash: _, ...rest } = { ...training, running };
    insertEntry(dir, { ...rest, hash: computeHash(rest) });
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['running-totals', training.seq],
    );
  } finally {
    remove();
  }
});

test('reprints are counted, and a hidden reprint is detected', async () => {
  const { dir, remove } = tempDir();
  try {
    const { chain, z } = businessDay(dir);
    const reprint = chain.find((e) => e.kind === 'reprint') as JournalEntry;
    assert.equal(
      [reprint.payload.mark, reprint.payload.copy],
      ['DUPLICATE', 1],
    );
    assert.is((z.payload.counts as Record<string, number>).reprint, 1);

    // A second reprint claiming to be copy 1 again.
    appendForged(dir, {
      ...reprint,
      ts: '2026-01-01T18:00:00.000Z',
      businessDate: DAY,
    });
    const run = await verify(dir);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['reprint-count', 13],
    );
  } finally {
    remove();
  }
});

test.run();
