/**
 * The sums of a Z closing, computed the same way when the store writes a
 * closing and when the verifier re-adds the entries it covers.
 */
import { canonicalize } from './canonical.ts';
import type { JournalEntry } from './entry.ts';
import type { ClosingTally, Payment, TaxByRate } from './payloads.ts';

/** Adds entries one by one into a {@link ClosingTally}. */
export class ClosingTallyBuilder {
  #tally: ClosingTally = emptyTally();
  #fromSeq = 1;

  /** First sequence number of the period. */
  get fromSeq(): number {
    return this.#fromSeq;
  }

  /** Counts one entry of the period (never a `z-closing`). */
  add(entry: JournalEntry): void {
    const t = this.#tally;
    t.counts[entry.kind] = (t.counts[entry.kind] ?? 0) + 1;
    t.sums[entry.kind] = (t.sums[entry.kind] ?? 0) + entry.total;

    // Training sales are counted as such but stay out of tax and takings.
    if (entry.kind === 'sale') {
      addTaxes(t.salesTax, entry.payload.taxes);
      addPayments(t.salesPayments, entry.payload.payments);
    } else if (entry.kind === 'credit-note') {
      addTaxes(t.creditTax, entry.payload.taxes);
      addPayments(t.creditPayments, entry.payload.payments);
    }
  }

  /** The tally so far. */
  result(): ClosingTally {
    return this.#tally;
  }

  /** Starts a new period at `fromSeq`. */
  reset(fromSeq: number): void {
    this.#tally = emptyTally();
    this.#fromSeq = fromSeq;
  }
}

/** The members of a closing payload that hold the tally. */
export const TALLY_KEYS = [
  'counts',
  'sums',
  'salesTax',
  'creditTax',
  'salesPayments',
  'creditPayments',
] as const;

/** The first tally member on which `payload` and `tally` differ, or null. */
export function tallyDifference(
  payload: Record<string, unknown>,
  tally: ClosingTally,
): string | null {
  for (const key of TALLY_KEYS) {
    if (safeCanonical(payload[key]) !== canonicalize(tally[key])) return key;
  }
  return null;
}

function emptyTally(): ClosingTally {
  return {
    counts: {},
    sums: {},
    salesTax: {},
    creditTax: {},
    salesPayments: {},
    creditPayments: {},
  };
}

function addTaxes(into: ClosingTally['salesTax'], taxes: unknown): void {
  if (!Array.isArray(taxes)) return;
  for (const t of taxes as TaxByRate[]) {
    const key = String(t.rate);
    const row = into[key] ?? { base: 0, tax: 0 };
    row.base += t.base;
    row.tax += t.tax;
    into[key] = row;
  }
}

function addPayments(into: Record<string, number>, payments: unknown): void {
  if (!Array.isArray(payments)) return;
  for (const p of payments as Payment[]) {
    into[p.method] = (into[p.method] ?? 0) + p.amount;
  }
}

function safeCanonical(value: unknown): string | null {
  try {
    return canonicalize(value);
  } catch {
    return null;
  }
}
