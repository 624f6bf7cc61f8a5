/**
 * From the CRDT's invoice snapshot to the fiscal payloads the store
 * journals (sale, credit note), and the plain-text receipt. Every amount
 * stays an integer of minor units.
 */
import type { InvoiceSnapshot } from '@brigade/crdt-model';
import type {
  CreditNotePayload,
  InvoiceLine,
  JournalEntry,
  Payment,
  SalePayload,
  Seller,
} from '@brigade/store';
import { formatMinor } from '@brigade/store';

/** What a credit note journals besides its reference and reason. */
export type CreditInvoice = Omit<CreditNotePayload, 'original' | 'reason'>;

/** The sale payload of an order's invoice paid with `payments`. */
export function salePayload(
  invoice: InvoiceSnapshot,
  branch: string,
  seller: Seller,
  payments: Payment[],
): SalePayload {
  return {
    branch,
    orderId: invoice.orderId,
    table: invoice.table,
    currency: invoice.currency.code,
    taxInclusive: invoice.taxAdded === 0,
    seller: { ...seller },
    lines: invoiceLines(invoice),
    taxes: invoice.taxes.map((t) => ({
      rate: t.basisPoints,
      base: t.base,
      tax: t.tax,
    })),
    payments: payments.map((p) => ({ ...p })),
    total: invoice.total,
    tax: invoice.tax,
  };
}

/** The invoice's lines as the journal lists them (tax rate in basis points). */
export function invoiceLines(invoice: InvoiceSnapshot): InvoiceLine[] {
  const rateOf = new Map(invoice.taxes.map((t) => [t.rateId, t.basisPoints]));
  return invoice.lines.map((l) => ({
    lineId: l.lineId,
    itemId: l.itemId,
    name: l.name,
    qty: l.qty,
    unitPrice: l.unitPrice,
    modifiers: l.modifiers.map((m) => ({
      id: m.id,
      name: m.name,
      price: m.priceDelta,
    })),
    lineTotal: l.lineTotal,
    taxRate: rateOf.get(l.taxRateId) ?? 0,
  }));
}

/**
 * A credit note giving back `qtyByLine` units of a journalled sale (every
 * unit when null), refunded by the sale's first payment method.
 */
export function creditInvoice(
  sale: SalePayload,
  qtyByLine: Map<string, number> | null,
): CreditInvoice {
  if (qtyByLine === null) {
    const { table: _table, ...rest } = sale;
    return structuredClone(rest);
  }
  const lines = sale.lines
    .filter((l) => (qtyByLine.get(l.lineId) ?? 0) > 0)
    .map((l) => {
      const qty = qtyByLine.get(l.lineId) ?? 0;
      const each = l.unitPrice + l.modifiers.reduce((a, m) => a + m.price, 0);
      return { ...structuredClone(l), qty, lineTotal: qty * each };
    });
  const byRate = new Map<number, number>();
  for (const l of lines) {
    byRate.set(l.taxRate, (byRate.get(l.taxRate) ?? 0) + l.lineTotal);
  }
  const taxes = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rate, amount]) => {
      const tax = sale.taxInclusive
        ? divideHalfUp(amount * rate, 10_000 + rate)
        : divideHalfUp(amount * rate, 10_000);
      return { rate, base: sale.taxInclusive ? amount - tax : amount, tax };
    });
  const tax = taxes.reduce((a, t) => a + t.tax, 0);
  const net = lines.reduce((a, l) => a + l.lineTotal, 0);
  const total = sale.taxInclusive ? net : net + tax;
  return {
    branch: sale.branch,
    orderId: sale.orderId,
    currency: sale.currency,
    taxInclusive: sale.taxInclusive,
    seller: { ...sale.seller },
    lines,
    taxes,
    payments: [{ method: sale.payments[0]?.method ?? 'cash', amount: total }],
    total,
    tax,
  };
}

function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** The receipt of a sale or credit note, as plain text (40 columns). */
export function receiptText(
  entry: JournalEntry,
  exponent: number,
  mark?: string,
): string {
  const p = entry.payload as unknown as SalePayload & { reason?: string };
  const money = (n: number) => formatMinor(n, exponent);
  const row = (left: string, right: string) =>
    `${left.slice(0, 39 - right.length).padEnd(39 - right.length)} ${right}`;
  const title = entry.kind === 'credit-note' ? 'CREDIT NOTE' : 'INVOICE';
  const out = [
    p.seller?.name ?? '',
    p.seller?.vatNumber ? `VAT ${p.seller.vatNumber}` : '',
    ...(mark ? [mark] : []),
    `${title} ${entry.docNo ?? ''}`,
    `${entry.ts.slice(0, 19).replace('T', ' ')} UTC  ${entry.device}`,
    p.table ? `table ${p.table}` : '',
    '-'.repeat(40),
  ];
  for (const line of p.lines ?? []) {
    out.push(row(`${line.qty} x ${line.name}`, money(line.lineTotal)));
    for (const m of line.modifiers) out.push(`    ${m.name}`);
  }
  out.push('-'.repeat(40));
  for (const t of p.taxes ?? []) {
    out.push(row(`tax ${t.rate / 100}% on ${money(t.base)}`, money(t.tax)));
  }
  out.push(row(`TOTAL ${p.currency ?? ''}`, money(entry.total)));
  for (const pay of p.payments ?? []) {
    out.push(row(`  ${pay.method}`, money(pay.amount)));
  }
  if (p.reason) out.push(`reason: ${p.reason}`);
  out.push(`seq ${entry.seq}  ${entry.hash.slice(0, 16)}`);
  return `${out.filter((l) => l !== '').join('\n')}\n`;
}
