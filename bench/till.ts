/**
 * The till host end to end (`brigade-till`), on loopback:
 *
 * - `send_to_kds_p50_ms` / `send_to_kds_p99_ms`: from `POST
 *   /api/orders/:id/send` on till A to the ticket appearing in a stock
 *   y-websocket client attached to till B's `/sync` endpoint. Both tills
 *   are real `brigade till` processes syncing over the LAN provider; the
 *   client runs in this process. Goal: p99 under 25 ms.
 * - `outbox_drain_1000_ms`: a till with its relay down makes 1,000
 *   settlements; the time from `brigade relay` listening to the till's
 *   outbox being empty. Goal: under 2 s. (`--short`: 200 settlements,
 *   reported as `outbox_drain_200_ms`.)
 *
 *   npm run bench -- till [--short]
 */
import { signToken } from '@brigade/cloud-relay';
import {
  demoMenu,
  type OrderId,
  ServiceDay,
  yjsEngine,
} from '@brigade/crdt-model';
import { generateBranchKey, Till } from '@brigade/till';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  Cleanup,
  discoveryPort,
  eventually,
  freePort,
  randomSecret,
  startLanPair,
  startRelay,
  tempDir,
} from '../test/e2e/harness.ts';
import { type ResultRow, report, short } from './lib/results.ts';
import { nowMs, percentile } from './lib/stats.ts';

const SENDS = short ? 40 : 300;
const SETTLEMENTS = short ? 200 : 1000;
const SYSTEM = 'brigade-till';

async function sendToKds(cleanup: Cleanup): Promise<number[]> {
  const [a, b] = await startLanPair(cleanup, 'bench');
  const { body: status } = await b.api('GET', '/api/status');

  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${b.url.replace(/^http/, 'ws')}/sync`,
    `bench/day/${status.businessDate}`,
    doc,
    { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket },
  );
  const kds = new ServiceDay(yjsEngine(doc), { device: 'kds', menu: demoMenu });
  cleanup.add(() => {
    kds.close();
    provider.destroy();
    provider.awareness.destroy();
  });

  // Resolves when the client holds a ticket of `orderId` (or a line of it).
  const waitFor = (check: () => boolean) =>
    new Promise<number>((resolve) => {
      if (check()) return resolve(nowMs());
      const off = kds.onChange(() => {
        if (!check()) return;
        off();
        resolve(nowMs());
      });
    });

  const latencies: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const order = String(
      (await a.api('POST', '/api/orders', { table: `${i % 40}` })).body.id,
    ) as OrderId;
    await a.api('POST', `/api/orders/${order}/lines`, { itemId: 'chips' });
    // The line is at the client first, so only the send is timed.
    await waitFor(() => (kds.order(order)?.lines.length ?? 0) > 0);
    const seen = waitFor(() =>
      [...kds.snapshot().tickets.values()].some((t) => t.orderId === order),
    );
    const started = nowMs();
    const sent = await a.api('POST', `/api/orders/${order}/send`);
    if (sent.status !== 201) throw new Error(JSON.stringify(sent.body));
    latencies.push((await seen) - started);
  }
  return latencies;
}

async function outboxDrain(cleanup: Cleanup): Promise<number> {
  const secret = randomSecret();
  const relayPort = await freePort();
  const url = `127.0.0.1:${relayPort}`;
  const token = signToken(
    { org: 'bench', branches: ['bench'], device: 'till-d', role: 'till' },
    secret,
  );
  const till = await Till.start(
    {
      dataDir: tempDir(cleanup),
      branch: 'bench',
      device: 'till-d',
      httpHost: '127.0.0.1',
      httpPort: 0,
      lanPort: 0,
      discoveryPort: discoveryPort(),
      broadcast: '127.255.255.255',
      peers: [],
      relay: { wsUrl: `ws://${url}`, httpUrl: `http://${url}`, token },
      branchKey: generateBranchKey(),
      menu: { kind: 'demo' },
    },
    { menu: demoMenu },
  );
  cleanup.add(() => till.stop());
  for (let i = 0; i < SETTLEMENTS; i++) {
    const order = till.core.openOrder(`${i % 40}`);
    till.core.addLine(order, { itemId: 'chips' });
    till.fiscal.settle(order, [{ method: 'card', amount: 450 }], 'bench');
  }
  const pending = till.status().outbox.pending;
  if (pending !== SETTLEMENTS) throw new Error(`outbox holds ${pending}`);

  await startRelay(cleanup, { secret, port: relayPort });
  const started = nowMs();
  await eventually(
    () => till.status().outbox.pending === 0,
    'the outbox to drain',
    60_000,
    5,
  );
  return nowMs() - started;
}

const cleanup = new Cleanup();
const rows: ResultRow[] = [];
const notes: string[] = [];
try {
  const latencies = await sendToKds(cleanup);
  await cleanup.run();
  rows.push(
    {
      metric: 'send_to_kds_p50_ms',
      system: SYSTEM,
      value: percentile(latencies, 50),
      unit: 'ms',
    },
    {
      metric: 'send_to_kds_p99_ms',
      system: SYSTEM,
      value: percentile(latencies, 99),
      unit: 'ms',
    },
  );
  notes.push(
    `${latencies.length} sends: till A API -> LAN -> till B -> stock y-websocket client`,
  );
  const ms = await outboxDrain(cleanup);
  rows.push({
    metric: `outbox_drain_${SETTLEMENTS}_ms`,
    system: SYSTEM,
    value: ms,
    unit: 'ms',
  });
  notes.push(
    `${SETTLEMENTS} settlements made offline; timed from brigade relay listening to an empty outbox`,
  );
} finally {
  await cleanup.run();
}
report('till', rows, notes);
