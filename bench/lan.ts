/**
 * The LAN provider against the usual hub-and-spoke way, on loopback, in
 * one run with the same documents and edits:
 *
 * - `brigade-lan`: four LAN providers (TLS-PSK, discovery on
 *   127.255.255.255, default timers), each device connected to every other.
 * - `y-websocket-server`: a stock `@y/websocket-server` (its own binary)
 *   and four stock y-websocket clients.
 *
 * Every device runs in its own process (`bench/lib/lan-device.ts`), as on
 * a real network, and so does the y-websocket server.
 *
 * Edit latency: 50 edits per second spread over the four devices (a line
 * object set in the day document's `lines` map); the latency is from the
 * edit on one device to the update applied on each other device (every
 * ordered pair A→B). An edit carries its author's clock and each receiver
 * subtracts it from its own; processes on one machine share the clock.
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
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type ResultRow, report, short } from './lib/results.ts';
import { percentile } from './lib/stats.ts';

const PEERS = 4;
const EDITS_PER_SECOND = 50;
const LATENCY_EDITS = short ? 200 : 1000;
const MISSED_EDITS = 2000;
const deviceScript = fileURLToPath(
  new URL('./lib/lan-device.ts', import.meta.url),
);
const root = fileURLToPath(new URL('../', import.meta.url));

type Reply = Record<string, unknown>;

/** A device process: commands in, one reply per command that answers. */
class DeviceProcess {
  readonly #child: ChildProcess;
  readonly #waiting: ((reply: Reply) => void)[] = [];

  constructor() {
    this.#child = spawn(process.execPath, ['--import', 'tsx', deviceScript], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      const reply = JSON.parse(line) as Reply;
      if (reply.error) throw new Error(String(reply.error));
      this.#waiting.shift()?.(reply);
    });
  }

  tell(command: object): void {
    this.#child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  ask(command: object): Promise<Reply> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.tell(command);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.tell({ cmd: 'stop' });
    await exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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

/** Starts the stock y-websocket server binary; returns its URL and a stop. */
async function startYWebsocketServer() {
  const port = await freePort();
  const serverJs = fileURLToPath(
    new URL(
      '../node_modules/@y/websocket-server/src/server.js',
      import.meta.url,
    ),
  );
  const server = spawn(process.execPath, [serverJs], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    server.stdout.once('data', () => resolve()),
  );
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await exited;
    },
  };
}

async function startDevices(system: string): Promise<{
  devices: DeviceProcess[];
  stop: () => Promise<void>;
}> {
  const devices = Array.from({ length: PEERS }, () => new DeviceProcess());
  let stopServer = async () => {};
  const common: Record<string, unknown> = { cmd: 'start', system };
  if (system === 'brigade-lan') {
    common.key = randomBytes(32).toString('hex');
    common.discoveryPort = await freeUdpPort();
  } else {
    const server = await startYWebsocketServer();
    common.url = server.url;
    stopServer = server.stop;
  }
  await Promise.all(devices.map((d, index) => d.ask({ ...common, index })));
  await Promise.all(devices.map((d) => d.ask({ cmd: 'ready' })));
  return {
    devices,
    stop: async () => {
      await Promise.all(devices.map((d) => d.stop()));
      await stopServer();
    },
  };
}

/** Latencies of every ordered pair, at 50 edits/s over the four devices. */
async function editLatency(devices: DeviceProcess[]): Promise<number[]> {
  const start = performance.now();
  for (let n = 0; n < LATENCY_EDITS; n++) {
    const wait = start + (n * 1000) / EDITS_PER_SECOND - performance.now();
    if (wait > 0) await sleep(wait);
    devices[n % PEERS]?.tell({ cmd: 'edit', n });
  }
  const perDevice = (LATENCY_EDITS * (PEERS - 1)) / PEERS;
  const replies = await Promise.all(
    devices.map((d) => d.ask({ cmd: 'latencies', count: perDevice })),
  );
  return replies.flatMap((r) => r.latencies as number[]);
}

/** Device 3 goes away, device 0 makes 2,000 edits, device 3 comes back. */
async function catchUp(devices: DeviceProcess[]) {
  const [editor, second, third, late] = devices as [
    DeviceProcess,
    DeviceProcess,
    DeviceProcess,
    DeviceProcess,
  ];
  await late.ask({ cmd: 'disconnect' });
  await sleep(300);
  const { bytes } = await editor.ask({ cmd: 'bulk', count: MISSED_EDITS });
  await Promise.all(
    [second, third].map((d) =>
      d.ask({ cmd: 'wait-orders', count: MISSED_EDITS }),
    ),
  );
  await sleep(300);
  const caught = await late.ask({ cmd: 'catch-up', count: MISSED_EDITS });
  return {
    ms: caught.ms as number,
    connectMs: caught.connectMs as number,
    wireBytes: caught.wireBytes as number,
    missedBytes: bytes as number,
  };
}

async function measure(system: string): Promise<ResultRow[]> {
  const { devices, stop } = await startDevices(system);
  await sleep(500);
  const samples = await editLatency(devices);
  const caught = await catchUp(devices);
  await stop();
  const row = (metric: string, value: number, unit: string): ResultRow => ({
    metric,
    system,
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

const loadBefore = loadavg()[0] ?? 0;
const rows = [
  ...(await measure('brigade-lan')),
  ...(await measure('y-websocket-server')),
];
const value = (metric: string, system: string) =>
  rows.find((r) => r.metric === metric && r.system === system)?.value ??
  Number.NaN;
const p99 = value('edit_latency_p99_ms', 'brigade-lan');
const relayP99 = value('edit_latency_p99_ms', 'y-websocket-server');
report('lan', rows, [
  `${PEERS} devices, each its own process; ${EDITS_PER_SECOND} edits/s, ${LATENCY_EDITS} edits; latency over every ordered pair of devices.`,
  `brigade-lan p99 is ${(p99 / relayP99).toFixed(2)}x the y-websocket-server p99 (goals: under 10 ms, and at most 0.5x).`,
  `catch-up: ${MISSED_EDITS} missed edits; brigade-lan's time includes discovery (beacon, jittered dial) and the TLS handshake; y-websocket's includes the WebSocket upgrade.`,
  'bytes are what the returning device received on its TCP sockets; ratio = those bytes / summed size of the missed Yjs updates (goal: at most 1.3x).',
  `machine: ${cpus().length} cores, load average ${loadBefore.toFixed(1)} before and ${(loadavg()[0] ?? 0).toFixed(1)} after; latency tails move with the load, so compare systems within one run.`,
]);
