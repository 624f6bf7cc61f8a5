/**
 * The business day the auditor suites tamper with, and how they verify
 * it: through `brigade journal verify`, as an auditor would.
 */
import type { JournalEntry } from '../src/index.ts';
import {
  DAY,
  openStore,
  runJournal,
  salePayload,
  settleMany,
  TestClock,
} from './journal-fixtures.ts';

/**
 * A business day: sales, a drawer open, a credit note, a reprint, a
 * training sale, the Z closing (seq 9), then three more sales (10-12).
 */
export function businessDay(dir: string): {
  chain: JournalEntry[];
  z: JournalEntry;
} {
  const clock = new TestClock();
  const store = openStore(dir, clock);
  const who = { user: 'manager', businessDate: DAY };
  try {
    const [first] = settleMany(store, clock, 2);
    store.record({ ...who, kind: 'drawer-open', reason: 'no sale', amount: 0 });
    settleMany(store, clock, 1, 3);
    store.creditNote({
      ...who,
      original: first?.docNo ?? '',
      reason: 'refund',
      invoice: salePayload('o-1'),
    });
    store.reprint({ ...who, docNo: first?.docNo ?? '' });
    settleMany(store, clock, 1, 4);
    store.settle({ ...who, invoice: salePayload('o-t'), training: true });
    const z = store.closeDay(who);
    settleMany(store, clock, 3, 5);
    return { chain: store.journal.entriesAfter(0, 100), z };
  } finally {
    store.close();
  }
}

export async function verify(dir: string, ...extra: string[]) {
  return runJournal(['verify', '--data', dir, ...extra]);
}

export function at(chain: JournalEntry[], seq: number): JournalEntry {
  const entry = chain.find((e) => e.seq === seq);
  if (!entry) throw new Error(`no entry ${seq}`);
  return entry;
}

/** The sale draft with `amount` taken off its total and its cash. */
export function skim<
  T extends { payload: Record<string, unknown>; total: number },
>(draft: T, amount: number): T {
  const payload = draft.payload as ReturnType<typeof salePayload>;
  const total = draft.total - amount;
  return {
    ...draft,
    total,
    payload: {
      ...payload,
      total,
      payments: [{ method: 'cash', amount: total }],
    },
  };
}
