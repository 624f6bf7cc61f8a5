/**
 * Perpetual running totals: every entry carries the sums of every sale
 * and credit note before it and itself, never reset. Training sales,
 * voids, cash movements and the other kinds leave them unchanged.
 */
import type { EntryKind, RunningTotals } from './entry.ts';

/** Running totals before the first entry. */
export const ZERO_TOTALS: Readonly<RunningTotals> = Object.freeze({
  sales: 0,
  credits: 0,
  net: 0,
});

/** The running totals after an entry of `kind` moving `total`. */
export function nextRunning(
  prev: RunningTotals,
  kind: EntryKind,
  total: number,
): RunningTotals {
  const sales = prev.sales + (kind === 'sale' ? total : 0);
  const credits = prev.credits + (kind === 'credit-note' ? total : 0);
  return { sales, credits, net: sales - credits };
}

/** True when two running totals are equal member by member. */
export function sameRunning(a: RunningTotals, b: RunningTotals): boolean {
  return a.sales === b.sales && a.credits === b.credits && a.net === b.net;
}
