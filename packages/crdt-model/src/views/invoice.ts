import type { DaySnapshot } from '../day/day-state.ts';
import { hash53 } from '../hash.ts';
import type { OrderId } from '../ids.ts';
import type { Currency } from '../menu/menu.ts';
import type { TaxBreakdown } from '../money/totals.ts';
import { orderView } from './order-view.ts';

export interface InvoiceLine {
  lineId: string;
  itemId: string;
  name: string;
  qty: number;
  unitPrice: number;
  modifiers: { id: string; name: string; priceDelta: number }[];
  lineTotal: number;
  taxRateId: string;
}

/**
 * Everything an invoice needs, as plain data with every amount an integer
 * of minor units: what the store journals as the sale's payload. Voided
 * lines and lines of quantity zero are left out.
 */
export interface InvoiceSnapshot {
  orderId: string;
  table: string;
  guests: number;
  currency: Currency;
  lines: InvoiceLine[];
  subtotal: number;
  discount: number;
  serviceCharge: number;
  taxes: TaxBreakdown[];
  tax: number;
  /** Tax added on top of prices (exclusive rates); included in `total`. */
  taxAdded: number;
  total: number;
}

/** The invoice of an order; undefined for an unknown id. */
export function invoiceOf(
  day: DaySnapshot,
  orderId: OrderId,
): InvoiceSnapshot | undefined {
  const view = orderView(day, orderId);
  if (!view) return undefined;
  const { totals } = view;
  return {
    orderId: view.id,
    table: view.table,
    guests: view.guests,
    currency: { ...view.currency },
    lines: view.lines
      .filter((l) => !l.void && l.qty > 0)
      .map((l) => ({
        lineId: l.id,
        itemId: l.itemId,
        name: l.name,
        qty: l.qty,
        unitPrice: l.unitPrice,
        modifiers: l.modifiers.map((m) => ({ ...m })),
        lineTotal: l.lineTotal,
        taxRateId: l.taxRateId,
      })),
    subtotal: totals.subtotal,
    discount: totals.discount,
    serviceCharge: totals.serviceCharge,
    taxes: totals.taxes.map((t) => ({ ...t })),
    tax: totals.tax,
    taxAdded: totals.taxAdded,
    total: totals.total,
  };
}

/**
 * A fingerprint of what an invoice charges (lines, quantities, prices,
 * adjustments, tax, total), not of the table or guest count. A claim keeps
 * the fingerprint of the invoice it settled; any later difference is an
 * edit after the claim.
 */
export function invoiceDigest(invoice: InvoiceSnapshot): string {
  const charged = [
    invoice.lines.map((l) => [
      l.lineId,
      l.itemId,
      l.qty,
      l.unitPrice,
      l.modifiers.map((m) => [m.id, m.priceDelta]),
      l.lineTotal,
    ]),
    invoice.discount,
    invoice.serviceCharge,
    invoice.taxes.map((t) => [t.rateId, t.base, t.tax]),
    invoice.total,
  ];
  return hash53(JSON.stringify(charged));
}
