import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { prepareDocStatements } from '../src/docs/statements.ts';
import {
  migrateUpdateLog,
  UpdateLog,
  UpdateLogError,
  type UpdateLogOptions,
} from '../src/index.ts';
import { busyDay, seeded } from './fixtures/busy-day.ts';

const dirs: string[] = [];
const dbs: Database.Database[] = [];

function openDb(dir = mkdtempSync(join(tmpdir(), 'brigade-'))) {
  if (!dirs.includes(dir)) dirs.push(dir);
  const db = new Database(join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  migrateUpdateLog(db);
  dbs.push(db);
  return { db, dir };
}

function openLog(options: UpdateLogOptions = {}) {
  const { db, dir } = openDb();
  return { db, dir, log: new UpdateLog(db, options) };
}

function contents(doc: Y.Doc): unknown {
  return doc.getMap('keys').toJSON();
}

function fromUpdate(update: Uint8Array | null): Y.Doc {
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc;
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.instance(error, UpdateLogError);
    return (error as UpdateLogError).code;
  }
  assert.unreachable('expected an UpdateLogError');
}

test.after.each(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

test('loads what was appended as one update', () => {
  const { log } = openLog();
  const doc = new Y.Doc();
  log.bind('b1/menu', doc);
  doc.getMap('keys').set('a', 1);
  doc.getMap('keys').set('b', 2);

  const loaded = fromUpdate(log.load('b1/menu'));
  assert.equal(contents(loaded), { a: 1, b: 2 });
  assert.is(log.size('b1/menu')?.tailUpdates, 2);
});

test('answers null and false for a document it does not hold', () => {
  const { log } = openLog();
  assert.is(log.load('nothing'), null);
  assert.is(log.loadInto('nothing', new Y.Doc()), false);
  assert.is(log.size('nothing'), null);
});

test('does not append again what it loads into a bound document', () => {
  const { log } = openLog();
  log.append('d', updateSetting('a', 1));
  const doc = new Y.Doc();
  log.bind('d', doc);
  assert.ok(log.loadInto('d', doc));
  assert.equal(contents(doc), { a: 1 });
  assert.is(log.size('d')?.tailUpdates, 1);
});

test('stops appending once unbound or destroyed', () => {
  const { log } = openLog();
  const doc = new Y.Doc();
  const unbind = log.bind('d', doc);
  doc.getMap('keys').set('a', 1);
  unbind();
  doc.getMap('keys').set('b', 2);

  const other = new Y.Doc();
  log.bind('e', other);
  other.destroy();
  assert.is(log.size('d')?.tailUpdates, 1);
  assert.is(log.size('e'), null);
});

test('compaction folds the tail into one snapshot and keeps the state', () => {
  const { log, db } = openLog();
  const doc = new Y.Doc();
  log.bind('d', doc);
  for (let i = 0; i < 40; i++) doc.getMap('keys').set(`k${i % 10}`, i);

  const result = log.compact('d');
  assert.is(result?.folded, 40);
  const size = log.size('d')!;
  assert.is(size.tailUpdates, 0);
  assert.is(size.snapshotBytes, result?.snapshotBytes);
  assert.ok(size.compactedAt);
  assert.equal(contents(fromUpdate(log.load('d'))), contents(doc));
  assert.is(log.compact('d'), null);

  // Updates after the snapshot form the new tail and load on top of it.
  doc.getMap('keys').set('after', true);
  assert.is(log.size('d')?.tailUpdates, 1);
  const reloaded = new Y.Doc();
  log.loadInto('d', reloaded);
  assert.equal(contents(reloaded), contents(doc));
  const count = db.prepare('SELECT count(*) AS n FROM doc_snapshot').get();
  assert.equal(count, { n: 1 });
});

test('compacts in the background after the append that crossed the limit', async () => {
  const { log } = openLog({ compactAfterUpdates: 10 });
  log.start();
  const doc = new Y.Doc();
  log.bind('d', doc);
  for (let i = 0; i < 10; i++) doc.getMap('keys').set(`k${i}`, i);

  // Not on the hot path: the tail is still whole when the append returns.
  assert.is(log.size('d')?.tailUpdates, 10);
  const [result] = await once(log, 'compacted');
  assert.is(result.folded, 10);
  assert.is(log.size('d')?.tailUpdates, 0);
  log.stop();
});

test('compacts in the background once the tail reaches its byte limit', async () => {
  const { log } = openLog({ compactAfterBytes: 2000 });
  log.start();
  const doc = new Y.Doc();
  log.bind('d', doc);
  doc.getMap('keys').set('big', 'x'.repeat(2500));
  const [result] = await once(log, 'compacted');
  assert.is(result.folded, 1);
  log.stop();
});

test('starts and stops idempotently, and compacts nothing while stopped', async () => {
  const { log } = openLog({ compactAfterUpdates: 3 });
  log.start();
  log.start();
  log.stop();
  log.stop();
  const doc = new Y.Doc();
  log.bind('d', doc);
  for (let i = 0; i < 5; i++) doc.getMap('keys').set(`k${i}`, i);
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(log.size('d')?.tailUpdates, 5);

  // Starting again picks up what is already over the limit.
  log.start();
  await once(log, 'compacted');
  assert.is(log.size('d')?.tailUpdates, 0);
  log.stop();
});

test('stopping drops a fold under way on the worker, unwritten', async () => {
  const { log } = openLog({ compactAfterUpdates: 5 });
  const done: unknown[] = [];
  log.on('compacted', (result) => done.push(result));
  log.on('compaction-failed', (failure) => done.push(failure));
  log.start();
  const doc = new Y.Doc();
  log.bind('d', doc);
  for (let i = 0; i < 5; i++) doc.getMap('keys').set(`k${i}`, i);

  await new Promise((resolve) => setImmediate(resolve));
  log.stop();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(done, []);
  assert.is(log.size('d')?.tailUpdates, 5);

  // Started again, it folds the same tail on a fresh worker.
  log.start();
  const [result] = await once(log, 'compacted');
  assert.is(result.folded, 5);
  assert.equal(contents(fromUpdate(log.load('d'))), contents(doc));
  log.stop();
});

test('folds on the main thread when the worker is turned off', async () => {
  const { log } = openLog({ compactAfterUpdates: 3, worker: false });
  log.start();
  for (let i = 0; i < 3; i++) log.append('d', updateSetting(`k${i}`, i));
  const [result] = await once(log, 'compacted');
  assert.is(result.folded, 3);
  assert.equal(contents(fromUpdate(log.load('d'))), { k0: 0, k1: 1, k2: 2 });
  log.stop();
});

test('a compaction that fails midway leaves snapshot and tail as they were', () => {
  const { log, db } = openLog();
  log.append('d', updateSetting('a', 1));
  log.compact('d');
  log.append('d', updateSetting('b', 2));
  const before = log.size('d');

  db.exec(`CREATE TRIGGER fail_delete BEFORE DELETE ON doc_update
    BEGIN SELECT RAISE(ABORT, 'disk gone'); END`);
  assert.throws(() => log.compact('d'), /disk gone/);
  db.exec('DROP TRIGGER fail_delete');

  assert.equal(log.size('d'), before);
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1, b: 2 });
});

