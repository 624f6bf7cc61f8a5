import { once } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { UpdateLog } from '../src/index.ts';
import {
  cleanUp,
  contents,
  errorCode,
  fromUpdate,
  openDb,
  openLog,
  updateSetting,
} from './fixtures/update-log-harness.ts';

// How the update log behaves when things go wrong: bad input, failing
// writes, a full disk, corrupt bytes. Nothing stored may be lost.

test.after.each(cleanUp);

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

test.run();
