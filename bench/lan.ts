/**
 * The LAN provider against the usual hub-and-spoke way, on loopback, in
 * one run with the same documents and edits:
 *
 * - `brigade-lan`: four LAN providers (TLS-PSK, discovery on
 *   127.255.255.255, default timers), each device connected to every other.
 * - `y-websocket-server`: a stock `@y/websocket-server` in a child process
 *   and four stock y-websocket clients.
 *
 * Edit latency: 50 edits per second spread over the four devices (a line
 * object set in the day document's `lines` map); the latency is from the
 * edit on one device to the update applied on each other device (every
 * ordered pair A→B), all devices in this process so one clock times both.
 *
 * Catch-up: one device goes offline, another makes 2,000 edits, the device
 * comes back; the time until it holds all of them, and the bytes it
 * received on its TCP sockets (TLS records or WebSocket frames, upgrade
 * and handshake included), divided by the summed size of the 2,000 Yjs
 * updates it missed.
 *
 *   npm run bench -- lan [--short]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { LanProvider } from '../packages/lan-provider/src/index.ts';
import { type ResultRow, report, short } from './lib/results.ts';
import { nowMs, percentile } from './lib/stats.ts';

const PEERS = 4;
const EDITS_PER_SECOND = 50;
const LATENCY_EDITS = short ? 200 : 1000;
const MISSED_EDITS = 2000;
const DOC_NAME = 'b1/day/2026-12-03';

/** Four replicas of the day document, however they are connected. */
interface System {
  name: string;
  docs: Y.Doc[];
  /** Takes device `i` offline. */
  disconnect(i: number): Promise<void>;
  /** Brings device `i` back; resolves once it is reconnecting. */
  reconnect(i: number): Promise<void>;
  /** Resolves when device `i` has its first connection again. */
  connected(i: number): Promise<void>;
  /** Bytes device `i` has received on the wire so far. */
  wireBytesIn(i: number): number;
  ready(): Promise<void>;
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await sleep(2);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function brigadeLan(): Promise<System> {
  const branchKey = randomBytes(32);
  const discoveryPort = await freeUdpPort();
  const docs = Array.from({ length: PEERS }, () => new Y.Doc());
  const providers = docs.map(
    (doc, i) =>
      new LanProvider({
        device: `till-${i}`,
        branch: 'b1',
        role: 'till',
        branchKey,
        port: 0,
        host: '127.0.0.1',
        discoveryPort,
        broadcastAddress: '127.255.255.255',
        docs: { [DOC_NAME]: doc },
      }),
  );
  const meshed = () =>
    providers.every((p) => !p.running || p.peers().length === PEERS - 1);
  return {
    name: 'brigade-lan',
    docs,
    ready: async () => {
      await Promise.all(providers.map((p) => p.start()));
      await until(meshed);
    },
    disconnect: async (i) => {
      await providers[i]?.stop();
      await until(() =>
        providers.every((p) => p.peers().length <= PEERS - 2 || !p.running),
      );
    },
    reconnect: (i) => providers[i]?.start() ?? Promise.resolve(),
    connected: async (i) => {
      await providers[i]?.once('peer-connected');
    },
    wireBytesIn: (i) => providers[i]?.counters().wireBytesIn ?? 0,
    close: async () => {
      await Promise.all(providers.map((p) => p.stop()));
    },
  };
}

async function yWebsocketServer(): Promise<System> {
  const port = await freePort();
  const serverJs = fileURLToPath(
    new URL(
      '../node_modules/@y/websocket-server/src/server.js',
      import.meta.url,
    ),
  );
  const server: ChildProcess = spawn(process.execPath, [serverJs], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    server.stdout?.once('data', () => resolve()),
  );
  const docs = Array.from({ length: PEERS }, () => new Y.Doc());
  const clients = docs.map(
    (doc) =>
      new WebsocketProvider(`ws://127.0.0.1:${port}`, DOC_NAME, doc, {
        WebSocketPolyfill: WebSocket as never,
        disableBc: true,
      }),
  );
  const socketOf = (i: number) =>
    (clients[i]?.ws as unknown as { _socket?: { bytesRead: number } } | null)
      ?._socket;
  let baseline = 0;
  return {
    name: 'y-websocket-server',
    docs,
    ready: () => until(() => clients.every((c) => c.synced)),
    disconnect: async (i) => {
      clients[i]?.disconnect();
      await sleep(50);
    },
    reconnect: async (i) => {
      baseline = 0;
      clients[i]?.connect();
    },
    connected: (i) =>
      new Promise<void>((resolve) => {
        const onStatus = ({ status }: { status: string }) => {
          if (status !== 'connected') return;
          clients[i]?.off('status', onStatus);
          resolve();
        };
        clients[i]?.on('status', onStatus);
      }),
    wireBytesIn: (i) => (socketOf(i)?.bytesRead ?? 0) + baseline,
    close: async () => {
      for (const c of clients) {
        c.destroy();
        // The client made this awareness and leaves its timer running.
        c.awareness.destroy();
      }
      server.kill();
      await new Promise((resolve) => server.once('exit', resolve));
    },
  };
}

/** Latencies of `LATENCY_EDITS` edits at 50/s, every ordered pair. */
async function editLatency(system: System): Promise<number[]> {
  const sentAt = new Map<string, { from: number; at: number }>();
  const samples: number[] = [];
  const observers = system.docs.map((doc, receiver) => {
    const lines = doc.getMap('lines');
    const observer = (event: Y.YMapEvent<unknown>) => {
      const now = nowMs();
      for (const key of event.keysChanged) {
        const sent = sentAt.get(key);
        if (sent && sent.from !== receiver) samples.push(now - sent.at);
      }
    };
    lines.observe(observer);
    return () => lines.unobserve(observer);
  });
  const start = nowMs();
  for (let n = 0; n < LATENCY_EDITS; n++) {
    const due = start + (n * 1000) / EDITS_PER_SECOND;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    const from = n % PEERS;
    const key = `line-${system.name}-${n}`;
    sentAt.set(key, { from, at: nowMs() });
    system.docs[from]?.getMap('lines').set(key, {
      item: `item-${n % 40}`,
      qty: 1 + (n % 3),
      price: 450 + (n % 7) * 50,
    });
  }
  const expected = LATENCY_EDITS * (PEERS - 1);
  await until(() => samples.length >= expected);
  for (const off of observers) off();
  return samples;
}

/** Catch-up of device 3 after device 0 made 2,000 edits without it. */
async function catchUp(system: System) {
  const late = PEERS - 1;
  await system.disconnect(late);
  let missedBytes = 0;
  const countMissed = (update: Uint8Array) => {
    missedBytes += update.length;
  };
  const editor = system.docs[0] as Y.Doc;
  editor.on('update', countMissed);
  const orders = editor.getMap('orders');
  for (let n = 0; n < MISSED_EDITS; n++) {
    orders.set(`order-${n}`, { table: n % 30, lines: n % 5, open: true });
  }
  editor.off('update', countMissed);

  // The devices still online apply the edits first, so that their work
  // (all in this process) is not counted as the returning device's.
  const online = system.docs.slice(1, late).map((d) => d.getMap('orders'));
  await until(() => online.every((m) => m.size === MISSED_EDITS));
  await sleep(200);

  const lateOrders = system.docs[late]?.getMap('orders') as Y.Map<unknown>;
  const bytesBefore = system.wireBytesIn(late);
  const started = nowMs();
  let connectMs = Number.NaN;
  const connected = system.connected(late).then(() => {
    connectMs = nowMs() - started;
  });
  await system.reconnect(late);
  await until(() => lateOrders.size === MISSED_EDITS);
  const ms = nowMs() - started;
  await connected;
  await sleep(200);
  const wireBytes = system.wireBytesIn(late) - bytesBefore;
  return { ms, connectMs, wireBytes, missedBytes };
}

async function measure(system: System): Promise<ResultRow[]> {
  await system.ready();
  await sleep(300);
  const samples = await editLatency(system);
  const caught = await catchUp(system);
  await system.close();
  const row = (metric: string, value: number, unit: string): ResultRow => ({
    metric,
    system: system.name,
    value,
    unit,
  });
  return [
    row('edit_latency_p50_ms', percentile(samples, 50), 'ms'),
    row('edit_latency_p99_ms', percentile(samples, 99), 'ms'),
    row('edit_latency_max_ms', Math.max(...samples), 'ms'),
    row('edit_latency_samples', samples.length, 'count'),
    row('catchup_ms', caught.ms, 'ms'),
    row('catchup_connect_ms', caught.connectMs, 'ms'),
    row('catchup_wire_bytes', caught.wireBytes, 'B'),
    row('missed_update_bytes', caught.missedBytes, 'B'),
    row('catchup_bytes_ratio', caught.wireBytes / caught.missedBytes, 'x'),
  ];
}

const rows = [
  ...(await measure(await brigadeLan())),
  ...(await measure(await yWebsocketServer())),
];
const value = (metric: string, system: string) =>
  rows.find((r) => r.metric === metric && r.system === system)?.value ?? NaN;
const p99 = value('edit_latency_p99_ms', 'brigade-lan');
const relayP99 = value('edit_latency_p99_ms', 'y-websocket-server');
report('lan', rows, [
  `${PEERS} devices, ${EDITS_PER_SECOND} edits/s, ${LATENCY_EDITS} edits; latency over every ordered pair of devices.`,
  `brigade-lan p99 is ${(p99 / relayP99).toFixed(2)}x the y-websocket-server p99 (goal: under 10 ms and at most 0.5x).`,
  `catch-up: ${MISSED_EDITS} missed edits; brigade-lan's time includes discovery (beacon, jittered dial) and the TLS handshake; y-websocket's includes the WebSocket upgrade.`,
  'bytes are what the returning device received on its TCP sockets; ratio = those bytes / summed size of the missed Yjs updates (goal: at most 1.3x).',
  "all four brigade peers and all four y-websocket clients share this process (so brigade-lan's step-2 encoding competes with the returning device for one core), while the y-websocket server runs in its own.",
]);
