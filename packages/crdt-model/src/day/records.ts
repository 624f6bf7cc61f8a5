/**
 * The records of a service-day document and how they are stored. Each
 * record is created once with its fixed fields; the fields that change
 * later (an order's table, a line's order, a void) are set one by one, and
 * quantities are per-writer counters.
 *
 * Tables: `settings` (record `pricing`), `orders`, `lines` (with `orderId`),
 * `tickets` (with `orderId`), `claims` (with `orderId`).
 */
import type { EngineRecord, Json, JsonObject } from '../engine/engine.ts';
import type { ClaimId, DeviceId, LineId, OrderId, TicketId } from '../ids.ts';
import type { Currency } from '../menu/menu.ts';
import type { Adjustment, TaxRate, TaxRounding } from '../money/totals.ts';

export const T = {
  settings: 'settings',
  orders: 'orders',
  lines: 'lines',
  tickets: 'tickets',
  claims: 'claims',
} as const;
export const PRICING_ID = 'pricing';

/** The pricing rules of the day, copied from the menu when it opens. */
export interface Pricing {
  currency: Currency;
  taxRounding: TaxRounding;
  serviceChargeTax: TaxRate | null;
  /** Tax rate id → display name. */
  taxNames: Record<string, string>;
}

export interface Order {
  id: OrderId;
  table: string;
  guests: number;
  openedBy: string;
  openedAt: number;
  discount: Adjustment | null;
  serviceCharge: Adjustment | null;
  /** Set when merged into another order; its lines now show there. */
  mergedInto: OrderId | null;
  /** Business date this order was carried into, if it was. */
  carriedTo: string | null;
  /** Business date this order was carried from, if it was. */
  carriedFrom: string | null;
}

export interface ModifierSnapshot {
  id: string;
  name: string;
  priceDelta: number;
}

export interface LineVoid {
  by: string;
  at: number;
  reason: string;
}

export interface Line {
  id: LineId;
  orderId: OrderId;
  itemId: string;
  name: string;
  /** Minor units, snapshotted from the menu when the line was added. */
  unitPrice: number;
  modifiers: ModifierSnapshot[];
  tax: TaxRate;
  station: string;
  note: string;
  seat: number | null;
  course: number | null;
  /** Sum of every writer's contribution; may be negative after a race. */
  rawQty: number;
  addedBy: string;
  addedAt: number;
  /** Units sent to the kitchen outside this line's own tickets (split, carry). */
  firedOffset: number;
  void: LineVoid | null;
}

export interface TicketItem {
  lineId: LineId;
  qty: number;
}

export type TicketStatus = 'new' | 'cooking' | 'ready' | 'served';
export const STATUS_RANK: Record<TicketStatus, number> = {
  new: 0,
  cooking: 1,
  ready: 2,
  served: 3,
};
export const STATUSES: TicketStatus[] = ['new', 'cooking', 'ready', 'served'];

export interface Ticket {
  id: TicketId;
  orderId: OrderId;
  table: string;
  station: string;
  items: TicketItem[];
  sentBy: string;
  sentAt: number;
  /** Status marks `<epoch>.<rank>`; the status is the greatest. */
  marks: string[];
}

export interface Claim {
  id: ClaimId;
  orderId: OrderId;
  device: DeviceId;
  docNo: string;
  total: number;
  /** Fingerprint of the invoice the claim settled (see `invoiceDigest`). */
  digest: string;
  at: number;
}

const str = (v: Json | undefined, fallback = ''): string =>
  typeof v === 'string' ? v : fallback;
const num = (v: Json | undefined, fallback = 0): number =>
  typeof v === 'number' ? v : fallback;
const sum = (byWriter: Readonly<Record<string, number>> | undefined) =>
  Object.values(byWriter ?? {}).reduce((a, b) => a + b, 0);
const optional = (v: Json | undefined): string | null =>
  typeof v === 'string' ? v : null;

export function decodePricing(
  r: EngineRecord | undefined,
): Pricing | undefined {
  if (!r) return undefined;
  const f = r.fields;
  return {
    currency: f.currency as unknown as Currency,
    taxRounding: f.taxRounding === 'per-line' ? 'per-line' : 'per-invoice',
    serviceChargeTax: (f.serviceChargeTax ?? null) as TaxRate | null,
    taxNames: (f.taxNames ?? {}) as Record<string, string>,
  };
}

export function decodeOrder(r: EngineRecord): Order {
  const f = r.fields;
  return {
    id: r.id as OrderId,
    table: str(f.table),
    guests: num(f.guests),
    openedBy: str(f.openedBy),
    openedAt: num(f.openedAt),
    discount: (f.discount ?? null) as Adjustment | null,
    serviceCharge: (f.serviceCharge ?? null) as Adjustment | null,
    mergedInto: optional(f.mergedInto) as OrderId | null,
    carriedTo: optional(f.carriedTo),
    carriedFrom: optional(f.carriedFrom),
  };
}

export function decodeLine(r: EngineRecord): Line {
  const f = r.fields;
  return {
    id: r.id as LineId,
    orderId: str(f.orderId) as OrderId,
    itemId: str(f.itemId),
    name: str(f.name),
    unitPrice: num(f.unitPrice),
    modifiers: (f.modifiers ?? []) as unknown as ModifierSnapshot[],
    tax: { name: '', ...(f.tax as object) } as TaxRate,
    station: str(f.station),
    note: str(f.note),
    seat: typeof f.seat === 'number' ? f.seat : null,
    course: typeof f.course === 'number' ? f.course : null,
    rawQty: num(f.qty) + sum(r.counters.qty),
    addedBy: str(f.addedBy),
    addedAt: num(f.addedAt),
    firedOffset: num(f.firedOffset) + sum(r.counters.firedOffset),
    void: (f.void ?? null) as LineVoid | null,
  };
}

export function decodeTicket(r: EngineRecord): Ticket {
  const f = r.fields;
  const items = (f.items ?? []) as unknown as [string, number][];
  return {
    id: r.id as TicketId,
    orderId: str(f.orderId) as OrderId,
    table: str(f.table),
    station: str(f.station),
    items: items.map(([lineId, qty]) => ({ lineId: lineId as LineId, qty })),
    sentBy: str(f.sentBy),
    sentAt: num(f.sentAt),
    marks: [...(r.sets.status ?? [])],
  };
}

export function decodeClaim(r: EngineRecord): Claim {
  const f = r.fields;
  return {
    id: r.id as ClaimId,
    orderId: str(f.orderId) as OrderId,
    device: str(f.device) as DeviceId,
    docNo: str(f.docNo),
    total: num(f.total),
    digest: str(f.digest),
    at: num(f.at),
  };
}

/** The stored creation fields of a line (the inverse of `decodeLine`). */
export function lineFields(
  line: Omit<Line, 'id' | 'rawQty' | 'void'> & {
    qty: number;
  },
): JsonObject {
  const fields: JsonObject = {
    orderId: line.orderId,
    itemId: line.itemId,
    name: line.name,
    unitPrice: line.unitPrice,
    modifiers: line.modifiers.map((m) => ({ ...m })),
    tax: {
      id: line.tax.id,
      basisPoints: line.tax.basisPoints,
      inclusive: line.tax.inclusive,
    },
    station: line.station,
    qty: line.qty,
    addedBy: line.addedBy,
    addedAt: line.addedAt,
  };
  if (line.note) fields.note = line.note;
  if (line.seat !== null) fields.seat = line.seat;
  if (line.course !== null) fields.course = line.course;
  if (line.firedOffset !== 0) fields.firedOffset = line.firedOffset;
  return fields;
}
