/**
 * One device of `bench/lan.ts` in its own process, as on a real network:
 * either a Brigade LAN provider or a stock y-websocket client. Driven by
 * JSON lines on standard input; answers with JSON lines on standard output.
 * Edits carry the editor's clock (`performance.timeOrigin + now()`, one
 * clock for every process on the machine), so each receiver measures the
 * latency itself.
 */
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { LanProvider } from '../../packages/lan-provider/src/index.ts';

const DOC_NAME = 'b1/day/2026-12-03';
const PEERS = 4;

interface Command {
  cmd: string;
  system?: 'brigade-lan' | 'y-websocket-server';
  index?: number;
  key?: string;
  discoveryPort?: number;
  url?: string;
  count?: number;
  n?: number;
}

interface Device {
  ready(): boolean;
  disconnect(): Promise<void>;
  reconnect(): Promise<void>;
  /** Resolves when the device has a connection again. */
  connected(): Promise<void>;
  wireBytesIn(): number;
  close(): Promise<void>;
}

const doc = new Y.Doc();
const latencies: number[] = [];
let device: Device | undefined;
let index = 0;

function clock(): number {
  return performance.timeOrigin + performance.now();
}

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

doc.getMap('lines').observe((event) => {
  if (event.transaction.local) return;
  const now = clock();
  for (const key of event.keysChanged) {
    const value = doc.getMap('lines').get(key) as { at: number } | undefined;
    if (value) latencies.push(now - value.at);
  }
});

function brigade(command: Command): Device {
  const provider = new LanProvider({
    device: `till-${command.index}`,
    branch: 'b1',
    role: 'till',
    branchKey: Buffer.from(command.key ?? '', 'hex'),
    port: 0,
    host: '127.0.0.1',
    discoveryPort: command.discoveryPort ?? 0,
    broadcastAddress: '127.255.255.255',
    docs: { [DOC_NAME]: doc },
  });
  return {
    ready: () => provider.peers().length === PEERS - 1,
    disconnect: () => provider.stop(),
    reconnect: () => provider.start(),
    connected: async () => {
      await provider.once('peer-connected');
    },
    wireBytesIn: () => provider.counters().wireBytesIn,
    close: () => provider.stop(),
  };
}

function yWebsocket(command: Command): Device {
  const client = new WebsocketProvider(command.url ?? '', DOC_NAME, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
  });
  const socket = () =>
    (client.ws as unknown as { _socket?: { bytesRead: number } } | null)
      ?._socket;
  return {
    ready: () => client.synced,
    disconnect: async () => client.disconnect(),
    reconnect: async () => client.connect(),
    connected: () =>
      new Promise<void>((resolve) => {
        const onStatus = ({ status }: { status: string }) => {
          if (status !== 'connected') return;
          client.off('status', onStatus);
          resolve();
        };
        client.on('status', onStatus);
      }),
    // A new socket per connection: its bytes are the reconnection's.
    wireBytesIn: () => socket()?.bytesRead ?? 0,
    close: async () => {
      client.destroy();
      client.awareness.destroy();
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

async function catchUp(count: number): Promise<void> {
  const orders = doc.getMap('orders');
  const before = device?.wireBytesIn() ?? 0;
  const started = clock();
  let connectMs = Number.NaN;
  const connected = device?.connected().then(() => {
    connectMs = clock() - started;
  });
  await device?.reconnect();
  await until(() => orders.size === count);
  const ms = clock() - started;
  await connected;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = device?.wireBytesIn() ?? 0;
  const wireBytes = after >= before ? after - before : after;
  reply({ ok: 'catch-up', ms, connectMs, wireBytes });
}

function bulk(count: number): void {
  let bytes = 0;
  const count_ = (update: Uint8Array) => {
    bytes += update.length;
  };
  doc.on('update', count_);
  const orders = doc.getMap('orders');
  for (let n = 0; n < count; n++) {
    orders.set(`order-${n}`, { table: n % 30, lines: n % 5, open: true });
  }
  doc.off('update', count_);
  reply({ ok: 'bulk', bytes });
}

async function handle(command: Command): Promise<void> {
  switch (command.cmd) {
    case 'start':
      index = command.index ?? 0;
      device =
        command.system === 'brigade-lan'
          ? brigade(command)
          : yWebsocket(command);
      if (command.system === 'brigade-lan') await device.reconnect();
      return reply({ ok: 'start' });
    case 'ready':
      await until(() => device?.ready() ?? false);
      return reply({ ok: 'ready' });
    case 'edit':
      doc.getMap('lines').set(`line-${index}-${command.n}`, {
        item: `item-${(command.n ?? 0) % 40}`,
        qty: 1 + ((command.n ?? 0) % 3),
        at: clock(),
      });
      return;
    case 'latencies':
      await until(() => latencies.length >= (command.count ?? 0));
      return reply({ ok: 'latencies', latencies });
    case 'disconnect':
      await device?.disconnect();
      return reply({ ok: 'disconnect' });
    case 'bulk':
      return bulk(command.count ?? 0);
    case 'wait-orders':
      await until(() => doc.getMap('orders').size === command.count);
      return reply({ ok: 'wait-orders' });
    case 'catch-up':
      return catchUp(command.count ?? 0);
    case 'stop':
      await device?.close();
      reply({ ok: 'stop' });
      process.exit(0);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  handle(JSON.parse(line) as Command).catch((error: unknown) =>
    reply({ error: String(error) }),
  );
});
