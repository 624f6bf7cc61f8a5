/**
 * Checks that an invoice snapshot adds up before it is journalled: the
 * journal proves what was recorded, so what is recorded must be right.
 */

import { StoreError } from '../store/errors.ts';
import type { InvoiceLine, SalePayload } from './payloads.ts';

/**
 * Throws `invalid-settlement` unless every amount is an integer, each
 * line total is `qty * (unitPrice + modifiers)`, the lines sum to the
 * total (plus tax when prices exclude it), the taxes sum to the tax and
 * the payments sum to the total.
 */
export function assertInvoiceAddsUp(
  p: Omit<SalePayload, 'table' | 'branch' | 'seller' | 'currency'>,
): void {
  const fail = (why: string) => {
    throw new StoreError('invalid-settlement', `invoice ${p.orderId}: ${why}`);
  };
  // Floats anywhere else in the snapshot are refused when it is sealed.
  if (!Array.isArray(p.lines) || p.lines.length === 0) fail('no lines');
  if (!Array.isArray(p.taxes) || !Array.isArray(p.payments)) {
    fail('taxes and payments must be lists');
  }
  const amounts = [
    p.total,
    p.tax,
    ...p.lines.flatMap((l) => [
      l.qty,
      l.unitPrice,
      l.lineTotal,
      l.taxRate,
      ...l.modifiers.map((m) => m.price),
    ]),
    ...p.taxes.flatMap((t) => [t.rate, t.base, t.tax]),
    ...p.payments.map((x) => x.amount),
  ];
  if (!amounts.every(Number.isSafeInteger)) {
    fail('amounts, rates and quantities must be integers');
  }
  for (const line of p.lines) {
    if (lineTotal(line) !== line.lineTotal) {
      fail(`line ${line.lineId} total ${line.lineTotal} is not qty × price`);
    }
  }
  const lines = sum(p.lines.map((l) => l.lineTotal));
  const tax = sum(p.taxes.map((t) => t.tax));
  const paid = sum(p.payments.map((x) => x.amount));
  const due = p.taxInclusive ? lines : lines + tax;
  if (tax !== p.tax) fail(`taxes sum to ${tax}, not ${p.tax}`);
  if (due !== p.total) fail(`lines give ${due}, not the total ${p.total}`);
  if (paid !== p.total) fail(`payments sum to ${paid}, not ${p.total}`);
  if (p.total < 0 || p.tax < 0 || p.tax > p.total)
    fail('negative or over-taxed');
}

function lineTotal(line: InvoiceLine): number {
  const each = line.unitPrice + sum(line.modifiers.map((m) => m.price));
  return line.qty * each;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
