import type { DaySnapshot } from '../day/day-state.ts';
import type {
  Claim,
  ClaimCredit,
  Line,
  LineVoid,
  ModifierSnapshot,
  Order,
  OrderVoid,
} from '../day/records.ts';
import type { ClaimId, LineId, OrderId } from '../ids.ts';
import type { Currency } from '../menu/menu.ts';
import {
  type Adjustment,
  computeTotals,
  type Totals,
} from '../money/totals.ts';
import {
  firedOf,
  linesOf,
  lineVoidOf,
  membersOf,
  qtyOf,
  rootOf,
  unitTotal,
} from './order-lines.ts';

export type OrderStatus = 'open' | 'settled' | 'merged' | 'carried' | 'voided';

export interface LineView {
  id: LineId;
  /** The order the line was added to or moved to (before merges). */
  orderId: OrderId;
  itemId: string;
  name: string;
  qty: number;
  /** Minor units per unit, without modifiers. */
  unitPrice: number;
  modifiers: ModifierSnapshot[];
  /** `qty × (unitPrice + modifier deltas)`; 0 for a voided line. */
  lineTotal: number;
  taxRateId: string;
  station: string;
  note: string;
  seat: number | null;
  course: number | null;
  /** The line's void, or its voided order's: who, when and why. */
  void: LineVoid | null;
  /** Units sent to the kitchen. */
  sent: number;
  /** Units not yet sent (0 for a voided line). */
  unsent: number;
  /** Units sent beyond what the line holds (0 if none). */
  overFired: number;
  addedBy: string;
  addedAt: number;
}

export interface ClaimView {
  id: ClaimId;
  device: string;
  docNo: string;
  total: number;
  at: number;
  /** The credit note that cancelled it, if one did. */
  credited: ClaimCredit | null;
}

/** An order with its lines and totals. */
export interface OrderView {
  id: OrderId;
  table: string;
  guests: number;
  status: OrderStatus;
  /** For a merged order: the order now holding its lines. */
  mergedInto: OrderId | null;
  /** The orders merged into this one. */
  merged: OrderId[];
  /** Who voided the whole order, when and why; null if it was not. */
  void: OrderVoid | null;
  openedBy: string;
  openedAt: number;
  lines: LineView[];
  discount: Adjustment | null;
  serviceCharge: Adjustment | null;
  currency: Currency;
  totals: Totals;
  claims: ClaimView[];
}

const noCurrency: Currency = { code: 'XXX', exponent: 2 };

/** Claims on an order that no credit note has cancelled. */
export function liveClaims(day: DaySnapshot, id: OrderId): Claim[] {
  const live: Claim[] = [];
  for (const claimId of day.index.claimsByOrder.get(id) ?? []) {
    const claim = day.claims.get(claimId);
    if (claim && !claim.credited) live.push(claim);
  }
  return live.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/**
 * The status of one order record: settled while it has a claim no credit
 * note cancelled; an order whose every claim was credited is open again,
 * or voided if it was voided (a void is final, so a void that raced a
 * settlement shows once the settlement is credited).
 */
export function statusOf(day: DaySnapshot, order: Order): OrderStatus {
  if (liveClaims(day, order.id).length > 0) return 'settled';
  if (order.void) return 'voided';
  if (rootOf(day, order.id) !== order.id) return 'merged';
  if (order.carriedTo) return 'carried';
  return 'open';
}

/**
 * An order with its lines and totals; undefined for an unknown id. A merged
 * order shows no lines; they are on the order named by `mergedInto`.
 */
export function orderView(
  day: DaySnapshot,
  id: OrderId,
): OrderView | undefined {
  const order = day.orders.get(id);
  if (!order) return undefined;
  const status = statusOf(day, order);
  const root = rootOf(day, id);
  const lines =
    root === id ? linesOf(day, id).map((l) => lineView(day, l)) : [];
  const live = lines.filter((l) => !l.void && l.qty > 0);
  const pricing = day.pricing;
  const totals = computeTotals({
    lines: live.map((l) => ({
      amount: l.lineTotal,
      tax: { ...day.lines.get(l.id)!.tax, name: taxName(day, l.taxRateId) },
    })),
    discount: order.discount,
    serviceCharge: order.serviceCharge,
    serviceChargeTax: pricing?.serviceChargeTax ?? null,
    rounding: pricing?.taxRounding ?? 'per-invoice',
  });
  return {
    id,
    table: order.table,
    guests: order.guests,
    status,
    mergedInto: root === id ? null : root,
    merged: membersOf(day, id).filter((m) => m !== id),
    void: order.void,
    openedBy: order.openedBy,
    openedAt: order.openedAt,
    lines,
    discount: order.discount,
    serviceCharge: order.serviceCharge,
    currency: pricing?.currency ?? noCurrency,
    totals,
    claims: claimsOf(day, id),
  };
}

function taxName(day: DaySnapshot, rateId: string): string {
  return day.pricing?.taxNames[rateId] ?? rateId;
}

function lineView(day: DaySnapshot, line: Line): LineView {
  const qty = qtyOf(line);
  const sent = firedOf(day, line);
  const lineVoid = lineVoidOf(day, line);
  const voided = lineVoid !== null;
  return {
    id: line.id,
    orderId: line.orderId,
    itemId: line.itemId,
    name: line.name,
    qty,
    unitPrice: line.unitPrice,
    modifiers: line.modifiers,
    lineTotal: voided ? 0 : qty * unitTotal(line),
    taxRateId: line.tax.id,
    station: line.station,
    note: line.note,
    seat: line.seat,
    course: line.course,
    void: lineVoid,
    sent,
    unsent: voided ? 0 : Math.max(0, qty - sent),
    overFired: voided ? 0 : Math.max(0, sent - qty),
    addedBy: line.addedBy,
    addedAt: line.addedAt,
  };
}

function claimsOf(day: DaySnapshot, id: OrderId): ClaimView[] {
  const claims: Claim[] = [];
  for (const claimId of day.index.claimsByOrder.get(id) ?? []) {
    const claim = day.claims.get(claimId);
    if (claim) claims.push(claim);
  }
  return claims
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map(({ id: claimId, device, docNo, total, at, credited }) => ({
      id: claimId,
      device,
      docNo,
      total,
      at,
      credited,
    }));
}