test('skips writing a snapshot when another connection compacted first', () => {
  const { log, dir } = openLog();
  log.append('d', updateSetting('a', 1));
  log.append('d', updateSetting('b', 2));

  // A second connection reads the document, then the first compacts.
  const other = openDb(dir).db;
  const statements = prepareDocStatements(other);
  const seen = statements.readStored('d');
  log.compact('d');
  log.append('d', updateSetting('c', 3));

  const stale = Y.mergeUpdates(seen.tail.map((u) => u.data));
  assert.not.ok(statements.writeSnapshot('d', stale, seen, Date.now()));
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1, b: 2, c: 3 });
  assert.is(log.size('d')?.tailUpdates, 1);

  // Or removed it and started it again.
  log.append('e', updateSetting('a', 1));
  const seenE = statements.readStored('e');
  log.remove('e');
  log.append('e', updateSetting('fresh', 1));
  const staleE = Y.mergeUpdates(seenE.tail.map((u) => u.data));
  assert.not.ok(statements.writeSnapshot('e', staleE, seenE, Date.now()));
  assert.equal(contents(fromUpdate(log.load('e'))), { fresh: 1 });
});

test('reports failed background compaction and keeps the data', async () => {
  const { log, db } = openLog({ compactAfterUpdates: 2, validate: false });
  log.append('d', updateSetting('a', 1));
  db.prepare('INSERT INTO doc_update (name, data) VALUES (?, ?)').run(
    'd',
    Buffer.from('not yjs at all'),
  );
  log.start();
  log.append('d', updateSetting('b', 2));
  const [failure] = await once(log, 'compaction-failed');
  assert.is(failure.name, 'd');
  assert.is(failure.error.code, 'ERR_DOC_CORRUPT');
  assert.is(log.size('d')?.tailUpdates, 3);
  log.stop();
});

test('lists, sizes and removes documents', () => {
  const { log } = openLog();
  log.append('b', updateSetting('x', 1));
  log.append('a', updateSetting('y', 2));
  log.compact('a');
  log.append('a', updateSetting('z', 3));

  assert.equal(log.list(), ['a', 'b']);
  const sizes = log.sizes();
  assert.equal(
    sizes.map((s) => [s.name, s.tailUpdates, s.snapshotBytes > 0]),
    [
      ['a', 1, true],
      ['b', 1, false],
    ],
  );
  assert.ok(log.remove('a'));
  assert.not.ok(log.remove('a'));
  assert.equal(log.list(), ['b']);
  assert.is(log.load('a'), null);
});

