/**
 * The parts of a sale's or credit note's payload that the sales report
 * reads (lines, taxes by rate, payments, currency), checked at ingest so
 * that a stored entry can always be reported. The payload types are the
 * store's (`SalePayload`, `CreditNotePayload`); fields the report does not
 * read are left to the chain check.
 */
import type { SalePayload } from '@brigade/store';
import { invalidField } from '../http/errors.ts';

/** Kinds whose payload is an invoice snapshot. */
export const INVOICE_KINDS: ReadonlySet<string> = new Set([
  'sale',
  'credit-note',
  'training-sale',
]);

/** What the report needs of an invoice snapshot. */
export type ReportedPayload = Pick<
  SalePayload,
  'currency' | 'lines' | 'taxes' | 'payments'
>;

/** Throws a 400 naming the field unless the payload can be reported. */
export function checkInvoicePayload(
  payload: Record<string, unknown>,
  kind: string,
  at: string,
): void {
  str(payload.currency, `${at}.currency`);
  if (kind === 'credit-note') {
    const original = obj(payload.original, `${at}.original`);
    str(original.device, `${at}.original.device`);
    int(original.seq, `${at}.original.seq`, 1);
    str(original.docNo, `${at}.original.docNo`);
  }
  list(payload.lines, `${at}.lines`).forEach((value, i) => {
    const line = obj(value, `${at}.lines[${i}]`);
    const lineAt = `${at}.lines[${i}]`;
    str(line.itemId, `${lineAt}.itemId`);
    str(line.name, `${lineAt}.name`);
    int(line.qty, `${lineAt}.qty`, 1);
    int(line.lineTotal, `${lineAt}.lineTotal`, 0);
    int(line.taxRate, `${lineAt}.taxRate`, 0);
  });
  list(payload.taxes, `${at}.taxes`).forEach((value, i) => {
    const tax = obj(value, `${at}.taxes[${i}]`);
    int(tax.rate, `${at}.taxes[${i}].rate`, 0);
    int(tax.base, `${at}.taxes[${i}].base`, 0);
    int(tax.tax, `${at}.taxes[${i}].tax`, 0);
  });
  list(payload.payments, `${at}.payments`).forEach((value, i) => {
    const payment = obj(value, `${at}.payments[${i}]`);
    str(payment.method, `${at}.payments[${i}].method`);
    int(payment.amount, `${at}.payments[${i}].amount`, 0);
  });
}

function str(value: unknown, at: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidField(at, 'must be a non-empty string');
  }
}

function int(value: unknown, at: string, min: number): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalidField(at, `must be an integer of at least ${min}`);
  }
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) throw invalidField(at, 'must be an array');
  return value;
}

function obj(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField(at, 'must be an object');
  }
  return value as Record<string, unknown>;
}
