import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

test('never keeps the process alive on its own', async () => {
  const dir = tempDir();
  const fixture = fileURLToPath(
    new URL('./fixtures/checkpointer-exit.ts', import.meta.url),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    const [code] = await new Promise<[number | null]>((resolve) =>
      child.once('exit', (exitCode) => resolve([exitCode])),
    );
    assert.is(code, 0, 'exited by itself');
    assert.ok(Number(output) > 0, 'it had checkpointed');
  } finally {
    clearTimeout(timer);
    removeDir(dir);
  }
});

test.run();