test('refuses bad names and bad updates and stores nothing', () => {
  const { log } = openLog();
  log.append('d', updateSetting('a', 1));
  const before = log.sizes();

  assert.is(
    errorCode(() => log.append('', updateSetting('a', 2))),
    'ERR_DOC_NAME',
  );
  assert.is(
    errorCode(() => log.append('x'.repeat(513), updateSetting('a', 2))),
    'ERR_DOC_NAME',
  );
  assert.is(
    errorCode(() => log.append('d', new Uint8Array())),
    'ERR_DOC_UPDATE',
  );
  const notBytes = 'abc' as unknown as Uint8Array;
  assert.is(
    errorCode(() => log.append('d', notBytes)),
    'ERR_DOC_UPDATE',
  );
  const garbage = Buffer.from('hello world garbage');
  assert.is(
    errorCode(() => log.append('d', garbage)),
    'ERR_DOC_UPDATE',
  );
  const cut = updateSetting('b', 'long value').subarray(0, 8);
  assert.is(
    errorCode(() => log.append('d', cut)),
    'ERR_DOC_UPDATE',
  );

  assert.equal(log.sizes(), before);
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1 });
});

test('refuses compaction limits it cannot work with', () => {
  const { db } = openDb();
  for (const options of [
    { compactAfterUpdates: 0 },
    { compactAfterBytes: -1 },
    { compactAfterUpdates: Number.NaN },
  ]) {
    assert.is(
      errorCode(() => new UpdateLog(db, options)),
      'ERR_DOC_OPTIONS',
    );
  }
});

test('names a document whose stored bytes do not decode', () => {
  const { log } = openLog({ validate: false });
  log.append('d', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
  log.append('d', updateSetting('a', 1));
  assert.is(
    errorCode(() => log.load('d')),
    'ERR_DOC_CORRUPT',
  );
  assert.is(
    errorCode(() => log.loadInto('d', new Y.Doc())),
    'ERR_DOC_CORRUPT',
  );
});

test('a bound document catches up after an append fails', () => {
  const { log, db } = openLog();
  const doc = new Y.Doc();
  log.bind('d', doc);
  const failures: unknown[] = [];
  log.on('append-failed', (event) => failures.push(event.error));

  doc.getMap('keys').set('a', 1);
  db.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON doc_update
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
  doc.getMap('keys').set('b', 2);
  doc.getMap('keys').set('c', 3);
  assert.is(failures.length, 2);
  db.exec('DROP TRIGGER full_disk');

  doc.getMap('keys').set('d', 4);
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1, b: 2, c: 3, d: 4 });
});

test('catches up once a full disk has room again', () => {
  const { log, db } = openLog();
  const doc = new Y.Doc();
  log.bind('d', doc);
  const failures: { error: { code?: string } }[] = [];
  log.on('append-failed', (event) => failures.push(event as never));
  doc.getMap('keys').set('a', 1);

  // A disk that is full: the file may not grow by a single page.
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  doc.getMap('keys').set('big', 'x'.repeat(20_000));
  assert.is(failures[0]?.error.code, 'SQLITE_FULL');
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1 });

  db.pragma('max_page_count = 1073741823');
  doc.getMap('keys').set('b', 2);
  assert.equal(contents(fromUpdate(log.load('d'))), contents(doc));
});

test('unbinding writes the state an earlier failure left unsaved', () => {
  const { log, db } = openLog();
  const doc = new Y.Doc();
  const unbind = log.bind('d', doc);
  db.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON doc_update
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
  doc.getMap('keys').set('a', 1);
  db.exec('DROP TRIGGER full_disk');
  unbind();
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1 });
});

test('appends join a transaction the caller rolls back', () => {
  const { log, db } = openLog();
  const settle = db.transaction(() => {
    log.append('d', updateSetting('a', 1));
    throw new Error('settlement refused');
  });
  assert.throws(settle, /settlement refused/);
  assert.is(log.load('d'), null);
});

test('migrates idempotently and keeps the data', () => {
  const { log, db } = openLog();
  log.append('d', updateSetting('a', 1));
  migrateUpdateLog(db);
  migrateUpdateLog(db);
  assert.equal(contents(fromUpdate(log.load('d'))), { a: 1 });
});

