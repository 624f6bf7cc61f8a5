import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateUpdateLog, UpdateLog } from '@brigade/store';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { DATABASE_FILE, openRelayDatabase } from '../src/db.ts';
import { GroupCommit } from '../src/docs/group-commit.ts';
import { removeDir, tempDir, until } from './support/relay.ts';

const fixture = fileURLToPath(
  new URL('./fixtures/commit-then-hang.ts', import.meta.url),
);

function openLog(dir: string) {
  const db = openRelayDatabase(dir);
  migrateUpdateLog(db);
  const log = new UpdateLog(db, { validate: false });
  return { db, log };
}

/** Rows in the update log, read through a second connection. */
function storedRows(dir: string): number {
  const other = new Database(`${dir}/${DATABASE_FILE}`, { readonly: true });
  try {
    const row = other.prepare('SELECT count(*) AS n FROM doc_update').get();
    return (row as { n: number }).n;
  } finally {
    other.close();
  }
}

function lines(log: UpdateLog, name: string): unknown[] {
  const doc = new Y.Doc();
  log.loadInto(name, doc);
  return doc.getArray('lines').toArray();
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('writes the updates of one turn in one commit, on the next turn', async () => {
  const dir = tempDir();
  const { db, log } = openLog(dir);
  const commits = new GroupCommit(db, log);
  try {
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    for (const [i, doc] of docs.entries()) commits.bind(`b1/doc-${i}`, doc);
    for (let i = 0; i < 90; i++) docs[i % 3]?.getArray('lines').push([i]);

    // Nothing is written until the turn ends.
    assert.is(storedRows(dir), 0);
    let delivered = false;
    commits.afterCommit(() => {
      delivered = storedRows(dir) === 90;
    });
    await nextTurn();
    assert.is(commits.commits, 1);
    assert.ok(delivered, 'the waiter ran after the commit');
    assert.is(lines(log, 'b1/doc-1').length, 30);
  } finally {
    commits.stop();
    db.close();
    removeDir(dir);
  }
});

test('runs a waiter at once when nothing is queued', () => {
  const dir = tempDir();
  const { db, log } = openLog(dir);
  const commits = new GroupCommit(db, log);
  let ran = false;
  commits.afterCommit(() => {
    ran = true;
  });
  assert.ok(ran);
  commits.stop();
  db.close();
  removeDir(dir);
});

test('keeps a batch that failed on a full disk, logs and counts it, and stores it once there is room', async () => {
  const dir = tempDir();
  const { db, log } = openLog(dir);
  const errors: Error[] = [];
  const commits = new GroupCommit(db, log, {
    retryMs: 5,
    onFailure: (error) => errors.push(error),
  });
  const doc = new Y.Doc();
  commits.bind('b1/menu', doc);
  try {
    doc.getArray('lines').push(['kept']);
    await nextTurn();
    assert.is(storedRows(dir), 1);

    // The file may not grow: the next batch fails with SQLITE_FULL.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    let delivered = false;
    for (let i = 0; i < 200; i++) {
      doc.getArray('lines').push([`x${i}`.repeat(100)]);
    }
    commits.afterCommit(() => {
      delivered = true;
    });
    await until(() => errors.length >= 1);
    assert.match(errors[0]?.message ?? '', /full/);
    assert.is(commits.failures >= 1, true);
    assert.not.ok(delivered, 'nothing waiting on the batch went out');
    assert.is(lines(log, 'b1/menu').length, 1, 'stored data untouched');
    assert.is(db.pragma('integrity_check', { simple: true }), 'ok');

    // Room again: the retry stores the document's whole state.
    db.pragma('max_page_count = 1073741823');
    await until(() => delivered);
    assert.is(lines(log, 'b1/menu').length, 201);
    assert.not.ok(commits.busy);
  } finally {
    commits.stop();
    db.close();
    removeDir(dir);
  }
});

test('commits updates of one turn once, and they survive a SIGKILL', async () => {
  const dir = tempDir();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, dir, '400'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  try {
    await until(() => output.includes('committed'), 20_000, 'child commit');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.is(output.trim(), 'committed 1');

    const { db, log } = openLog(dir);
    try {
      assert.is(storedRows(dir), 400);
      assert.is(lines(log, 'b1/menu').length, 200);
      assert.is(lines(log, 'b1/day').length, 200);
    } finally {
      log.stop();
      db.close();
    }
  } finally {
    child.kill('SIGKILL');
    removeDir(dir);
  }
});

test.run();
