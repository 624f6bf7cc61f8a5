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
  /** Set when the whole order was voided: final, like a line's void. */
  void: OrderVoid | null;
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

/** Who voided a whole order, when and why (the same shape as a line's). */
export type OrderVoid = LineVoid;

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
  /** Set when a credit note cancelled this settlement. */
  credited: ClaimCredit | null;
}

/** The credit note that cancelled a settlement. */
export interface ClaimCredit {
  docNo: string;
  device: string;
  at: number;
}

/**
 * Stored field names. A busy day holds tens of thousands of records, and
 * Yjs writes every field name into every record it encodes, so the names
 * are one or two letters. New fields (issue 7: stock, customers) take new
 * names here; decoders treat a missing field as its default.
 */
export const ORDER = {
  table: 't',
  guests: 'g',
  openedBy: 'by',
  openedAt: 'at',
  discount: 'd',
  serviceCharge: 'sc',
  mergedInto: 'm',
  carriedTo: 'ct',
  carriedFrom: 'cf',
  /** `{by, at, reason}` of an order void, set once. */
  void: 'v',
} as const;

export const LINE = {
  orderId: 'o',
  itemId: 'i',
  name: 'n',
  unitPrice: 'p',
  /** `[[id, name, priceDelta], ...]` */
  modifiers: 'mo',
  /** `[rateId, basisPoints, inclusive ? 1 : 0]` */
  tax: 'tx',
  station: 's',
  note: 'nt',
  seat: 'se',
  course: 'co',
  /** The creation quantity; later changes are the counter of the same name. */
  qty: 'q',
  addedBy: 'by',
  addedAt: 'at',
  /** Creation value plus the counter of the same name. */
  firedOffset: 'f',
  /** `{by, at, reason}` */
  void: 'v',
} as const;

export const TICKET = {
  orderId: 'o',
  table: 't',
  station: 's',
  /** `[[lineId, qty], ...]` */
  items: 'it',
  sentBy: 'by',
  sentAt: 'at',
  /** Grow-only set of status marks `<epoch>.<rank>`. */
  status: 'st',
} as const;

export const CLAIM = {
  orderId: 'o',
  device: 'd',
  docNo: 'n',
  total: 'tot',
  digest: 'h',
  at: 'at',
  /** `{docNo, device, at}` of the credit note, set later. */
  credited: 'cr',
} as const;

const str = (v: Json | undefined, fallback = ''): string =>
  typeof v === 'string' ? v : fallback;
const num = (v: Json | undefined, fallback = 0): number =>
  typeof v === 'number' ? v : fallback;
const sum = (byWriter: Readonly<Record<string, number>> | undefined) => {
  let total = 0;
  for (const writer in byWriter) total += byWriter[writer]!;
  return total;
};
const optional = (v: Json | undefined): string | null =>
  typeof v === 'string' ? v : null;
const optionalNumber = (v: Json | undefined): number | null =>
  typeof v === 'number' ? v : null;

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
    table: str(f[ORDER.table]),
    guests: num(f[ORDER.guests]),
    openedBy: str(f[ORDER.openedBy]),
    openedAt: num(f[ORDER.openedAt]),
    discount: (f[ORDER.discount] ?? null) as Adjustment | null,
    serviceCharge: (f[ORDER.serviceCharge] ?? null) as Adjustment | null,
    mergedInto: optional(f[ORDER.mergedInto]) as OrderId | null,
    carriedTo: optional(f[ORDER.carriedTo]),
    carriedFrom: optional(f[ORDER.carriedFrom]),
    void: (f[ORDER.void] ?? null) as OrderVoid | null,
  };
}

/** The stored creation fields of an order. */
export function orderFields(order: Omit<Order, 'id' | 'void'>): JsonObject {
  const fields: JsonObject = {
    [ORDER.table]: order.table,
    [ORDER.guests]: order.guests,
    [ORDER.openedBy]: order.openedBy,
    [ORDER.openedAt]: order.openedAt,
  };
  if (order.discount) fields[ORDER.discount] = { ...order.discount };
  if (order.serviceCharge) {
    fields[ORDER.serviceCharge] = { ...order.serviceCharge };
  }
  if (order.carriedFrom) fields[ORDER.carriedFrom] = order.carriedFrom;
  return fields;
}

