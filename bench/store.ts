/**
 * The store: settlements per second with durable commits (WAL,
 * synchronous=FULL) and with NORMAL, the CPU a settlement costs, journal
 * verification speed, and start-up with a compacted busy day.
 *
 *   npm run bench -- store [--short]
 *
 * Goals (issue 3): verify at least 100,000 entries per second; a
 * settlement's own work under 1 ms. Each settlement is a full invoice
 * snapshot (two lines, a modifier, tax by rate, two payments) journalled
 * with its outbox record in one transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBusyDay, yjsFactory } from '@brigade/crdt-model/testing';
import {
  Store,
  VERIFY_DEFAULTS,
  type VerifyReport,
  verifySequentially,
} from '@brigade/store';
import * as Y from 'yjs';
import { salePayload } from '../packages/store/test/journal-fixtures.ts';
import { type ResultRow, report, short } from './lib/results.ts';
import { nowMs, percentile } from './lib/stats.ts';

const SYSTEM = 'brigade-store';
const SETTLES = short ? 300 : 3000;
const VERIFY_ENTRIES = short ? 20_000 : 100_000;
const BUSY_ORDERS = short ? 150 : 1500;
const STARTUP_RUNS = short ? 3 : 7;
const DAY = '2026-12-03';

const rows: ResultRow[] = [];
const notes: string[] = [];
const row = (metric: string, value: number, unit: string) =>
  rows.push({ metric, system: SYSTEM, value, unit });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'brigade-bench-'));
}

function open(dir: string, synchronous: 'FULL' | 'NORMAL'): Store {
  return Store.open({ dir, device: 'till-1', branch: 'riyadh', synchronous });
}

/** Settles `count` orders one transaction each; wall and CPU time. */
function settleRun(synchronous: 'FULL' | 'NORMAL') {
  const dir = tempDir();
  const store = open(dir, synchronous);
  const invoices = Array.from({ length: SETTLES }, (_, i) =>
    salePayload(`o-${i}`),
  );
  const who = { user: 'cashier-1', businessDate: DAY };
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const started = nowMs();
  for (const invoice of invoices) {
    const t = nowMs();
    store.settle({ ...who, invoice }, () => {});
    samples.push(nowMs() - t);
  }
  const wall = nowMs() - started;
  const used = process.cpuUsage(cpu);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    perSecond: SETTLES / (wall / 1000),
    cpuMs: (used.user + used.system) / 1000 / SETTLES,
    p99: percentile(samples, 99),
  };
}

/** Builds a journal of `count` entries, then times both verifiers. */
function verifyRun() {
  const dir = tempDir();
  const store = open(dir, 'NORMAL');
  const who = { user: 'cashier-1', businessDate: DAY };
  store.database.transaction(() => {
    for (let i = 0; store.journal.headSeq() < VERIFY_ENTRIES; i++) {
      if (i % 1000 === 999) store.closeDay(who);
      else if (i % 20 === 7) {
        store.record({ ...who, kind: 'drawer-open', reason: 'x', amount: 0 });
      } else store.settle({ ...who, invoice: salePayload(`o-${i}`) });
    }
  })();
  store.close();

  // The CLI's path (`store.verify`, several threads for a store this
  // size) and the sequential reference, alternately, so that a change in
  // the machine's load falls on both.
  const reader = Store.open({ dir, readonly: true });
  const load = loadAverage();
  const cli = new VerifyTimes();
  const single = new VerifyTimes();
  for (let run = 0; run < 3; run++) {
    single.time(() => verifySequentially(reader.database, reader.device));
    cli.time(() => reader.verify());
  }
  reader.close();
  rmSync(dir, { recursive: true, force: true });
  return { cli, single, load };
}

/** Best entries per second of several runs, by wall and by CPU time. */
class VerifyTimes {
  wall = 0;
  cpu = 0;

  time(verify: () => VerifyReport): void {
    const used = process.cpuUsage();
    const started = nowMs();
    const report = verify();
    const seconds = (nowMs() - started) / 1000;
    const { user, system } = process.cpuUsage(used);
    if (!report.ok) throw new Error(JSON.stringify(report.fault));
    const entries = report.devices[0]?.entries ?? 0;
    this.wall = Math.max(this.wall, entries / seconds);
    this.cpu = Math.max(this.cpu, entries / ((user + system) / 1e6));
  }
}

/** Stores a compacted busy day, then times open + load, median of runs. */
function startupRun(): number {
  const dir = tempDir();
  const day = buildBusyDay((i) => yjsFactory.create(i), {
    orders: BUSY_ORDERS,
  });
  const name = `riyadh/day/${DAY}`;
  const store = open(dir, 'NORMAL');
  for (const { update } of day.updates) store.updateLog.append(name, update);
  store.updateLog.compact(name);
  const size = store.updateLog.size(name);
  store.close();
  notes.push(
    `busy day: ${day.counts.orders} orders, ${day.updates.length} updates, snapshot ${size?.snapshotBytes ?? 0} bytes`,
  );

  const samples: number[] = [];
  for (let run = 0; run < STARTUP_RUNS; run++) {
    const started = nowMs();
    const reopened = open(dir, 'FULL');
    const doc = new Y.Doc();
    reopened.updateLog.loadInto(name, doc);
    samples.push(nowMs() - started);
    const orders = doc.getMap('orders').size;
    reopened.close();
    if (orders === 0) throw new Error('the busy day loaded empty');
  }
  rmSync(dir, { recursive: true, force: true });
  return percentile(samples, 50);
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

const full = settleRun('FULL');
const normal = settleRun('NORMAL');
row('settle_per_s_full', Math.round(full.perSecond), 'ops/s');
row('settle_per_s_normal', Math.round(normal.perSecond), 'ops/s');
row('settle_cpu_ms', normal.cpuMs, 'ms');
row('settle_p99_ms_full', full.p99, 'ms');
const verified = verifyRun();
row('verify_entries_per_s', Math.round(verified.cli.wall), 'entries/s');
row(
  'verify_entries_per_s_single',
  Math.round(verified.single.wall),
  'entries/s',
);
row('verify_parallel_ratio', verified.cli.wall / verified.single.wall, 'x');
row('verify_entries_per_cpu_s', Math.round(verified.cli.cpu), 'entries/s');
row(
  'verify_entries_per_cpu_s_single',
  Math.round(verified.single.cpu),
  'entries/s',
);
row('startup_busy_day_ms', startupRun(), 'ms');
notes.push(
  `${SETTLES} settlements per mode; verification over ${VERIFY_ENTRIES} entries (best of 3, the CLI's path and the sequential reference alternately); start-up median of ${STARTUP_RUNS}`,
  'verification checks every entry, the canonical form of its stored payload text included (payload-not-canonical)',
  `verify_entries_per_s is the CLI's path (${VERIFY_DEFAULTS.workers + 1} threads here, load average ${verified.load} before the runs); _single the sequential reference; verify_parallel_ratio their quotient`,
  'settle_cpu_ms is process CPU (user + system) per settlement with synchronous=NORMAL, so it leaves out waiting for fsync',
  'verify_entries_per_cpu_s divides by the CPU time the verification used (every thread): the figure a shared, loaded machine distorts least',
);
report('store', rows, notes);
