import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DATABASE_FILE } from '../src/db.ts';
import { startRelay } from '../src/server.ts';
import {
  provider,
  removeDir,
  secret,
  synced,
  tempDir,
  token,
  until,
} from './support/relay.ts';

const DOC = 'b1/day/2026-12-03';

test('sends a burst of updates to the other clients only once they are on disk', async () => {
  const dir = tempDir();
  // Commits gathered over 20 ms: a client would see lines long before
  // the disk if sending did not wait for the commit.
  const relay = await startRelay({
    dataDir: dir,
    secret,
    port: 0,
    persistence: { commitDelayMs: 20 },
  });
  const disk = new Database(`${dir}/${DATABASE_FILE}`, { readonly: true });
  const rows = disk.prepare('SELECT count(*) AS n FROM doc_update');
  const stored = () => (rows.get() as { n: number }).n;
  const writer = provider(relay, DOC, token());
  const reader = provider(relay, DOC, token({ device: 'till-2' }));
  try {
    await Promise.all([synced(writer), synced(reader)]);
    const before = stored();

    // Each time the reader sees a line, at least that many are stored.
    const seenAhead: number[] = [];
    const lines = reader.doc.getArray<number>('lines');
    lines.observe(() => {
      if (stored() - before < lines.length) seenAhead.push(lines.length);
    });
    for (let i = 0; i < 50; i++) writer.doc.getArray('lines').push([i]);
    await until(() => lines.length === 50);
    assert.equal(seenAhead, [], 'a line reached a client before the disk');
    assert.is(stored() - before, 50);
    const commits = (await relay.metrics.docCommits.get()).values[0]?.value;
    assert.ok((commits ?? 0) > 0 && (commits ?? 0) < 50, `${commits} commits`);
  } finally {
    writer.destroy();
    reader.destroy();
    disk.close();
    await relay.stop();
    removeDir(dir);
  }
});

test.run();
