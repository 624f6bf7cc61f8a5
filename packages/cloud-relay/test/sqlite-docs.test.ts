import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateUpdateLog, UpdateLog } from '@brigade/store';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { DATABASE_FILE, openRelayDatabase } from '../src/db.ts';
import { startRelay } from '../src/server.ts';
import {
  removeDir,
  secret,
  stockProvider,
  synced,
  tempDir,
  token,
  until,
} from './support/relay.ts';

const DOC = 'b1/day/2026-12-03';
const fixture = fileURLToPath(
  new URL('./fixtures/relay-child.ts', import.meta.url),
);

/** Counts the update-log rows through a second, read-only connection. */
function rowCounter(dir: string) {
  const disk = new Database(`${dir}/${DATABASE_FILE}`, { readonly: true });
  const rows = disk.prepare('SELECT count(*) AS n FROM doc_update');
  return {
    stored: () => (rows.get() as { n: number }).n,
    close: () => disk.close(),
  };
}

/** The document as the relay's database holds it, read after it stopped. */
function storedLines(dir: string, name: string): unknown[] {
  const db = openRelayDatabase(dir);
  try {
    migrateUpdateLog(db);
    const doc = new Y.Doc();
    new UpdateLog(db, { validate: false }).loadInto(name, doc);
    return doc.getArray('lines').toArray();
  } finally {
    db.close();
  }
}

const client = (url: string, device: string, doc?: Y.Doc) =>
  stockProvider(url, DOC, { token: token({ device }) }, doc);

test('sends an update to the other clients before it is committed', async () => {
  const dir = tempDir();
  // Commits gathered over 2 s: the reader must not wait for them.
  const relay = await startRelay({
    dataDir: dir,
    secret,
    port: 0,
    persistence: { commitDelayMs: 2_000 },
  });
  const writer = client(relay.url, 'till-1');
  const reader = client(relay.url, 'till-2');
  const disk = rowCounter(dir);
  try {
    await Promise.all([synced(writer), synced(reader)]);
    const before = disk.stored();
    writer.doc.getArray('lines').push(['soup']);
    await until(() => reader.doc.getArray('lines').length === 1, 1_000);
    assert.is(disk.stored(), before, 'delivered ahead of the commit');
  } finally {
    writer.destroy();
    reader.destroy();
    disk.close();
    await relay.stop();
    removeDir(dir);
  }
});

test('tells a client it is synced only once everything before is on disk', async () => {
  const dir = tempDir();
  const relay = await startRelay({
    dataDir: dir,
    secret,
    port: 0,
    persistence: { commitDelayMs: 100 },
  });
  const writer = client(relay.url, 'till-1');
  const disk = rowCounter(dir);
  try {
    await synced(writer);
    const before = disk.stored();
    for (let i = 0; i < 50; i++) writer.doc.getArray('lines').push([i]);
    await until(
      () => relay.hub.loadedDoc(DOC)?.getArray('lines').length === 50,
    );

    // Its sync answer is the acknowledgement: it waits for the commit.
    const late = client(relay.url, 'till-2');
    let storedAtSync = -1;
    late.on('sync', (isSynced: boolean) => {
      if (isSynced && storedAtSync < 0) storedAtSync = disk.stored() - before;
    });
    await synced(late);
    assert.is(storedAtSync, 50);
    assert.is(late.doc.getArray('lines').length, 50);
    late.destroy();
  } finally {
    writer.destroy();
    disk.close();
    await relay.stop();
    removeDir(dir);
  }
});

test('an update sent on but lost in a crash comes back from a client that has it', async () => {
  const dir = tempDir();
  // A relay that never commits in time: SIGKILL lands between the send
  // and the commit.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, dir, '60000'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  const readerDoc = new Y.Doc();
  let relay: Awaited<ReturnType<typeof startRelay>> | null = null;
  try {
    await until(() => output.includes('\n'), 20_000, 'child relay');
    const url = output.trim();
    const writer = client(url, 'till-1');
    const reader = client(url, 'till-2', readerDoc);
    await Promise.all([synced(writer), synced(reader)]);
    writer.doc.getArray('lines').push(['sent, not stored']);
    await until(() => readerDoc.getArray('lines').length === 1);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    writer.destroy();
    reader.destroy();
    assert.equal(storedLines(dir, DOC), [], 'the relay died before storing');

    // The writer is gone for good; the reader reconnects to a new relay.
    relay = await startRelay({ dataDir: dir, secret, port: 0 });
    const back = client(relay.url, 'till-2', readerDoc);
    const fresh = client(relay.url, 'till-3');
    await Promise.all([synced(back), synced(fresh)]);
    await until(() => fresh.doc.getArray('lines').length === 1);
    back.destroy();
    fresh.destroy();
    await relay.stop();
    relay = null;
    assert.equal(storedLines(dir, DOC), ['sent, not stored']);
  } finally {
    child.kill('SIGKILL');
    await relay?.stop();
    removeDir(dir);
  }
});

test.run();
