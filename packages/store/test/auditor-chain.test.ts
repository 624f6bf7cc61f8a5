/**
 * "What an auditor will try" (FISCAL.md), cases 1 to 4 (deleted, edited, swapped and rewritten rows, a skipped document number, a restored backup): each on a real database
 * file, checked the way an auditor checks, with `brigade journal verify`.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DATABASE_FILE,
  formatDocNo,
  type JournalEntry,
  ReplicaError,
  Store,
} from '../src/index.ts';
import { at, businessDay, skim, verify } from './auditor-day.ts';
import {
  openStore,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';
import { rewriteFrom, tamper } from './tamper.ts';

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

test.run();
