import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  computeHash,
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
import { tamper } from './tamper.ts';

/** Entries of till-1's journal: `count` sales. */
function till1Entries(count: number): JournalEntry[] {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    settleMany(store, clock, count);
    return store.journal.entriesAfter(0, count);
  } finally {
    store.close();
    remove();
  }
}

function peer(dir: string): Store {
  return Store.open({ dir, device: 'till-2', branch: 'riyadh' });
}

const rejected = (code: string) => (e: unknown) =>
  e instanceof ReplicaError && e.fault.code === code;

test('stores a peer chain apart from the own journal and serves it back', () => {
  const { dir, remove } = tempDir();
  const store = peer(dir);
  try {
    const entries = till1Entries(5);
    assert.equal(store.acceptReplicas(entries.slice(0, 3)), {
      stored: 3,
      duplicates: 0,
    });
    assert.equal(store.acceptReplicas(entries.slice(2)), {
      stored: 2,
      duplicates: 1,
    });
    assert.equal(store.heads(), { 'till-1': 5, 'till-2': 0 });
    assert.is(store.journal.headSeq(), 0);
    assert.equal(store.entriesAfter('till-1', 3, 10), entries.slice(3));
    assert.equal(
      store.outbox.nextBatch(10).map((r) => [r.key, r.origin]),
      entries.map((e) => [`till-1:${e.seq}`, 'replica']),
    );
    assert.ok(store.verify().ok);
  } finally {
    store.close();
    remove();
  }
});

test('stores a batch all or none when one entry fails its check', () => {
  const { dir, remove } = tempDir();
  const store = peer(dir);
  try {
    const entries = till1Entries(4);
    const edited = { ...(entries[2] as JournalEntry), total: 1 };
    assert.throws(
      () =>
        store.acceptReplicas([
          ...entries.slice(0, 2),
          edited,
          ...entries.slice(3),
        ]),
      (e: unknown) =>
        e instanceof ReplicaError &&
        e.code === 'replica-rejected' &&
        e.fault.code === 'hash-mismatch' &&
        e.fault.seq === 3 &&
        e.fault.device === 'till-1',
    );
    assert.equal(store.heads(), { 'till-2': 0 });
    assert.is(store.outbox.status().pending, 0);
  } finally {
    store.close();
    remove();
  }
});

test('refuses a gap, a forged link and entries of its own device', () => {
  const { dir, remove } = tempDir();
  const store = peer(dir);
  try {
    const entries = till1Entries(4);
    assert.throws(
      () => store.acceptReplicas(entries.slice(1)),
      rejected('seq-gap'),
    );
    store.acceptReplicas(entries.slice(0, 2));
    const third = entries[2] as JournalEntry;
    const { hash: _, ...rest } = { ...third, prevHash: 'a'.repeat(64) };
    const relinked = { ...rest, hash: computeHash(rest) };
    assert.throws(
      () => store.acceptReplicas([relinked]),
      rejected('broken-link'),
    );

    const own = settleMany(store, new TestClock(), 1);
    const mine = { ...(own[0] as JournalEntry), seq: 2 };
    assert.throws(
      () => store.acceptReplicas([mine]),
      (e: unknown) => e instanceof StoreError,
    );
    assert.equal(store.acceptReplicas(own), { stored: 0, duplicates: 1 });
  } finally {
    store.close();
    remove();
  }
});

test('refuses malformed entries with a stable code', () => {
  const { dir, remove } = tempDir();
  const store = peer(dir);
  try {
    const [first] = till1Entries(1);
    const bad = { ...(first as JournalEntry), total: 12.5 };
    assert.throws(() => store.acceptReplicas([bad]), rejected('malformed'));
    assert.throws(
      () => store.acceptReplicas([{} as JournalEntry]),
      rejected('malformed'),
    );
  } finally {
    store.close();
    remove();
  }
});

test('a credit note against a peer sale is checked across both chains', async () => {
  const { dir, remove } = tempDir();
  const store = peer(dir);
  try {
    const entries = till1Entries(2);
    store.acceptReplicas(entries);
    const sale = entries[0] as JournalEntry;
    const note = store.creditNote({
      user: 'manager',
      businessDate: DAY,
      original: sale.docNo ?? '',
      reason: 'double settlement',
      invoice: salePayload('o-1'),
    });
    assert.equal(note.payload.original, {
      device: 'till-1',
      seq: 1,
      docNo: sale.docNo,
    });
    assert.throws(
      () =>
        store.creditNote({
          user: 'manager',
          businessDate: DAY,
          original: sale.docNo ?? '',
          reason: 'again',
          invoice: salePayload('o-1'),
        }),
      (e: unknown) =>
        e instanceof StoreError && e.code === 'credit-exceeds-original',
    );
    store.close();
    const run = await runJournal(['verify', '--data', dir]);
    assert.is(run.code, 0, run.stderr);
    assert.equal(
      run.json?.devices.map((d) => [d.device, d.entries, d.replica]),
      [
        ['till-2', 1, false],
        ['till-1', 2, true],
      ],
    );
  } finally {
    store.close();
    remove();
  }
});

test('verify names a tampered replica chain', async () => {
  const { dir, remove } = tempDir();
  const store = peer(dir);
  store.acceptReplicas(till1Entries(3));
  store.close();
  try {
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER replica_journal_no_update');
      db.exec("UPDATE replica_journal SET user = 'ghost' WHERE seq = 2");
    });
    const run = await runJournal(['verify', '--data', dir]);
    assert.is(run.code, 1);
    assert.equal(
      [run.json?.fault?.device, run.json?.fault?.seq, run.json?.fault?.code],
      ['till-1', 2, 'hash-mismatch'],
    );
  } finally {
    remove();
  }
});

test.run();
