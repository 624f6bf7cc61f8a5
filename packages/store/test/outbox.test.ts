import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type JournalEntry,
  migrateOutbox,
  Outbox,
  OutboxError,
} from '../src/index.ts';
import { journalEntry } from './fixtures/outbox-entries.ts';

const dirs: string[] = [];
const dbs: Database.Database[] = [];

function open(dir = mkdtempSync(join(tmpdir(), 'brigade-'))) {
  if (!dirs.includes(dir)) dirs.push(dir);
  const db = new Database(join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  migrateOutbox(db);
  dbs.push(db);
  const clock = { now: Date.UTC(2026, 11, 3, 12) };
  const outbox = new Outbox(db, { now: () => clock.now });
  return { db, dir, outbox, clock };
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.instance(error, OutboxError);
    return (error as OutboxError).code;
  }
  assert.unreachable('expected an OutboxError');
}

const keysOf = (outbox: Outbox, limit = 100) =>
  outbox.nextBatch(limit).map((r) => r.key);

test.after.each(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

test('hands out own and replicated entries in the order queued', () => {
  const { outbox } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  outbox.enqueue(journalEntry('till-2', 7), 'replica');
  outbox.enqueue(journalEntry('till-1', 2), 'own');

  const batch = outbox.nextBatch(10);
  assert.equal(
    batch.map((r) => [r.key, r.origin]),
    [
      ['till-1:1', 'own'],
      ['till-2:7', 'replica'],
      ['till-1:2', 'own'],
    ],
  );
  assert.equal(batch[1]?.entry, journalEntry('till-2', 7));
  assert.equal(keysOf(outbox, 2), ['till-1:1', 'till-2:7']);
});

test('queues the same key once', () => {
  const { outbox } = open();
  assert.ok(outbox.enqueue(journalEntry('till-1', 1), 'own'));
  assert.not.ok(outbox.enqueue(journalEntry('till-1', 1), 'own'));
  assert.not.ok(outbox.enqueue(journalEntry('till-1', 1), 'replica'));
  assert.equal(keysOf(outbox), ['till-1:1']);
});

test('refuses a known key with another hash and keeps the first', () => {
  const { outbox } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  const forked = { ...journalEntry('till-1', 1), hash: 'f'.repeat(64) };
  assert.is(
    errorCode(() => outbox.enqueue(forked, 'replica')),
    'ERR_OUTBOX_CONFLICT',
  );
  assert.equal(outbox.nextBatch(10)[0]?.entry, journalEntry('till-1', 1));
});

test('joins the caller’s transaction and rolls back with it', () => {
  const { db, outbox } = open();
  const settle = db.transaction((entry: JournalEntry) => {
    outbox.enqueue(entry, 'own');
    throw new Error('printer on fire');
  });
  assert.throws(() => settle(journalEntry('till-1', 1)), /printer on fire/);
  assert.is(outbox.status().pending, 0);

  // Inside a plain BEGIN too: enqueue never opens a transaction of its own.
  db.exec('BEGIN IMMEDIATE');
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  db.exec('COMMIT');
  assert.is(outbox.status().pending, 1);
});

test('acknowledged entries leave the queue and are not queued again', () => {
  const { outbox } = open();
  for (let seq = 1; seq <= 3; seq++) {
    outbox.enqueue(journalEntry('till-1', seq), 'own');
  }
  assert.is(outbox.markSent(['till-1:1', 'till-1:2', 'nobody:9']), 2);
  assert.is(outbox.markSent(['till-1:1']), 0);
  assert.equal(keysOf(outbox), ['till-1:3']);
  assert.not.ok(outbox.enqueue(journalEntry('till-1', 1), 'own'));
  assert.equal(keysOf(outbox), ['till-1:3']);
});

test('leaves out the devices the sender holds back', () => {
  const { outbox } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  outbox.enqueue(journalEntry('till-2', 1), 'replica');
  outbox.enqueue(journalEntry('till-3', 1), 'replica');
  const batch = outbox.nextBatch(10, { skipDevices: ['till-2', 'till-3'] });
  assert.equal(
    batch.map((r) => r.key),
    ['till-1:1'],
  );
});

test('stops a batch before it passes the byte limit, but hands out one', () => {
  const { outbox } = open();
  for (let seq = 1; seq <= 4; seq++) {
    outbox.enqueue(journalEntry('till-1', seq), 'own');
  }
  const size = JSON.stringify(journalEntry('till-1', 1)).length;
  const keys = (maxBytes: number) =>
    outbox.nextBatch(10, { maxBytes }).map((r) => r.key);
  assert.equal(keys(size * 2 + 10), ['till-1:1', 'till-1:2']);
  assert.equal(keys(1), ['till-1:1']);
  assert.is(keys(size * 100).length, 4);
});

test('keeps a dead letter with its reason, out of the queue, in the status', () => {
  const { outbox, clock } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  outbox.enqueue(journalEntry('till-1', 2), 'own');
  clock.now += 5000;

  assert.ok(
    outbox.deadLetter('till-1:1', 'seq 1 is stored with another hash', 'fork'),
  );
  assert.not.ok(outbox.deadLetter('till-1:1', 'again', 'fork'));
  assert.equal(keysOf(outbox), ['till-1:2']);

  const [dead] = outbox.deadLetters();
  assert.is(dead?.key, 'till-1:1');
  assert.is(dead?.code, 'fork');
  assert.is(dead?.reason, 'seq 1 is stored with another hash');
  assert.is(dead?.deadAt, clock.now);
  assert.equal(dead?.entry, journalEntry('till-1', 1));
  assert.is(outbox.status().deadLetters, 1);

  // Queuing it again does not bring it back unnoticed.
  assert.not.ok(outbox.enqueue(journalEntry('till-1', 1), 'own'));
  assert.equal(keysOf(outbox), ['till-1:2']);
});

test('refuses to dead-letter an entry that is not pending', () => {
  const { outbox } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  outbox.markSent(['till-1:1']);
  assert.is(
    errorCode(() => outbox.deadLetter('till-1:1', 'late')),
    'ERR_OUTBOX_NOT_PENDING',
  );
  assert.is(
    errorCode(() => outbox.deadLetter('till-9:1', 'who')),
    'ERR_OUTBOX_NOT_PENDING',
  );
  assert.is(
    errorCode(() => outbox.deadLetter('till-1:1', '')),
    'ERR_OUTBOX_ARGUMENT',
  );
  assert.is(outbox.status().deadLetters, 0);
});

test('revives a dead letter at its old place in the queue', () => {
  const { outbox } = open();
  for (let seq = 1; seq <= 3; seq++) {
    outbox.enqueue(journalEntry('till-1', seq), 'own');
  }
  outbox.deadLetter('till-1:2', 'relay bug', 'malformed');
  outbox.enqueue(journalEntry('till-1', 4), 'own');
  assert.ok(outbox.revive('till-1:2'));
  assert.not.ok(outbox.revive('till-1:2'));
  assert.equal(keysOf(outbox), [
    'till-1:1',
    'till-1:2',
    'till-1:3',
    'till-1:4',
  ]);
  assert.is(outbox.status().deadLetters, 0);
});

test('reports pending counts, the oldest entry’s age and the oldest own sale', () => {
  const { outbox, clock } = open();
  assert.equal(outbox.status(), {
    pending: 0,
    oldestPendingAgeMs: null,
    oldestOwnSaleTs: null,
    deadLetters: 0,
  });

  outbox.enqueue(
    journalEntry('till-2', 1, 'sale', '2026-12-03T08:00:00.000Z'),
    'replica',
  );
  clock.now += 60_000;
  outbox.enqueue(
    journalEntry('till-1', 1, 'drawer-open', '2026-12-03T09:00:00.000Z'),
    'own',
  );
  outbox.enqueue(
    journalEntry('till-1', 2, 'sale', '2026-12-03T10:00:00.000Z'),
    'own',
  );
  clock.now += 1000;

  assert.equal(outbox.status(), {
    pending: 3,
    oldestPendingAgeMs: 61_000,
    oldestOwnSaleTs: '2026-12-03T10:00:00.000Z',
    deadLetters: 0,
  });
  outbox.markSent(['till-2:1']);
  assert.is(outbox.status().oldestPendingAgeMs, 1000);
});

test('refuses bad entries and arguments and stores nothing', () => {
  const { outbox } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  const good = journalEntry('till-1', 2);
  const bad: unknown[] = [
    null,
    { ...good, device: '' },
    { ...good, seq: 0 },
    { ...good, seq: 1.5 },
    { ...good, seq: '2' },
    { ...good, kind: 'refund' },
    { ...good, hash: undefined },
    { ...good, ts: 42 },
  ];
  for (const entry of bad) {
    assert.is(
      errorCode(() => outbox.enqueue(entry as JournalEntry, 'own')),
      'ERR_OUTBOX_ENTRY',
      JSON.stringify(entry),
    );
  }
  const origin = 'mine' as 'own';
  assert.is(
    errorCode(() => outbox.enqueue(good, origin)),
    'ERR_OUTBOX_ENTRY',
  );
  assert.is(
    errorCode(() => outbox.nextBatch(0)),
    'ERR_OUTBOX_ARGUMENT',
  );
  assert.is(
    errorCode(() => outbox.nextBatch(2.5)),
    'ERR_OUTBOX_ARGUMENT',
  );
  const keys = [1] as unknown as string[];
  assert.is(
    errorCode(() => outbox.markSent(keys)),
    'ERR_OUTBOX_ARGUMENT',
  );
  assert.equal(keysOf(outbox), ['till-1:1']);
});

test('a full disk fails the enqueue and leaves the queue as it was', () => {
  const { db, outbox } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  const big = journalEntry('till-1', 2);
  big.payload = { note: 'x'.repeat(50_000) };
  const settle = db.transaction(() => outbox.enqueue(big, 'own'));
  assert.throws(
    settle,
    (error: { code?: string }) => error.code === 'SQLITE_FULL',
  );
  db.pragma('max_page_count = 1073741823');
  assert.equal(keysOf(outbox), ['till-1:1']);
  assert.ok(outbox.enqueue(big, 'own'));
});

test('forgets old acknowledged keys only when pruned', () => {
  const { outbox, clock } = open();
  outbox.enqueue(journalEntry('till-1', 1), 'own');
  outbox.markSent(['till-1:1']);
  assert.is(outbox.pruneSent(clock.now), 0);
  assert.is(outbox.pruneSent(clock.now + 1), 1);
  assert.ok(outbox.enqueue(journalEntry('till-1', 1), 'own'));
});

test('keeps the queue and dead letters across a restart', () => {
  const first = open();
  first.outbox.enqueue(journalEntry('till-1', 1), 'own');
  first.outbox.enqueue(journalEntry('till-1', 2), 'own');
  first.outbox.deadLetter('till-1:1', 'fork at 1', 'fork');
  first.db.close();
  migrateOutbox(open(first.dir).db);

  const again = open(first.dir);
  assert.equal(keysOf(again.outbox), ['till-1:2']);
  assert.is(again.outbox.status().deadLetters, 1);
});

test.run();
