/**
 * Journal ingest throughput of the relay's `POST /v1/journal`: genuine
 * sale chains (three lines, two tax rates, two payments each) sealed with
 * the store's `sealEntry`, posted over loopback HTTP to a relay started
 * as deployed (`startRelay`) by four tills at once, each one batch at a
 * time as its outbox sends them. The relay runs in a child process so that its CPU
 * time is its own: besides wall time, the benchmark reports entries per
 * second of relay CPU, the figure that holds when the machine is shared.
 *
 *   npm run bench -- journal-ingest [--short]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDocNo, type JournalEntry, sealEntry } from '@brigade/store';
import { signToken, startRelay } from '../packages/cloud-relay/src/index.ts';
import { type ResultRow, report, short } from './lib/results.ts';
import { nowMs, percentile } from './lib/stats.ts';

const DEVICES = 4;
const PER_DEVICE = short ? 5_000 : 50_000;
const BATCH_SIZES = [100, 1000];
const SECRET = 'b'.repeat(40);

/** One device's chain of sales, `count` long. */
function chain(device: string, count: number): JournalEntry[] {
  const entries: JournalEntry[] = [];
  let prev: JournalEntry | null = null;
  // Made in the last hour, so none counts as reported late.
  const start = Date.now() - 3_600_000;
  for (let i = 1; i <= count; i++) {
    const lines = [
      line('burger', 'Burger', 2, 2300, 1500),
      line('fries', 'Fries', 1, 900, 1500),
      line('water', 'Water', 1, 300, 500),
    ];
    const total = 5800;
    const tax = 14 + 600 + 117;
    prev = sealEntry(prev, {
      device,
      kind: 'sale',
      ts: new Date(start + i * 1000).toISOString(),
      businessDate: '2026-03-01',
      user: 'u1',
      docNo: formatDocNo('b1', device, i),
      total,
      tax,
      payload: {
        branch: 'b1',
        orderId: `${device}-o${i}`,
        table: 'T4',
        currency: 'SAR',
        taxInclusive: true,
        seller: { name: 'Acme', vatNumber: '310122393500003' },
        lines,
        taxes: [
          { rate: 500, base: 286, tax: 14 },
          { rate: 1500, base: 4783, tax: 717 },
        ],
        payments: [
          { method: 'cash', amount: 800 },
          { method: 'card', amount: 5000 },
        ],
        total,
        tax,
      },
    }).entry;
    entries.push(prev);
  }
  return entries;
}

function line(
  itemId: string,
  name: string,
  qty: number,
  unitPrice: number,
  taxRate: number,
) {
  return {
    lineId: itemId,
    itemId,
    name,
    qty,
    unitPrice,
    modifiers: [],
    lineTotal: qty * unitPrice,
    taxRate,
  };
}

/**
 * The child: a relay as deployed (`startRelay`: the API, its database
 * settings and checkpointing) on a fresh directory; answers CPU-usage
 * questions.
 */
async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const relay = await startRelay({ dataDir: dir, secret: SECRET, port: 0 });
  process.on('message', async (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (message === 'stop') {
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
      process.disconnect();
    }
  });
  process.send?.({ port: relay.address.port });
}

/** Sends `message` to the child and waits for its answer. */
function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message);
  });
}

async function run(batchSize: number) {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
  });
  const { port } = await new Promise<{ port: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { port: number })),
  );

  // Tokens and bodies are ready before the clock starts.
  const tills: { token: string; bodies: string[] }[] = [];
  for (let d = 1; d <= DEVICES; d++) {
    const device = `till-${d}`;
    const token = signToken(
      { org: 'acme', branches: ['b1'], device, role: 'till' },
      SECRET,
    );
    const entries = chain(device, PER_DEVICE);
    const bodies: string[] = [];
    for (let i = 0; i < entries.length; i += batchSize) {
      bodies.push(JSON.stringify({ entries: entries.slice(i, i + batchSize) }));
    }
    tills.push({ token, bodies });
  }

  const latencies: number[] = [];
  let stored = 0;
  const post = async (token: string, body: string) => {
    const t = nowMs();
    const res = await fetch(`http://127.0.0.1:${port}/v1/journal`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body,
    });
    const answer = (await res.json()) as { stored: unknown[] };
    stored += answer.stored.length;
    latencies.push(nowMs() - t);
  };

  // Every till sends its batches one after another, all tills at once.
  type Cpu = { cpu: NodeJS.CpuUsage };
  const before = (await ask<Cpu>(child, 'cpu')).cpu;
  const started = nowMs();
  await Promise.all(
    tills.map(async ({ token, bodies }) => {
      for (const body of bodies) await post(token, body);
    }),
  );
  const seconds = (nowMs() - started) / 1000;
  const after = (await ask<Cpu>(child, 'cpu')).cpu;
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  if (stored !== DEVICES * PER_DEVICE) {
    throw new Error(`stored ${stored} of ${DEVICES * PER_DEVICE} entries`);
  }
  const cpuSeconds =
    (after.user - before.user + after.system - before.system) / 1e6;
  return {
    perSecond: stored / seconds,
    perCpuSecond: stored / cpuSeconds,
    latencies,
  };
}

async function main() {
  const rows: ResultRow[] = [];
  for (const size of BATCH_SIZES) {
    const result = await run(size);
    const system = `brigade-relay (batch ${size})`;
    const row = (metric: string, value: number, unit: string) =>
      rows.push({ metric, system, value, unit });
    row('ingest_entries_per_s', Math.round(result.perSecond), '/s');
    row('ingest_entries_per_cpu_s', Math.round(result.perCpuSecond), '/s');
    row('batch_p50_ms', percentile(result.latencies, 50), 'ms');
    row('batch_p99_ms', percentile(result.latencies, 99), 'ms');
  }
  report('journal-ingest', rows, [
    `${DEVICES} tills x ${PER_DEVICE} sales, posting at once over loopback`,
    'per_cpu_s: entries per second of the relay process CPU (user + system)',
    'goal: 20,000 entries/s on SQLite',
  ]);
}

if (process.argv.includes('--serve')) await serve();
else await main();
