/**
 * Every case of "What an auditor will try" (FISCAL.md), each on a real
 * database file, checked the way an auditor checks: with
 * `brigade journal verify`.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  computeHash,
  DATABASE_FILE,
  formatDocNo,
  type JournalEntry,
  ReplicaError,
  Store,
  StoreError,
} from '../src/index.ts';
import {
  DAY,
  openStore,
  runJournal,
  salePayload,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';
import { appendForged, insertEntry, rewriteFrom, tamper } from './tamper.ts';

/**
 * A business day: sales, a drawer open, a credit note, a reprint, a
 * training sale, the Z closing (seq 9), then three more sales (10-12).
 */
function businessDay(dir: string): { chain: JournalEntry[]; z: JournalEntry } {
  const clock = new TestClock();
  const store = openStore(dir, clock);
  const who = { user: 'manager', businessDate: DAY };
  try {
    const [first] = settleMany(store, clock, 2);
    store.record({ ...who, kind: 'drawer-open', reason: 'no sale', amount: 0 });
    settleMany(store, clock, 1, 3);
    store.creditNote({
      ...who,
      original: first?.docNo ?? '',
      reason: 'refund',
      invoice: salePayload('o-1'),
    });
    store.reprint({ ...who, docNo: first?.docNo ?? '' });
    settleMany(store, clock, 1, 4);
    store.settle({ ...who, invoice: salePayload('o-t'), training: true });
    const z = store.closeDay(who);
    settleMany(store, clock, 3, 5);
    return { chain: store.journal.entriesAfter(0, 100), z };
  } finally {
    store.close();
  }
}

async function verify(dir: string, ...extra: string[]) {
  return runJournal(['verify', '--data', dir, ...extra]);
}

function at(chain: JournalEntry[], seq: number): JournalEntry {
  const entry = chain.find((e) => e.seq === seq);
  if (!entry) throw new Error(`no entry ${seq}`);
  return entry;
}

test('an untouched business day verifies with its summary', async () => {
  const { dir, remove } = tempDir();
  try {
    const { chain } = businessDay(dir);
    const run = await verify(dir);
    assert.is(run.code, 0, run.stderr);
    const [summary] = run.json?.devices ?? [];
    assert.is(summary?.entries, 12);
    assert.is(summary?.lastSeq, 12);
    assert.is(summary?.lastHash, at(chain, 12).hash);
    assert.equal(summary?.perpetual, at(chain, 12).running);
    assert.is(summary?.zClosings, 1);
  } finally {
    remove();
  }
});

test('1. a deleted middle row is reported as a gap and a broken link', async () => {
  const { dir, remove } = tempDir();
  try {
    businessDay(dir);
    tamper(dir, (db) => db.exec('DELETE FROM journal WHERE seq = 4'));
    const run = await verify(dir);
    assert.is(run.code, 1);
    assert.equal([run.json?.fault?.code, run.json?.fault?.seq], ['seq-gap', 5]);
    assert.match(run.json?.fault?.message ?? '', /link is broken/);
    assert.match(run.stderr, /till-1 entry 5 is broken/);
  } finally {
    remove();
  }
});

test('2. an edited total no longer matches its hash', async () => {
  const { dir, remove } = tempDir();
  try {
    businessDay(dir);
    tamper(dir, (db) =>
      db.exec('UPDATE journal SET total = 100 WHERE seq = 7'),
    );
    const run = await verify(dir);
    assert.is(run.code, 1);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['hash-mismatch', 7],
    );
  } finally {
    remove();
  }
});

test('3. a tail rewritten with fresh hashes disagrees with the printed Z report', async () => {
  const { dir, remove } = tempDir();
  try {
    const { z } = businessDay(dir);
    // Skim 10.00 off the sale at seq 4 and rebuild everything after it,
    // the Z closing included, so the chain itself is consistent again.
    rewriteFrom(dir, 4, (draft) =>
      draft.kind === 'sale' && draft.docNo?.endsWith('000003')
        ? skim(draft, 1000)
        : draft,
    );
    const plain = await verify(dir);
    assert.is(plain.code, 0, 'a fully recomputed chain is self-consistent');

    // The Z report printed at closing shows its seq and hash.
    const run = await verify(dir, '--anchor', `till-1:${z.seq}:${z.hash}`);
    assert.is(run.code, 1);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['anchor-mismatch', z.seq],
    );
    // So does the hash of the last entry it covers.
    const lastHash = String(z.payload.lastHash);
    const covered = await verify(
      dir,
      '--anchor',
      `till-1:${z.seq - 1}:${lastHash}`,
    );
    assert.is(covered.json?.fault?.code, 'anchor-mismatch');
  } finally {
    remove();
  }
});

