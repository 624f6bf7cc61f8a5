/**
 * The cash drawer outside a sale: a "no sale" opening and cash put in or
 * taken out (a float, a bank drop, a petty-cash payment). Each is one
 * journal entry of the store's own kind, which the next Z closing counts
 * and sums; none moves the perpetual sales totals. The cash the drawer
 * should hold is worked out from the journal since the last Z closing
 * (cash taken on sales, less cash paid back on credit notes, plus cash
 * put in, less cash taken out), and a cash out beyond it is refused.
 */
import type { JournalEntry, Store } from '@brigade/store';
import { translated } from '../api/model-errors.ts';
import { conflict } from '../http/api-error.ts';

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

/** The cash the drawer should hold, from the journal since the last Z. */
export interface DrawerCash {
  /** Minor units: cashSales - cashRefunds + cashIn - cashOut. */
  expected: number;
  cashSales: number;
  cashRefunds: number;
  cashIn: number;
  cashOut: number;
  /** The first entry counted (the one after the last Z closing). */
  fromSeq: number;
}

/** The payment method whose money sits in the drawer. */
export const CASH_METHOD = 'cash';

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

  /**
   * Journals cash put into (`in`) or taken out of (`out`) the drawer.
   * Taking out more than the drawer should hold is refused (409
   * `cash-short`): record the float or the missing cash in first.
   */
  move(
    direction: CashDirection,
    amount: number,
    reason: string,
    user: string,
  ): DrawerResult {
    if (direction === 'out') {
      const { expected } = this.cash();
      if (amount > expected) {
        throw conflict(
          'cash-short',
          `the drawer should hold ${expected}, less than the ${amount} to take out; record the float or the missing cash in first`,
          'amount',
        );
      }
    }
    const kind = direction === 'in' ? 'cash-in' : 'cash-out';
    return this.#record(kind, amount, reason, user);
  }

  /** The cash the drawer should hold now. */
  cash(): DrawerCash {
    const period = this.#store.openPeriod();
    const cashSales = period.salesPayments[CASH_METHOD] ?? 0;
    const cashRefunds = period.creditPayments[CASH_METHOD] ?? 0;
    const cashIn = period.sums['cash-in'] ?? 0;
    const cashOut = period.sums['cash-out'] ?? 0;
    return {
      expected: cashSales - cashRefunds + cashIn - cashOut,
      cashSales,
      cashRefunds,
      cashIn,
      cashOut,
      fromSeq: period.fromSeq,
    };
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
