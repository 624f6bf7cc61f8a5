/**
 * What each kind of journal entry carries in its `payload`. These are the
 * shapes the relay's sales report reads, so they stay plain: every amount
 * is an integer in minor units (halalas, paisa, pence), every tax rate is
 * an integer in basis points (1500 = 15 %), every quantity an integer.
 *
 * The entry's own `total` and `tax` repeat the payload's `total` and
 * `tax` for the kinds that have them, so reports can sum entries without
 * opening payloads.
 */

/** A modifier chosen on a line ("no onions", "large"), price per unit. */
export type LineModifier = {
  id: string;
  name: string;
  /** Added to the unit price, minor units; may be 0. */
  price: number;
};

/** One line of an invoice, as priced when it was added to the order. */
export type InvoiceLine = {
  /** The order line's id in the day document. */
  lineId: string;
  /** The menu item's id. */
  itemId: string;
  /** The item's name as printed. */
  name: string;
  /** Units sold, an integer above 0. */
  qty: number;
  /** Price of one unit before modifiers, minor units. */
  unitPrice: number;
  modifiers: LineModifier[];
  /** `qty * (unitPrice + sum of modifier prices)`, minor units. */
  lineTotal: number;
  /** Tax rate of the line, basis points. */
  taxRate: number;
};

/** Tax of the invoice for one rate. */
export type TaxByRate = {
  /** Basis points. */
  rate: number;
  /** Amount the tax is computed on (net of tax), minor units. */
  base: number;
  /** Tax at this rate, minor units. */
  tax: number;
};

/** One payment of an invoice. */
export type Payment = {
  /** `cash`, `card`, ... as the till names its methods. */
  method: string;
  /** Minor units. */
  amount: number;
};

/** Who sold: what the ZATCA QR code and the printed receipt show. */
export type Seller = {
  name: string;
  /** VAT registration number; empty where there is none. */
  vatNumber: string;
};

/**
 * The full invoice snapshot of a settled order: payload of `sale` and
 * `training-sale` entries (a training sale is journalled but excluded
 * from every total and never reported to a tax authority).
 */
export type SalePayload = {
  branch: string;
  /** The settled order's id in the day document. */
  orderId: string;
  /** Table or tab label, or null for a counter sale. */
  table: string | null;
  /** ISO 4217 code, e.g. `SAR`. */
  currency: string;
  /** Whether line prices include tax. */
  taxInclusive: boolean;
  seller: Seller;
  lines: InvoiceLine[];
  taxes: TaxByRate[];
  payments: Payment[];
  /** Amount due, tax included, minor units; equals the entry's total. */
  total: number;
  /** Sum of `taxes[].tax`; equals the entry's tax. */
  tax: number;
};

/** Which earlier entry a credit note or reprint refers to. */
export type EntryRef = {
  device: string;
  seq: number;
  docNo: string;
};

/**
 * Payload of a `credit-note`: a correction of an earlier sale, never
 * more than what is left of it. Lines, taxes and payments describe what
 * is given back, with positive amounts.
 */
export type CreditNotePayload = Omit<SalePayload, 'orderId' | 'table'> & {
  orderId: string;
  original: EntryRef;
  reason: string;
};

/** Payload of a `reprint`: a copy of an invoice or note, marked so. */
export type ReprintPayload = {
  original: EntryRef;
  /** 1 for the first reprint of that document, then 2, ... */
  copy: number;
  mark: 'DUPLICATE';
};

/** Payload of `line-void` and `order-void`; the entry's total is the value voided. */
export type VoidPayload = {
  orderId: string;
  /** The voided line for a `line-void`, null for an `order-void`. */
  lineId: string | null;
  reason: string;
  /** `order-void`: the lines voided, as priced on the order. */
  lines?: InvoiceLine[];
  /** `order-void`: the order's totals when it was voided. */
  totals?: VoidTotals;
  /** `order-void`: the order's table. */
  table?: string;
};

/** What a voided order came to; `total` is the entry's total. */
export type VoidTotals = {
  subtotal: number;
  discount: number;
  serviceCharge: number;
  /** Tax within `total`, minor units. */
  tax: number;
  total: number;
};

/** Payload of `drawer-open` ("no sale"), `cash-in` and `cash-out`. */
export type DrawerPayload = {
  reason: string;
};

/** Payload of a `clock-change`: the wall clock was found behind the journal. */
export type ClockChangePayload = {
  /** What the wall clock said, ISO 8601 UTC. */
  observed: string;
  /** Timestamp of the entry before, which this entry's `ts` repeats. */
  journal: string;
};

/** Payload of `offline` and `online` transitions. */
export type ConnectivityPayload = {
  /** What changed, e.g. `relay unreachable`. */
  reason: string;
  /**
   * The till's sync state before (`online`, `syncing`, `lan-only`,
   * `offline`), or null when none was journalled; absent in entries
   * written without it.
   */
  from?: string | null;
  /** The till's sync state after. */
  to?: string;
};

/** Counts and sums of one period, split the ways a Z report prints them. */
export type ClosingTally = {
  /** Entries of each kind in the period, the closing itself excluded. */
  counts: Record<string, number>;
  /** Sum of `total` of each kind in the period. */
  sums: Record<string, number>;
  /** Sales tax by rate (key: basis points as decimal text). */
  salesTax: Record<string, { base: number; tax: number }>;
  /** Credit-note tax by rate (key: basis points as decimal text). */
  creditTax: Record<string, { base: number; tax: number }>;
  /** Sales received by payment method. */
  salesPayments: Record<string, number>;
  /** Credit notes paid back by payment method. */
  creditPayments: Record<string, number>;
};

/**
 * Payload of a daily `z-closing`. It covers every entry after the
 * previous closing (`fromSeq`) up to the entry before it (`toSeq`), and
 * records that entry's hash so a printed Z report anchors the chain.
 */
export type ZClosingPayload = ClosingTally & {
  /** The closing's own gapless number, from 1. */
  zNo: number;
  fromSeq: number;
  toSeq: number;
  /** Hash of entry `toSeq` (the genesis hash when the period is empty). */
  lastHash: string;
  /** Perpetual totals at `toSeq`; equal to the closing's own `running`. */
  perpetual: { sales: number; credits: number; net: number };
};