export function decodeLine(r: EngineRecord): Line {
  const f = r.fields;
  // Index access rather than destructuring: a day decodes every line.
  const tax = (f[LINE.tax] ?? []) as [string, number, number];
  const modifiers = (f[LINE.modifiers] ?? []) as [string, string, number][];
  return {
    id: r.id as LineId,
    orderId: str(f[LINE.orderId]) as OrderId,
    itemId: str(f[LINE.itemId]),
    name: str(f[LINE.name]),
    unitPrice: num(f[LINE.unitPrice]),
    modifiers: modifiers.map((m) => ({
      id: m[0],
      name: m[1],
      priceDelta: m[2],
    })),
    tax: {
      id: tax[0],
      name: '',
      basisPoints: tax[1],
      inclusive: tax[2] === 1,
    },
    station: str(f[LINE.station]),
    note: str(f[LINE.note]),
    seat: optionalNumber(f[LINE.seat]),
    course: optionalNumber(f[LINE.course]),
    rawQty: num(f[LINE.qty]) + sum(r.counters[LINE.qty]),
    addedBy: str(f[LINE.addedBy]),
    addedAt: num(f[LINE.addedAt]),
    firedOffset: num(f[LINE.firedOffset]) + sum(r.counters[LINE.firedOffset]),
    void: (f[LINE.void] ?? null) as LineVoid | null,
  };
}

/** The stored creation fields of a line (the inverse of `decodeLine`). */
export function lineFields(
  line: Omit<Line, 'id' | 'rawQty' | 'void'> & { qty: number },
): JsonObject {
  const fields: JsonObject = {
    [LINE.orderId]: line.orderId,
    [LINE.itemId]: line.itemId,
    [LINE.name]: line.name,
    [LINE.unitPrice]: line.unitPrice,
    [LINE.tax]: [line.tax.id, line.tax.basisPoints, line.tax.inclusive ? 1 : 0],
    [LINE.station]: line.station,
    [LINE.qty]: line.qty,
    [LINE.addedBy]: line.addedBy,
    [LINE.addedAt]: line.addedAt,
  };
  if (line.modifiers.length > 0) {
    fields[LINE.modifiers] = line.modifiers.map((m) => [
      m.id,
      m.name,
      m.priceDelta,
    ]);
  }
  if (line.note) fields[LINE.note] = line.note;
  if (line.seat !== null) fields[LINE.seat] = line.seat;
  if (line.course !== null) fields[LINE.course] = line.course;
  if (line.firedOffset !== 0) fields[LINE.firedOffset] = line.firedOffset;
  return fields;
}

export function decodeTicket(r: EngineRecord): Ticket {
  const f = r.fields;
  const items = (f[TICKET.items] ?? []) as [string, number][];
  return {
    id: r.id as TicketId,
    orderId: str(f[TICKET.orderId]) as OrderId,
    table: str(f[TICKET.table]),
    station: str(f[TICKET.station]),
    items: items.map((item) => ({ lineId: item[0] as LineId, qty: item[1] })),
    sentBy: str(f[TICKET.sentBy]),
    sentAt: num(f[TICKET.sentAt]),
    marks: [...(r.sets[TICKET.status] ?? [])],
  };
}

/** The stored creation fields of a ticket (marks are written separately). */
export function ticketFields(ticket: Omit<Ticket, 'id' | 'marks'>): JsonObject {
  return {
    [TICKET.orderId]: ticket.orderId,
    [TICKET.table]: ticket.table,
    [TICKET.station]: ticket.station,
    [TICKET.items]: ticket.items.map((i) => [i.lineId, i.qty]),
    [TICKET.sentBy]: ticket.sentBy,
    [TICKET.sentAt]: ticket.sentAt,
  };
}

export function decodeClaim(r: EngineRecord): Claim {
  const f = r.fields;
  return {
    id: r.id as ClaimId,
    orderId: str(f[CLAIM.orderId]) as OrderId,
    device: str(f[CLAIM.device]) as DeviceId,
    docNo: str(f[CLAIM.docNo]),
    total: num(f[CLAIM.total]),
    digest: str(f[CLAIM.digest]),
    at: num(f[CLAIM.at]),
    credited: (f[CLAIM.credited] ?? null) as ClaimCredit | null,
  };
}

export function claimFields(claim: Omit<Claim, 'id' | 'credited'>): JsonObject {
  return {
    [CLAIM.orderId]: claim.orderId,
    [CLAIM.device]: claim.device,
    [CLAIM.docNo]: claim.docNo,
    [CLAIM.total]: claim.total,
    [CLAIM.digest]: claim.digest,
    [CLAIM.at]: claim.at,
  };
}
