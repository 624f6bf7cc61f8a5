import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openRelayDatabase } from '../src/db.ts';
import { WalCheckpointer } from '../src/docs/wal-checkpointer.ts';
import { removeDir, tempDir, until } from './support/relay.ts';

test('copies the WAL into the database from its worker while the main connection writes', async () => {
  const dir = tempDir();
  const db = openRelayDatabase(dir);
  // The main connection never checkpoints on its own in this test.
  db.pragma('wal_autocheckpoint = 0');
  const checkpoints = new WalCheckpointer(db.name, { everyMs: 10 });
  try {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(2_000));
    checkpoints.start();
    await until(
      () => (checkpoints.last?.log ?? 0) > 0 && checkpoints.last?.busy === 0,
      5_000,
      'a checkpoint',
    );
    assert.is(checkpoints.last?.checkpointed, checkpoints.last?.log);

    // Later writes go on; the next checkpoint takes them too.
    for (let i = 0; i < 50; i++) insert.run('y'.repeat(2_000));
    const count = db.prepare('SELECT count(*) AS n FROM t').get();
    assert.equal(count, { n: 250 });
  } finally {
    await checkpoints.stop();
    await checkpoints.stop();
    db.close();
    removeDir(dir);
  }
});

test('stops cleanly without ever starting', async () => {
  const checkpoints = new WalCheckpointer('/nonexistent/relay.sqlite');
  await checkpoints.stop();
});

test.run();
