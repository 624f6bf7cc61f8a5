import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomerBook, yjsEngine } from '@brigade/crdt-model';
import type { Database } from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { DATABASE_FILE, openRelayDatabase } from '../src/db.ts';
import { SqliteDocSource } from '../src/docs/sqlite-docs.ts';
import { CustomerReports } from '../src/reports/customers.ts';
import {
  ErasureWatch,
  isCustomerBookRoom,
} from '../src/reports/erasure-watch.ts';
import { removeDir, tempDir, until } from './support/relay.ts';

const ROOM = '!org/acme/customers';
const GUEST = { name: 'Odalys Fairweather', phone: '+44 7700 900321' };
const PHONE_DIGITS = '7700900321';
/** Of two concurrent writes to one key, Yjs keeps the higher client's. */
const TILL_CLIENT = 1_000_000;

/** Every file of the relay's data folder, as bytes. */
function onDisk(dir: string): Buffer {
  const paths = ['', '-wal', '-shm']
    .map((suffix) => join(dir, `${DATABASE_FILE}${suffix}`))
    .filter((path) => existsSync(path));
  return Buffer.concat(paths.map((path) => readFileSync(path)));
}

function holds(dir: string, text: string): boolean {
  return onDisk(dir).includes(Buffer.from(text, 'utf8'));
}

/** A relay's document storage with the watch, and a till's book. */
async function setup() {
  const dir = tempDir();
  const db = openRelayDatabase(dir);
  const source = new SqliteDocSource(db);
  const watch = new ErasureWatch(source, { db, log: source.log });
  const room = await watch.open(ROOM);
  const till = new Y.Doc();
  till.clientID = TILL_CLIENT;
  // The hub applies a client's update with the connection as origin.
  till.on('update', (update: Uint8Array) => Y.applyUpdate(room, update, till));
  const book = new CustomerBook(yjsEngine(till), { device: 'till-1' });
  const stop = async () => {
    book.close();
    till.destroy();
    await watch.close(ROOM, room);
    source.stop();
    db.close();
    removeDir(dir);
  };
  return { dir, db, source, watch, room, book, stop };
}

/** Writes the guest, edits it a few times, with compactions between. */
function visit(book: CustomerBook, source: SqliteDocSource): string {
  const id = book.createCustomer(GUEST);
  for (let i = 0; i < 5; i++) {
    book.updateCustomer(id, { notes: `table ${i}, likes the window` });
    source.commits.flush();
    source.log.compact(ROOM);
  }
  book.updateCustomer(id, { email: 'odalys@example.com' });
  source.commits.flush();
  return id;
}

async function scrubbed(watch: ErasureWatch, source: SqliteDocSource) {
  await until(
    () => watch.pending === 0 && source.log.size(ROOM)?.tailUpdates === 0,
    5_000,
    'the book to be compacted',
  );
}

function assertGone(dir: string, db: Database): void {
  for (const text of [GUEST.name, PHONE_DIGITS, 'odalys@example.com']) {
    assert.not.ok(holds(dir, text), `${text} left the relay's files`);
  }
  assert.is(db.pragma('secure_delete', { simple: true }), 1);
}

test('the relay database zeroes deletes and is created for incremental vacuum', () => {
  const dir = tempDir();
  const db = openRelayDatabase(dir);
  try {
    assert.is(db.pragma('secure_delete', { simple: true }), 1);
    assert.is(db.pragma('auto_vacuum', { simple: true }), 2);
  } finally {
    db.close();
    removeDir(dir);
  }
});

test('watches only customer books', () => {
  assert.ok(isCustomerBookRoom('!org/acme/customers'));
  assert.ok(isCustomerBookRoom('b1/customers'));
  assert.not.ok(isCustomerBookRoom('b1/day/2026-12-03'));
  assert.not.ok(isCustomerBookRoom('b1/menu'));
});

test('an erasure that arrives through sync is compacted and scrubbed off the relay files', async () => {
  const { dir, db, source, watch, book, stop } = await setup();
  try {
    const id = visit(book, source);
    assert.ok(holds(dir, GUEST.name), 'the name is on disk before');
    assert.ok(holds(dir, PHONE_DIGITS), 'the phone is on disk before');

    book.erase(id);
    await scrubbed(watch, source);
    assertGone(dir, db);
    assert.is(readFileSync(join(dir, `${DATABASE_FILE}-wal`)).length, 0);
  } finally {
    await stop();
  }
});

for (const [outcome, client] of [
  ['loses to', TILL_CLIENT - 1],
  ['wins over', TILL_CLIENT + 1],
] as const) {
  test(`an edit that ${outcome} the erasure's blank, from a device that had not seen it, is blanked and scrubbed`, async () => {
    const { dir, db, source, watch, room, book, stop } = await setup();
    const late = new Y.Doc();
    late.clientID = client;
    try {
      const id = visit(book, source);
      // A till offline since before the erasure still holds the guest.
      Y.applyUpdate(late, Y.encodeStateAsUpdate(room));
      book.erase(id);
      await scrubbed(watch, source);

      const lateBook = new CustomerBook(yjsEngine(late), { device: 'till-2' });
      lateBook.updateCustomer(id, { phone: '+44 7700 900555' });
      lateBook.close();
      Y.applyUpdate(room, Y.encodeStateAsUpdate(late), late);
      assert.is(watch.pending, 1, 'the scrub is due at once');
      await scrubbed(watch, source);

      assertGone(dir, db);
      assert.not.ok(holds(dir, '7700900555'), 'the late phone is gone too');
      const relayBook = new CustomerBook(yjsEngine(room), { device: 'relay' });
      assert.is(relayBook.customer(id)?.phone ?? null, null);
      relayBook.close();
    } finally {
      late.destroy();
      await stop();
    }
  });
}

test('the erase endpoint scrubs the files of a book no device has open', async () => {
  const { dir, db, source, watch, room, book, stop } = await setup();
  try {
    const id = visit(book, source);
    await watch.close(ROOM, room);
    assert.ok(holds(dir, GUEST.name), 'the name is on disk before');

    const reports = new CustomerReports(source.log, { db });
    assert.equal(reports.erase('acme', id), [id]);
    assertGone(dir, db);
  } finally {
    await stop();
  }
});

test.run();