test('3. a tail rewritten with fresh hashes disagrees with the acknowledged tail', async () => {
  const { dir, remove } = tempDir();
  try {
    const { chain } = businessDay(dir);
    const acked = at(chain, 11);
    rewriteFrom(dir, 10, (draft) =>
      draft.kind === 'sale' ? skim(draft, 500) : draft,
    );
    const file = join(dir, 'acknowledged.json');
    writeFileSync(
      file,
      JSON.stringify([{ device: 'till-1', seq: acked.seq, hash: acked.hash }]),
    );
    const run = await verify(dir, '--anchors', file);
    assert.is(run.code, 1);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['anchor-mismatch', 11],
    );
  } finally {
    remove();
  }
});

test('4. two swapped rows are detected', async () => {
  const { dir, remove } = tempDir();
  try {
    businessDay(dir);
    tamper(dir, (db) => {
      db.exec('UPDATE journal SET seq = seq + 1000 WHERE seq IN (10, 11)');
      db.exec('UPDATE journal SET seq = 11 WHERE seq = 1010');
      db.exec('UPDATE journal SET seq = 10 WHERE seq = 1011');
    });
    const run = await verify(dir);
    assert.is(run.code, 1);
    assert.is(run.json?.fault?.seq, 10);
    assert.ok(
      ['hash-mismatch', 'broken-link', 'seq-gap'].includes(
        run.json?.fault?.code ?? '',
      ),
    );
  } finally {
    remove();
  }
});

test('4. a skipped document number is detected even with fresh hashes', async () => {
  const { dir, remove } = tempDir();
  try {
    businessDay(dir);
    rewriteFrom(dir, 10, (draft) => {
      if (!draft.docNo) return draft;
      const counter = Number(draft.docNo.slice(-6)) + 1;
      return { ...draft, docNo: formatDocNo('riyadh', 'till-1', counter) };
    });
    const run = await verify(dir);
    assert.is(run.code, 1);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['doc-number', 10],
    );
    assert.match(run.json?.fault?.message ?? '', /expected counter 6/);
  } finally {
    remove();
  }
});

test('4. a restored old backup is detected against the acknowledged tail and by peers', async () => {
  const { dir, remove } = tempDir();
  const peer = tempDir();
  try {
    const clock = new TestClock();
    let store = openStore(dir, clock);
    settleMany(store, clock, 5);
    store.close();
    copyFileSync(join(dir, DATABASE_FILE), join(dir, 'backup.db'));

    store = openStore(dir, clock);
    const later = settleMany(store, clock, 5, 6);
    const acked = later.at(-1) as JournalEntry;
    const peerStore = Store.open({
      dir: peer.dir,
      device: 'till-2',
      branch: 'riyadh',
    });
    peerStore.acceptReplicas(store.journal.entriesAfter(0, 100));
    store.close();

    rmSync(join(dir, DATABASE_FILE));
    copyFileSync(join(dir, 'backup.db'), join(dir, DATABASE_FILE));
    const run = await verify(
      dir,
      '--anchor',
      `till-1:${acked.seq}:${acked.hash}`,
    );
    assert.is(run.code, 1);
    assert.equal(
      [run.json?.fault?.code, run.json?.fault?.seq],
      ['truncated', 10],
    );

    // The restored till re-issues seq 6; the peer holds another seq 6.
    store = openStore(dir, clock);
    const [reissued] = settleMany(store, clock, 1, 6);
    store.close();
    assert.throws(
      () => peerStore.acceptReplicas([reissued as JournalEntry]),
      (e: unknown) => e instanceof ReplicaError && e.code === 'fork',
    );
    peerStore.close();
  } finally {
    remove();
    peer.remove();
  }
});

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

function skim<T extends { payload: Record<string, unknown>; total: number }>(
  draft: T,
  amount: number,
): T {
  const payload = draft.payload as ReturnType<typeof salePayload>;
  const total = draft.total - amount;
  return {
    ...draft,
    total,
    payload: {
      ...payload,
      total,
      payments: [{ method: 'cash', amount: total }],
    },
  };
}

test.run();
