import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { DATABASE_FILE, Store, scrubDeleted } from '../src/index.ts';

const NAME = 'Zenobia Quartermaine';
const PHONE = '+447700900999';
const DOC = 'b1/customers';

let dirs: string[] = [];
test.after.each(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function open(): { store: Store; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-scrub-'));
  dirs.push(dir);
  const store = Store.open({ dir, device: 't1', branch: 'b1' });
  return { store, dir };
}

/** The database's files as bytes, each that exists. */
function onDisk(dir: string): Buffer {
  const parts = ['', '-wal', '-shm']
    .map((suffix) => join(dir, `${DATABASE_FILE}${suffix}`))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path));
  return Buffer.concat(parts);
}

function holds(dir: string, text: string): boolean {
  return onDisk(dir).includes(Buffer.from(text, 'utf8'));
}

/**
 * Writes a guest into a document as many small updates compacted now and
 * then (old snapshots freed on the way), then overwrites the fields.
 */
function writeThenForget(store: Store, dir: string): void {
  const doc = new Y.Doc();
  const unbind = store.updateLog.bind(DOC, doc);
  const guest = doc.getMap('guest');
  for (let i = 0; i < 30; i++) {
    guest.set('name', `${NAME} ${i}`);
    guest.set('phone', PHONE);
    guest.set(`visit-${i}`, 'x'.repeat(3000));
    if (i % 10 === 9) store.updateLog.compact(DOC);
  }
  assert.ok(holds(dir, NAME), 'the name is on disk before');
  guest.set('name', null);
  guest.set('phone', null);
  unbind();
  doc.destroy();
  store.updateLog.compact(DOC);
}

test('a new store zeroes what compaction deletes, and the scrub empties the WAL without rebuilding the file', () => {
  const { store, dir } = open();
  assert.is(store.database.pragma('auto_vacuum', { simple: true }), 2);
  assert.is(store.database.pragma('secure_delete', { simple: true }), 1);
  writeThenForget(store, dir);

  const result = scrubDeleted(store.database);
  assert.is(result.vacuumed, false);
  assert.ok(result.walTruncated);
  assert.not.ok(holds(dir, NAME), 'the name is gone from every file');
  assert.not.ok(holds(dir, PHONE), 'the phone is gone from every file');
  assert.is(readFileSync(join(dir, `${DATABASE_FILE}-wal`)).length, 0);
  store.close();
});

test('a store that deleted without secure_delete is rebuilt once, then marked scrubbed', () => {
  const { store, dir } = open();
  const db = store.database;
  // An install from before: no incremental auto-vacuum, deletes in place.
  db.pragma('auto_vacuum = NONE');
  db.exec('VACUUM');
  db.pragma('secure_delete = OFF');
  writeThenForget(store, dir);
  db.pragma('wal_checkpoint(TRUNCATE)');
  assert.ok(holds(dir, PHONE), 'freed pages still hold the phone');

  const first = scrubDeleted(db);
  assert.ok(first.vacuumed);
  assert.ok(first.walTruncated);
  assert.not.ok(holds(dir, NAME));
  assert.not.ok(holds(dir, PHONE));
  assert.is(db.pragma('auto_vacuum', { simple: true }), 2);
  assert.is(scrubDeleted(db).vacuumed, false);
  store.close();

  // The store still opens, and still verifies.
  const reopened = Store.open({ dir, readonly: true });
  assert.ok(reopened.verify().ok);
  reopened.close();
});

test('a reader holding an old snapshot leaves the WAL in place, and says so', () => {
  const { store, dir } = open();
  writeThenForget(store, dir);
  const reader = Store.open({ dir, readonly: true });
  const rows = reader.database.prepare('SELECT key FROM meta').iterate();
  rows.next(); // an open read transaction pins the WAL
  try {
    store.database.pragma('busy_timeout = 50');
    const result = scrubDeleted(store.database);
    assert.is(result.walTruncated, false);
  } finally {
    rows.return?.();
    reader.close();
  }
  assert.ok(scrubDeleted(store.database).walTruncated);
  assert.not.ok(holds(dir, NAME));
  store.close();
});

test.run();
