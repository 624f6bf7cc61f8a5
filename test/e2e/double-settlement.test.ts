/**
 * Issue 6, test 6: two tills cut off from each other settle the same
 * order; once they reconnect both report the conflict, and a credit note
 * resolves it.
 */
import { generateBranchKey } from '@brigade/till';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Cleanup,
  discoveryPort,
  eventually,
  peersOf,
  startTill,
  type TillHandle,
  type TillSpec,
  tempDir,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

const pay = { payments: [{ method: 'cash', amount: 1650 }] };

async function conflictsOf(till: TillHandle, order: string) {
  const { body } = await till.api('GET', `/api/orders/${order}`);
  return body.conflicts as { kind: string }[];
}

test('a double settlement made while apart shows on both tills until credited', async () => {
  const branchKey = generateBranchKey();
  const port = discoveryPort();
  const spec = (device: string): TillSpec => ({
    branch: 'dbl1',
    device,
    branchKey,
    dataDir: tempDir(cleanup),
    discoveryPort: port,
    menu: 'demo',
  });
  const specA = spec('till-a');
  const specB = spec('till-b');
  let [a, b] = await Promise.all([
    startTill(cleanup, specA),
    startTill(cleanup, specB),
  ]);
  await Promise.all([peersOf(a, 1), peersOf(b, 1)]);
  const order = String(
    (await a.api('POST', '/api/orders', { table: '9' })).body.id,
  );
  await a.api('POST', `/api/orders/${order}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
  });
  await eventually(
    async () =>
      (
        (await b.api('GET', `/api/orders/${order}`)).body.lines as
          | unknown[]
          | undefined
      )?.length === 1,
    'the order at till-b',
  );

  // Cut off: till-b goes down, till-a settles, then till-a goes down and
  // till-b, back alone, settles the same order from what it last saw.
  assert.is(await b.proc.stop('SIGTERM'), 0);
  const settledA = await a.api('POST', `/api/orders/${order}/settle`, pay);
  assert.is(settledA.status, 201);
  assert.is(await a.proc.stop('SIGTERM'), 0);
  b = await startTill(cleanup, specB);
  const settledB = await b.api('POST', `/api/orders/${order}/settle`, pay);
  assert.is(settledB.status, 201);

  // Together again: both report the double settlement.
  a = await startTill(cleanup, specA);
  await Promise.all([peersOf(a, 1), peersOf(b, 1)]);
  for (const till of [a, b]) {
    await eventually(async () => {
      const found = await conflictsOf(till, order);
      return found.some((c) => c.kind === 'double-settlement');
    }, `the conflict on ${till.spec.device}`);
    const { body } = await till.api('GET', '/api/status');
    assert.is(body.conflicts, 1);
  }

  // A manager credits till-a's sale: the conflict is resolved everywhere.
  const credit = await a.api(
    'POST',
    `/api/invoices/${settledA.body.docNo}/credit`,
    { reason: 'settled twice while the LAN was down' },
  );
  assert.is(credit.status, 201);
  assert.is(credit.body.total, 1650);
  for (const till of [a, b]) {
    await eventually(
      async () => (await conflictsOf(till, order)).length === 0,
      `the conflict resolved on ${till.spec.device}`,
    );
    const { body } = await till.api('GET', '/api/status');
    assert.is(body.conflicts, 0);
  }
});

test.run();
