/**
 * What erasure on request costs a till's store: compaction with
 * `secure_delete` on against off (the same connection, alternating), and
 * `scrubDeleted` on a realistic store (a busy day, a customer book and a
 * 100,000-entry journal) made before secure_delete (one VACUUM) against
 * one made with it (incremental auto-vacuum, no rebuild).
 *
 *   npm run bench -- erasure [--short]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomerBook, yjsEngine } from '@brigade/crdt-model';
import { buildBusyDay, yjsFactory } from '@brigade/crdt-model/testing';
import {
  DATABASE_FILE,
  type ScrubResult,
  Store,
  scrubDeleted,
} from '@brigade/store';
import * as Y from 'yjs';
import { salePayload } from '../packages/store/test/journal-fixtures.ts';
import { type ResultRow, report, short } from './lib/results.ts';
import { nowMs, percentile } from './lib/stats.ts';

const ENTRIES = short ? 10_000 : 100_000;
const BUSY_ORDERS = short ? 150 : 1500;
const CUSTOMERS = short ? 200 : 2000;
const ROUNDS = short ? 3 : 7;
const DAY = '2026-12-03';
const DAY_DOC = `riyadh/day/${DAY}`;
const BOOK_DOC = 'riyadh/customers';

const rows: ResultRow[] = [];
const notes: string[] = [];

/** A till's store after a busy day: journal, day document, customers. */
function buildStore(dir: string, updates: Uint8Array[]): Store {
  const store = Store.open({ dir, device: 'till-1', branch: 'riyadh' });
  const who = { user: 'cashier-1', businessDate: DAY };
  store.database.transaction(() => {
    for (let i = 0; store.journal.headSeq() < ENTRIES; i++) {
      if (i % 1000 === 999) store.closeDay(who);
      else store.settle({ ...who, invoice: salePayload(`o-${i}`) });
    }
  })();
  const log = store.updateLog;
  // Compacted every 500 updates, as the background compaction does, so
  // the file holds pages freed by earlier snapshots.
  updates.forEach((update, i) => {
    log.append(DAY_DOC, update);
    if (i % 500 === 499) log.compact(DAY_DOC);
  });
  log.compact(DAY_DOC);

  const doc = new Y.Doc();
  const unbind = log.bind(BOOK_DOC, doc);
  const book = new CustomerBook(yjsEngine(doc), { device: 'till-1' });
  for (let i = 0; i < CUSTOMERS; i++) {
    book.createCustomer({ name: `Guest ${i}`, phone: `+4477009${1e5 + i}` });
  }
  log.compact(BOOK_DOC);
  book.erase(book.customers()[0]!.id);
  book.close();
  unbind();
  doc.destroy();
  log.compact(BOOK_DOC);
  return store;
}

/** Compaction of the day's last 500 updates, secure_delete on and off. */
function compactionRun(store: Store, updates: Uint8Array[]) {
  const db = store.database;
  const times = { on: [] as number[], off: [] as number[] };
  const tail = updates.slice(-500);
  for (let round = 0; round < ROUNDS * 2; round++) {
    const mode = round % 2 === 0 ? 'off' : 'on';
    db.pragma(`secure_delete = ${mode.toUpperCase()}`);
    for (const update of tail) store.updateLog.append(DAY_DOC, update);
    const started = nowMs();
    store.updateLog.compact(DAY_DOC);
    times[mode].push(nowMs() - started);
  }
  db.pragma('secure_delete = ON');
  return { on: percentile(times.on, 50), off: percentile(times.off, 50) };
}

function fileMb(dir: string): number {
  return statSync(join(dir, DATABASE_FILE)).size / 2 ** 20;
}

function row(metric: string, system: string, value: number, unit: string) {
  rows.push({ metric, system, value, unit });
}

const load = loadavg()[0]!.toFixed(1);
const day = buildBusyDay((i) => yjsFactory.create(i), { orders: BUSY_ORDERS });
const updates = day.updates.map((u) => u.update);

const dir = mkdtempSync(join(tmpdir(), 'brigade-bench-'));
const store = buildStore(dir, updates);
const compaction = compactionRun(store, updates);
row('compact_day_tail_ms', 'secure_delete=OFF', compaction.off, 'ms');
row('compact_day_tail_ms', 'secure_delete=ON', compaction.on, 'ms');
row(
  'compact_ratio_on_off',
  'secure_delete=ON',
  compaction.on / compaction.off,
  'x',
);

// A store made before secure_delete: no incremental auto-vacuum.
const db = store.database;
db.pragma('auto_vacuum = NONE');
db.exec('VACUUM');
const sizeMb = fileMb(dir);
const first: ScrubResult = scrubDeleted(db);
if (!first.vacuumed) throw new Error('the first scrub did not rebuild');
row('scrub_ms', 'first (VACUUM)', first.ms, 'ms');
const later: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const update of updates.slice(-500)) {
    store.updateLog.append(DAY_DOC, update);
  }
  store.updateLog.compact(DAY_DOC);
  const result = scrubDeleted(db);
  if (result.vacuumed) throw new Error('a later scrub rebuilt the file');
  later.push(result.ms);
}
row('scrub_ms', 'later (incremental)', percentile(later, 50), 'ms');
row(
  'scrub_ratio_first_later',
  'first (VACUUM)',
  first.ms / percentile(later, 50),
  'x',
);
row('store_mb', 'before scrub', sizeMb, 'MB');
row('store_mb', 'after scrub', fileMb(dir), 'MB');
store.close();
rmSync(dir, { recursive: true, force: true });

notes.push(
  `store: ${ENTRIES} journal entries, busy day of ${day.counts.orders} orders (${updates.length} updates, compacted every 500), ${CUSTOMERS} customers; load average ${load} at start`,
  `compaction: the day's last 500 updates folded into its snapshot, median of ${ROUNDS} per mode, modes alternating on one connection`,
  `later scrubs: median of ${ROUNDS}, each after such a compaction`,
);
report('erasure', rows, notes);
