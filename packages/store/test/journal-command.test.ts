/**
 * `brigade journal verify|export` as an auditor runs it: the real
 * `brigade` binary in a child process, its exit code and its output.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkNext,
  type JournalEntry,
  Store,
  VERIFY_DEFAULTS,
  verifySequentially,
} from '../src/index.ts';
import {
  ENTRY_COLUMNS,
  type EntryRow,
  rowToEntry,
} from '../src/journal/rows.ts';
import {
  DAY,
  openStore,
  runJournal,
  salePayload,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';
import { respellPayload, tamper } from './tamper.ts';

const brigade = fileURLToPath(
  new URL('../../../bin/brigade.js', import.meta.url),
);

function cli(...argv: string[]) {
  const run = spawnSync(process.execPath, [brigade, 'journal', ...argv], {
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A till folder with five sales and a peer's two, closed. */
function tillFolder(dir: string): JournalEntry[] {
  const clock = new TestClock();
  const peerDir = join(dir, 'peer');
  const peer = Store.open({ dir: peerDir, device: 'till-2', branch: 'riyadh' });
  const peerEntries = settleMany(peer, clock, 2);
  peer.close();
  const store = openStore(join(dir, 'till'), clock);
  const own = settleMany(store, clock, 5);
  store.acceptReplicas(peerEntries);
  store.close();
  return [...own, ...peerEntries];
}

test('verify exits 0 with a JSON summary per device', () => {
  const { dir, remove } = tempDir();
  try {
    const entries = tillFolder(dir);
    const run = cli('verify', '--data', join(dir, 'till'));
    assert.is(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(
      report.devices.map((d: Record<string, unknown>) => [
        d.device,
        d.entries,
        d.lastSeq,
        d.lastHash,
      ]),
      [
        ['till-1', 5, 5, entries[4]?.hash],
        ['till-2', 2, 2, entries[6]?.hash],
      ],
    );
    assert.equal(report.devices[0].perpetual, entries[4]?.running);
  } finally {
    remove();
  }
});

test('verify exits 1 naming the first broken entry', () => {
  const { dir, remove } = tempDir();
  try {
    tillFolder(dir);
    tamper(join(dir, 'till'), (db) =>
      db.exec("UPDATE journal SET user = 'someone-else' WHERE seq = 3"),
    );
    const run = cli('verify', '--data', join(dir, 'till'));
    assert.is(run.code, 1);
    assert.match(run.stderr, /till-1 entry 3 is broken: hash-mismatch/);
    assert.is(JSON.parse(run.stdout).fault.seq, 3);
  } finally {
    remove();
  }
});

test('verify exits 1 on a payload stored with a repeated key, though hashed honestly', () => {
  const { dir, remove } = tempDir();
  try {
    const entries = tillFolder(dir);
    const till = join(dir, 'till');
    // A JSON reader that keeps the first "total" reads 99999; one that
    // keeps the last, 2875 as the entry says. The hash covers the text.
    respellPayload(till, 3, (text) =>
      text.replace('"total":', '"total":99999,"total":'),
    );
    const run = cli('verify', '--data', till);
    assert.is(run.code, 1, run.stdout);
    assert.match(run.stderr, /till-1 entry 3 is broken: payload-not-canonical/);
    const report = JSON.parse(run.stdout);
    assert.equal(
      [report.fault.code, report.fault.seq],
      ['payload-not-canonical', 3],
    );
    assert.match(report.fault.message, /"99999,\\"total\\"/);
    assert.is(report.devices[0].entries, 2);

    // Hashes, links and totals all hold: only the spelling is wrong.
    const stored = storedChain(till);
    assert.is(stored.length, entries.length - 2);
    let prev: JournalEntry | null = null;
    for (const { entry, payloadText } of stored) {
      assert.is(checkNext(prev, entry, { payloadText }), null);
      prev = entry;
    }
  } finally {
    remove();
  }
});

test('verify and export exit 2 on a missing or non-Brigade folder', async () => {
  const { dir, remove } = tempDir();
  try {
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const missing = cli('verify', '--data', join(dir, 'nope'));
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /is not a folder/);
    for (const action of ['verify', 'export']) {
      const gone = await runJournal([action, '--data', join(dir, 'nope')]);
      assert.is(gone.code, 2);
      const other = await runJournal([action, '--data', dir]);
      assert.is(other.code, 2);
      assert.match(other.stderr, /not a Brigade data folder/);
    }
  } finally {
    remove();
  }
});

test('bad flags and anchors exit 2 with the usage', async () => {
  const noData = await runJournal(['verify']);
  assert.is(noData.code, 2);
  assert.match(noData.stderr, /--data DIR is required/);
  const unknown = await runJournal(['verify', '--data', '/tmp', '--fast']);
  assert.is(unknown.code, 2);
  const anchor = await runJournal([
    'verify',
    '--data',
    '/tmp',
    '--anchor',
    'x',
  ]);
  assert.is(anchor.code, 2);
  assert.match(anchor.stderr, /DEVICE:SEQ:HASH/);
  const action = await runJournal(['fix']);
  assert.is(action.code, 2);
  assert.match(action.stderr, /usage:/);
});

test('export writes the own journal as JSON Lines, and the replicas on request', async () => {
  const { dir, remove } = tempDir();
  try {
    const entries = tillFolder(dir);
    const own = await runJournal(['export', '--data', join(dir, 'till')]);
    assert.is(own.code, 0, own.stderr);
    const lines = own.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines, entries.slice(0, 5));

    const all = cli('export', '--data', join(dir, 'till'), '--replicas');
    const withReplicas = all.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(withReplicas, entries);
  } finally {
    remove();
  }
});

/** A till folder big enough for `verify` to use worker threads. */
function largeFolder(dir: string): void {
  const store = openStore(dir);
  const who = { user: 'cashier-1', businessDate: DAY };
  store.database.transaction(() => {
    for (
      let i = 0;
      store.journal.headSeq() < VERIFY_DEFAULTS.parallelFrom;
      i++
    ) {
      if (i % 500 === 499) store.closeDay(who);
      else store.settle({ ...who, invoice: salePayload(`o-${i}`) });
    }
  })();
  store.close();
}

/** The own chain as stored: each entry with its payload text. */
function storedChain(dir: string) {
  const store = Store.open({ dir, readonly: true });
  try {
    return store.database
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM journal ORDER BY seq`)
      .raw()
      .all()
      .map((row) => rowToEntry(row as EntryRow));
  } finally {
    store.close();
  }
}

function sequentialReport(dir: string) {
  const store = Store.open({ dir, readonly: true });
  try {
    return verifySequentially(store.database, store.device);
  } finally {
    store.close();
  }
}

test('verify of a store big enough for threads reports as the sequential verifier', () => {
  const { dir, remove } = tempDir();
  try {
    largeFolder(dir);
    const clean = cli('verify', '--data', dir);
    assert.is(clean.code, 0, clean.stderr);
    const printed = (r: unknown) => `${JSON.stringify(r, null, 2)}\n`;
    assert.is(clean.stdout, printed(sequentialReport(dir)), 'byte for byte');

    const seq = VERIFY_DEFAULTS.parallelFrom - 700;
    tamper(dir, (db) =>
      db.exec(`UPDATE journal SET tax = 1 WHERE seq = ${seq}`),
    );
    const broken = cli('verify', '--data', dir);
    assert.is(broken.code, 1);
    const report = JSON.parse(broken.stdout);
    assert.equal([report.fault.code, report.fault.seq], ['hash-mismatch', seq]);
    assert.equal(report, sequentialReport(dir));
  } finally {
    remove();
  }
});

test.run();
