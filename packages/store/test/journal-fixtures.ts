/** Shared builders for the store's tests (not a suite itself). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { journalCommand } from '../src/cli/journal-command.ts';
import type {
  EntryDraft,
  JournalEntry,
  SalePayload,
  StoreOptions,
  VerifyReport,
} from '../src/index.ts';
import { formatDocNo, Store, sealEntry } from '../src/index.ts';

export const BRANCH = 'riyadh';
export const DEVICE = 'till-1';

/** A two-line sale at 15 % VAT, tax included, paid by card and cash. */
export function salePayload(orderId = 'o-1', price = 1150): SalePayload {
  const total = price * 2 + 575;
  const tax = Math.round((total * 1500) / 11500);
  return {
    branch: BRANCH,
    orderId,
    table: 'T4',
    currency: 'SAR',
    taxInclusive: true,
    seller: { name: 'Bobs Records', vatNumber: '310122393500003' },
    lines: [
      {
        lineId: `${orderId}-l1`,
        itemId: 'burger',
        name: 'Burger',
        qty: 2,
        unitPrice: price,
        modifiers: [],
        lineTotal: price * 2,
        taxRate: 1500,
      },
      {
        lineId: `${orderId}-l2`,
        itemId: 'tea',
        name: 'شاي',
        qty: 1,
        unitPrice: 500,
        modifiers: [{ id: 'mint', name: 'Mint', price: 75 }],
        lineTotal: 575,
        taxRate: 1500,
      },
    ],
    taxes: [{ rate: 1500, base: total - tax, tax }],
    payments: [
      { method: 'card', amount: total - 1000 },
      { method: 'cash', amount: 1000 },
    ],
    total,
    tax,
  };
}

/** A sale draft with document number `counter`. */
export function saleDraft(counter: number, ts: string): EntryDraft {
  const payload = salePayload(`o-${counter}`);
  return {
    device: DEVICE,
    kind: 'sale',
    ts,
    businessDate: ts.slice(0, 10),
    user: 'cashier-1',
    docNo: formatDocNo(BRANCH, DEVICE, counter),
    payload,
    total: payload.total,
    tax: payload.tax,
  };
}

/** A chain of `count` sales, one second apart. */
export function saleChain(count: number): JournalEntry[] {
  const chain: JournalEntry[] = [];
  let prev: JournalEntry | null = null;
  for (let i = 1; i <= count; i++) {
    const ts = new Date(Date.UTC(2026, 0, 1, 12) + i * 1000).toISOString();
    prev = sealEntry(prev, saleDraft(i, ts)).entry;
    chain.push(prev);
  }
  return chain;
}

/** A fresh temporary folder and its remover. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A controllable wall clock, starting 2026-01-01 12:00 UTC. */
export class TestClock {
  ms = Date.UTC(2026, 0, 1, 12);
  now = () => this.ms;
  tick(ms = 1000): void {
    this.ms += ms;
  }
}

export const DAY = '2026-01-01';

/** Opens (or creates) the test device's store in `dir`. */
export function openStore(
  dir: string,
  clock = new TestClock(),
  extra: Partial<StoreOptions> = {},
): Store {
  return Store.open({
    dir,
    device: DEVICE,
    branch: BRANCH,
    clock: clock.now,
    ...extra,
  });
}

/** Settles `count` orders, one second apart; returns the entries. */
export function settleMany(
  store: Store,
  clock: TestClock,
  count: number,
  first = 1,
): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (let i = first; i < first + count; i++) {
    clock.tick();
    const invoice = salePayload(`o-${i}`);
    entries.push(
      store.settle({ user: 'cashier-1', businessDate: DAY, invoice }),
    );
  }
  return entries;
}

/** What one `brigade journal ...` run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (verify), or undefined. */
  json: VerifyReport | undefined;
}

/** Runs `brigade journal <argv>` in this process. */
export async function runJournal(argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (onText: (t: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        onText(String(chunk));
        done();
      },
    });
  const code = await journalCommand({
    argv,
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
  });
  let json: VerifyReport | undefined;
  try {
    json = JSON.parse(stdout) as VerifyReport;
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}
