/**
 * Issue 6, test 4: a stock `y-websocket` client connected to a till's
 * `/sync` endpoint sees an order created through the other till's API.
 */
import { demoMenu, ServiceDay, yjsEngine } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { Cleanup, eventually, startLanPair } from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

test('a stock y-websocket client on till B sees an order made on till A', async () => {
  const [a, b] = await startLanPair(cleanup, 'kds1');
  const { body: status } = await b.api('GET', '/api/status');

  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${b.url.replace(/^http/, 'ws')}/sync`,
    `kds1/day/${status.businessDate}`,
    doc,
    { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket },
  );
  cleanup.add(() => {
    provider.destroy();
    provider.awareness.destroy();
    doc.destroy();
  });
  const kds = new ServiceDay(yjsEngine(doc), { device: 'kds', menu: demoMenu });
  cleanup.add(() => kds.close());

  const order = String(
    (await a.api('POST', '/api/orders', { table: '12', guests: 3 })).body.id,
  );
  await a.api('POST', `/api/orders/${order}/lines`, {
    itemId: 'steak',
    modifiers: ['rare'],
  });
  await a.api('POST', `/api/orders/${order}/send`);

  const seen = await eventually(() => {
    const view = kds.order(order as never);
    return view && view.lines.length === 1 ? view : null;
  }, 'the order in the stock client');
  assert.is(seen.table, '12');
  assert.is(seen.lines[0]?.itemId, 'steak');
  await eventually(
    () => kds.kdsQueues().some((q) => q.station === 'grill'),
    'the grill ticket in the stock client',
  );
});

test.run();
