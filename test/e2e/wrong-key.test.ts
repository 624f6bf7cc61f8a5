/**
 * Issue 6, test 5: a till whose branch key differs sees nothing of the
 * branch: no peer, no order, no journal.
 */
import { generateBranchKey } from '@brigade/till';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Cleanup,
  discoveryPort,
  peersOf,
  sellOne,
  startTill,
  tempDir,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

test('a till with another branch key sees nothing of the branch', async () => {
  const port = discoveryPort();
  const spec = (device: string, branchKey: string) => ({
    branch: 'key1',
    device,
    branchKey,
    dataDir: tempDir(cleanup),
    discoveryPort: port,
    menu: 'demo',
  });
  const key = generateBranchKey();
  const [a, b, intruder] = await Promise.all([
    startTill(cleanup, spec('till-a', key)),
    startTill(cleanup, spec('till-b', key)),
    startTill(cleanup, spec('till-x', generateBranchKey())),
  ]);
  // The two rightful tills find each other: discovery works on this port.
  await Promise.all([peersOf(a, 1), peersOf(b, 1)]);
  await a.api('POST', '/api/orders', { table: '3' });
  await sellOne(a, '4');

  // Give the intruder several beacon rounds to hear and dial.
  await new Promise((r) => setTimeout(r, 7_000));
  const { body: status } = await intruder.api('GET', '/api/status');
  assert.equal(status.peers, []);
  const { body: orders } = await intruder.api('GET', '/api/orders');
  assert.equal(orders.orders, []);
  const { body: aStatus } = await a.api('GET', '/api/status');
  assert.equal(
    (aStatus.peers as { device: string }[]).map((p) => p.device),
    ['till-b'],
  );
});

test.run();
