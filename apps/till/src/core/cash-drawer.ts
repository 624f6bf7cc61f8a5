/**
 * The cash drawer outside a sale: a "no sale" opening and cash put in or
 * taken out (a float, a bank drop, a petty-cash payment). Each is one
 * journal entry of the store's own kind, which the next Z closing counts
 * and sums; none moves the perpetual sales totals. The till does not
 * track how much cash the drawer holds, so a cash out larger than what
 * was put in is journalled as given.
 */
import type { JournalEntry, Store } from '@brigade/store';
import { translated } from '../api/model-errors.ts';

/** Which way cash moves: `in` is `cash-in`, `out` is `cash-out`. */
export type CashDirection = 'in' | 'out';

export const CASH_DIRECTIONS: readonly CashDirection[] = ['in', 'out'];

/** What a drawer action journalled. */
export interface DrawerResult {
  /** The entry's place in the chain and its hash. */
  seq: number;
  hash: string;
  kind: 'drawer-open' | 'cash-in' | 'cash-out';
  ts: string;
  businessDate: string;
  reason: string;
  /** Cash moved, minor units; 0 for a drawer open. */
  amount: number;
}

export class CashDrawer {
  #store: Store;
  #businessDate: () => string;
  #onJournal: () => void;

  constructor(store: Store, businessDate: () => string, onJournal: () => void) {
    this.#store = store;
    this.#businessDate = businessDate;
    this.#onJournal = onJournal;
  }

  /** Journals a "no sale" drawer opening. */
  open(reason: string, user: string): DrawerResult {
    return this.#record('drawer-open', 0, reason, user);
  }

  /** Journals cash put into (`in`) or taken out of (`out`) the drawer. */
  move(
    direction: CashDirection,
    amount: number,
    reason: string,
    user: string,
  ): DrawerResult {
    const kind = direction === 'in' ? 'cash-in' : 'cash-out';
    return this.#record(kind, amount, reason, user);
  }

  #record(
    kind: DrawerResult['kind'],
    amount: number,
    reason: string,
    user: string,
  ): DrawerResult {
    const entry = translated(() =>
      this.#store.record({
        kind,
        user,
        businessDate: this.#businessDate(),
        reason,
        amount,
      }),
    );
    this.#onJournal();
    return resultOf(entry, kind, reason, amount);
  }
}

function resultOf(
  entry: JournalEntry,
  kind: DrawerResult['kind'],
  reason: string,
  amount: number,
): DrawerResult {
  return {
    seq: entry.seq,
    hash: entry.hash,
    kind,
    ts: entry.ts,
    businessDate: entry.businessDate,
    reason,
    amount,
  };
}
