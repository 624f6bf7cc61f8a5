/**
 * Issue 6, test 1: two tills, LAN only. Both add to the same table at
 * once and both change the same line's quantity at once; both end with
 * the same order, every line, and the quantities summed.
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
  tempDir,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

test('two tills on the LAN keep both waiters edits of one table', async () => {
  const branchKey = generateBranchKey();
  const port = discoveryPort();
  const spec = (device: string, menu?: string) => ({
    branch: 'lan1',
    device,
    branchKey,
    dataDir: tempDir(cleanup),
    discoveryPort: port,
    ...(menu ? { menu } : {}),
  });
  // Only till-a is given the menu; till-b gets it from its LAN peer.
  const [a, b] = await Promise.all([
    startTill(cleanup, spec('till-a', 'demo')),
    startTill(cleanup, spec('till-b')),
  ]);
  await Promise.all([peersOf(a, 1), peersOf(b, 1)]);
  await eventually(
    async () => (await b.api('GET', '/api/menu')).status === 200,
    'the menu at till-b',
  );

  const order = String(
    (await a.api('POST', '/api/orders', { table: '5' })).body.id,
  );
  await eventually(
    async () => (await b.api('GET', `/api/orders/${order}`)).status === 200,
    'the order at till-b',
  );

  // Both waiters add to the table at the same moment.
  const [lineA, lineB] = await Promise.all([
    a.api('POST', `/api/orders/${order}/lines`, {
      itemId: 'burger',
      modifiers: ['medium'],
    }),
    b.api('POST', `/api/orders/${order}/lines`, { itemId: 'chips' }),
  ]);
  assert.is(lineA.status, 201);
  assert.is(lineB.status, 201);
  const shared = String(lineA.body.id);
  await eventually(
    async () =>
      ((await b.api('GET', `/api/orders/${order}`)).body.lines as unknown[])
        .length === 2,
    'both lines at till-b',
  );

  // Both press +1 on the same line at once, twice each.
  for (let i = 0; i < 2; i++) {
    const results = await Promise.all([
      a.api('POST', `/api/lines/${shared}/qty`, { delta: 1 }),
      b.api('POST', `/api/lines/${shared}/qty`, { delta: 1 }),
    ]);
    assert.equal(
      results.map((r) => r.status),
      [200, 200],
    );
  }

  const lines = (body: Record<string, unknown>) =>
    (body.lines as { id: string; itemId: string; qty: number }[])
      .map((l) => `${l.id}:${l.itemId}:${l.qty}`)
      .sort();
  const final = await eventually(async () => {
    const [viewA, viewB] = await Promise.all([
      a.api('GET', `/api/orders/${order}`),
      b.api('GET', `/api/orders/${order}`),
    ]);
    const qty = (viewA.body.lines as { id: string; qty: number }[]).find(
      (l) => l.id === shared,
    )?.qty;
    const same =
      JSON.stringify(lines(viewA.body)) === JSON.stringify(lines(viewB.body));
    return same && qty === 5 ? viewA.body : null;
  }, 'both tills to show the same order with summed quantities');
  assert.is((final.lines as unknown[]).length, 2);
  assert.is((final.totals as { total: number }).total, 5 * 1650 + 450);
});

test.run();
