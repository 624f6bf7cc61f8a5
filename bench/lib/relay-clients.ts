/**
 * The client side of the relay benchmark, run in a fresh child process
 * for every measured run, so that every server faces the same client
 * process (same code, same heap age, nothing left from an earlier run)
 * and the parent process stays idle while it measures.
 *
 * The child connects 5 clients per room, waits until all are synced,
 * writes for the warm-up, then tells the parent `ready`; on `go` it
 * measures for `measureMs` and answers with its figures. Delivery latency
 * runs from the writer's change to each other client of the room seeing
 * it (same process, same clock).
 */
import {
  HocuspocusProvider,
  HocuspocusProviderWebsocket,
} from '@hocuspocus/provider';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { signToken } from '../../packages/cloud-relay/src/auth/token.ts';
import { percentile } from './stats.ts';

export type RelaySystem = 'brigade-relay' | 'y-websocket-server' | 'hocuspocus';

/** What the parent tells the client child to do. */
export interface ClientPlan {
  system: RelaySystem;
  port: number;
  rooms: number;
  perRoom: number;
  updatesPerRoomPerS: number;
  warmupMs: number;
  measureMs: number;
  /** Signs the relay's tokens. */
  secret: string;
}

/** What the client child reports after measuring. */
export interface ClientFigures {
  p50: number;
  p99: number;
  updatesPerS: number;
  deliveredPct: number;
}

interface Client {
  doc: Y.Doc;
  isSynced: () => boolean;
  destroy: () => void;
}

function connectClient(plan: ClientPlan, room: string, index: number): Client {
  const doc = new Y.Doc();
  const url = `ws://127.0.0.1:${plan.port}`;
  if (plan.system === 'hocuspocus') {
    // One socket per client, as for the other servers.
    const websocketProvider = new HocuspocusProviderWebsocket({
      url,
      WebSocketPolyfill: WebSocket,
    });
    const p = new HocuspocusProvider({
      websocketProvider,
      name: room,
      document: doc,
    });
    p.attach();
    return {
      doc,
      isSynced: () => p.isSynced,
      destroy: () => {
        p.destroy();
        websocketProvider.destroy();
      },
    };
  }
  const params: Record<string, string> = {};
  if (plan.system === 'brigade-relay') {
    params.token = signToken(
      { org: 'bench', branches: ['b1'], device: `c${index}`, role: 'till' },
      plan.secret,
    );
  }
  const p = new WebsocketProvider(url, room, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: ws stands in for the DOM WebSocket
    WebSocketPolyfill: WebSocket as any,
    params,
    disableBc: true,
  });
  return {
    doc,
    isSynced: () => p.synced,
    destroy: () => {
      p.destroy();
      p.awareness.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

/** Connects in waves of 10 rooms, so no server meets a connection storm. */
async function connectAll(plan: ClientPlan): Promise<Client[][]> {
  const rooms: Client[][] = [];
  const allSynced = () => rooms.every((r) => r.every((c) => c.isSynced()));
  for (let r = 0; r < plan.rooms; r++) {
    const name = plan.system === 'hocuspocus' ? `room-${r}` : `b1/room-${r}`;
    rooms.push(
      Array.from({ length: plan.perRoom }, (_, i) =>
        connectClient(plan, name, r * plan.perRoom + i),
      ),
    );
    if (r % 10 === 9) await waitFor(allSynced, 30_000, `${plan.system} sync`);
  }
  await waitFor(allSynced, 30_000, `${plan.system} sync`);
  return rooms;
}

/**
 * Runs the workload; `ready` is called after the warm-up and resolves
 * when the parent has taken its starting figures.
 */
export async function runClients(
  plan: ClientPlan,
  ready: () => Promise<void>,
): Promise<ClientFigures> {
  // Every stock provider adds a process exit listener.
  process.setMaxListeners(plan.rooms * plan.perRoom + 10);
  const rooms = await connectAll(plan);
  try {
    return await measure(plan, rooms, ready);
  } finally {
    for (const c of rooms.flat()) c.destroy();
  }
}

async function measure(
  plan: ClientPlan,
  rooms: Client[][],
  ready: () => Promise<void>,
): Promise<ClientFigures> {
  let measuring = false;
  const latencies: number[] = [];
  let sent = 0;
  for (const clients of rooms) {
    clients.forEach((client, i) => {
      const map = client.doc.getMap<number>('bench');
      map.observe((event) => {
        if (event.transaction.local || !measuring) return;
        const now = performance.now();
        for (const key of event.keysChanged) {
          const at = map.get(key);
          if (at !== undefined && key !== `w${i}`) latencies.push(now - at);
        }
      });
    });
  }

  // One timer spreads the updates evenly over rooms and time; it issues
  // what the clock says is due, so a late tick does not lower the load.
  const rate = plan.rooms * plan.updatesPerRoomPerS;
  const origin = performance.now();
  let issued = 0;
  const turns = new Array<number>(plan.rooms).fill(0);
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - origin) / 1000) * rate);
    for (; issued < due; issued++) {
      const r = issued % plan.rooms;
      const turn = (turns[r] ?? 0) + 1;
      turns[r] = turn;
      const w = turn % plan.perRoom;
      rooms[r]?.[w]?.doc
        .getMap<number>('bench')
        .set(`w${w}`, performance.now());
      if (measuring) sent++;
    }
  }, 10);

  try {
    await sleep(plan.warmupMs);
    await ready();
    measuring = true;
    const started = performance.now();
    await sleep(plan.measureMs);
    measuring = false;
    const seconds = (performance.now() - started) / 1000;
    const others = plan.perRoom - 1;
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      updatesPerS: latencies.length / others / seconds,
      deliveredPct: (100 * latencies.length) / Math.max(1, sent * others),
    };
  } finally {
    clearInterval(timer);
  }
}

/** The child's side of the IPC exchange with the parent. */
export async function clientChild(): Promise<void> {
  const plan = await new Promise<ClientPlan>((resolve) =>
    process.once('message', (m) => resolve(m as ClientPlan)),
  );
  const figures = await runClients(plan, async () => {
    const go = new Promise((resolve) => process.once('message', resolve));
    process.send?.('ready');
    await go;
  });
  process.send?.(figures);
}