test('loads a compacted busy day from one snapshot and a short tail', () => {
  const { log } = openLog({ compactAfterUpdates: 500 });
  const updates = busyDay(200);
  assert.ok(updates.length > 3000);
  const name = 'b1/day/2026-12-03';
  const [head, rest] = [updates.slice(0, -30), updates.slice(-30)];
  for (const update of head) log.append(name, update);
  log.compact(name);
  for (const update of rest) log.append(name, update);

  const size = log.size(name)!;
  assert.is(size.tailUpdates, 30);
  const expected = new Y.Doc();
  const replayStarted = performance.now();
  expected.transact(() => {
    for (const update of updates) Y.applyUpdate(expected, update);
  });
  const replayMs = performance.now() - replayStarted;

  const loaded = new Y.Doc();
  const loadStarted = performance.now();
  log.loadInto(name, loaded);
  const loadMs = performance.now() - loadStarted;
  for (const map of ['orders', 'lines', 'tickets', 'claims']) {
    assert.equal(loaded.getMap(map).toJSON(), expected.getMap(map).toJSON());
  }
  // Figures only: timings vary too much between machines to assert on.
  const kb = Math.round(size.snapshotBytes / 1024);
  process.stdout.write(
    `  busy day: ${updates.length} updates, snapshot ${kb} KiB, ` +
      `load ${loadMs.toFixed(1)} ms, replay ${replayMs.toFixed(1)} ms\n`,
  );
});

test('loses no reported update when killed at random, compaction included', async () => {
  const runs = Number(process.env.BRIGADE_CRASH_RUNS ?? 20);
  const seed = Number(process.env.BRIGADE_CRASH_SEED ?? Date.now());
  const random = seeded(seed);
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  dirs.push(dir);
  const script = buildChild(dir);
  const name = 'b1/day/2026-12-03';

  // One file per mode, so a slow worker run's long tail does not turn
  // every following main-thread run into one long first compaction.
  const modes = {
    inline: { file: join(dir, 'inline.db'), reported: 0, compactions: 0 },
    worker: { file: join(dir, 'worker.db'), reported: 0, compactions: 0 },
  };
  for (let run = 0; run < runs; run++) {
    // Every fourth run folds on the worker thread, which starts slower:
    // its kill comes after its first fold, during the next ones.
    const mode = run % 4 === 3 ? 'worker' : 'inline';
    const state = modes[mode];
    const killAfterMs = 10 + random() * 140;
    const startAt = mode === 'worker' ? 'compacted' : 'ready';
    const args = [state.file, name, mode];
    const ran = await runChild(script, args, killAfterMs, startAt);
    state.reported = Math.max(state.reported, ran.reported);
    state.compactions += ran.compactions;

    const db = new Database(state.file);
    dbs.push(db);
    const doc = new Y.Doc();
    new UpdateLog(db).loadInto(name, doc);
    const keys = doc.getMap('keys');
    for (let i = 0; i < state.reported; i++) {
      if (keys.has(`k${i}`)) continue;
      assert.unreachable(`seed ${seed}, run ${run} (${mode}): k${i} lost`);
    }
    db.close();
  }

  const { inline, worker } = modes;
  process.stdout.write(
    `  ${runs} kills: ${inline.reported + worker.reported} updates ` +
      `reported, ${inline.compactions} compactions on the main thread, ` +
      `${worker.compactions} on the worker\n`,
  );
  assert.ok(inline.compactions > 0, 'no compaction on the main thread');
  if (runs >= 4) assert.ok(worker.compactions > 0, 'no fold on the worker');
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Bundles the child once, so that each of the many restarts takes a tenth
 * of a second instead of the TypeScript loader's half second. Installed
 * packages stay outside the bundle and resolve through a link to the
 * workspace's node_modules.
 */
function buildChild(dir: string): string {
  const outfile = join(dir, 'update-log-child.mjs');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  buildSync({
    entryPoints: [
      join(root, 'packages/store/test/fixtures/update-log-child.ts'),
    ],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    external: ['better-sqlite3', 'yjs', 'pino'],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Runs the child until `killAfterMs` after it is ready (or has finished its
 * first compaction), then SIGKILLs it.
 */
async function runChild(
  script: string,
  args: string[],
  killAfterMs: number,
  startAt: 'ready' | 'compacted',
) {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = once(child, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (startAt === 'ready' && output.startsWith('ready\n')) resolve();
        if (output.includes('\ncompacted ')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited: ${errors}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  } finally {
    child.kill('SIGKILL');
    await exited;
  }

  // Only whole lines count: a line cut by the kill was never confirmed.
  const lines = output.split('\n').slice(0, -1);
  const numbers = lines.filter((l) => /^\d+$/.test(l)).map(Number);
  return {
    reported: numbers.length > 0 ? Math.max(...numbers) + 1 : 0,
    compactions: lines.filter((l) => l.startsWith('compacted ')).length,
  };
}

function updateSetting(key: string, value: unknown): Uint8Array {
  const doc = new Y.Doc();
  let update: Uint8Array | undefined;
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getMap('keys').set(key, value);
  return update!;
}

test.run();
