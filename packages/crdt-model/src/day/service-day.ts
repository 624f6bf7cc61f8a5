import { Listeners } from '../engine/buffered-writer.ts';
import type { Engine, EngineWriter, JsonObject } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import {
  type ClaimId,
  checkDate,
  type DeviceId,
  deviceId,
  type LineId,
  type OrderId,
  randomId,
  type TicketId,
} from '../ids.ts';
import type { Menu } from '../menu/menu.ts';
import type { Adjustment } from '../money/totals.ts';
import { type Conflict, conflicts } from '../views/conflicts.ts';
import { type InvoiceSnapshot, invoiceOf } from '../views/invoice.ts';
import { kdsQueues, type StationQueue } from '../views/kds.ts';
import { type OpenTable, openTables } from '../views/open-tables.ts';
import { type OrderView, orderView } from '../views/order-view.ts';
import { carryOrders } from './carry.ts';
import * as check from './checks.ts';
import { type DayContext, orderOf, writableOrder } from './context.ts';
import { type DaySnapshot, DayState } from './day-state.ts';
import * as kitchen from './kitchen.ts';
import * as lines from './lines.ts';
import { pricingFields } from './menu-lookup.ts';
import { voidOrder } from './order-void.ts';
import {
  ORDER,
  orderFields,
  PRICING_ID,
  T,
  type TicketStatus,
} from './records.ts';
import * as settlement from './settlement.ts';

export type { AddLineInput } from './lines.ts';
export type { ClaimInput } from './settlement.ts';

export interface ServiceDayOptions {
  /** This device: the writer of every change and its counter key. */
  device: string;
  /** The menu that prices new lines: a menu, or a function reading the current one. */
  menu: Menu | (() => Menu);
  /** The business date `YYYY-MM-DD`; needed only to carry orders over. */
  date?: string;
  /** Clock for `openedAt`, `sentAt`, ...; default `Date.now`. */
  now?: () => number;
  /** Id generator for new records; default {@link randomId}. */
  newId?: () => string;
}

/** What one change (local or received) touched. */
export interface DayChange {
  orders: OrderId[];
  lines: LineId[];
  tickets: TicketId[];
  claims: ClaimId[];
  /** True for a change made on this device through this object. */
  local: boolean;
}

/**
 * One business day of one branch (`<branch>/day/<YYYY-MM-DD>`): orders,
 * lines, kitchen tickets and settlement claims, on any {@link Engine}.
 * Operations check their input and the current state first and then write
 * in one transaction; a refused operation throws a `ModelError` and writes
 * nothing. Views are computed from the merged state, so every replica that
 * has the same changes shows the same thing.
 *
 * @example
 * const day = new ServiceDay(yjsEngine(doc), { device: 'till-1', menu: demoMenu });
 * const order = day.openOrder({ table: '12', guests: 2 });
 * day.addLine({ orderId: order, itemId: 'burger', modifiers: ['medium'] });
 * day.sendToKitchen({ orderId: order });
 * day.order(order)?.totals.total; // 1650
 */
export class ServiceDay {
  readonly engine: Engine;
  readonly device: DeviceId;
  readonly date: string | undefined;
  #menu: () => Menu;
  #now: () => number;
  #newId: () => string;
  #state: DayState;
  #listeners = new Listeners<DayChange>();
  #unsubscribe: () => void;
  #ctx: DayContext;

  constructor(engine: Engine, options: ServiceDayOptions) {
    this.engine = engine;
    this.device = deviceId(options.device);
    this.date =
      options.date === undefined ? undefined : checkDate(options.date);
    const menu = options.menu;
    this.#menu = typeof menu === 'function' ? menu : () => menu;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomId;
    this.#state = new DayState(engine);
    this.#ctx = {
      state: this.#state,
      device: this.device,
      now: this.#now,
      newId: this.#newId,
      menu: this.#menu,
      write: (build) => this.#write(build),
      ensurePricing: (tx) => this.#ensurePricing(tx),
    };
    this.#unsubscribe = engine.onChange((change) => {
      this.#state.apply(change);
      if (this.#listeners.size === 0) return;
      const ids = (table: string) => [...(change.tables.get(table) ?? [])];
      this.#listeners.emit({
        orders: ids(T.orders) as OrderId[],
        lines: ids(T.lines) as LineId[],
        tickets: ids(T.tickets) as TicketId[],
        claims: ids(T.claims) as ClaimId[],
        local: change.local,
      });
    });
  }

  /** Stops following the engine; the document is left as it is. */
  close(): void {
    this.#unsubscribe();
  }

  // Orders ---------------------------------------------------------------

  /** Opens an order at a table and returns its id. */
  openOrder(input: { table: string; guests?: number }): OrderId {
    const table = check.nonEmpty(input.table, 'table', 50);
    const guests = check.count(input.guests ?? 1, 'guests', 999);
    const id = this.#newId() as OrderId;
    this.#write((tx) => {
      this.#ensurePricing(tx);
      tx.create(
        T.orders,
        id,
        orderFields({
          table,
          guests,
          openedBy: this.device,
          openedAt: this.#now(),
          discount: null,
          serviceCharge: null,
          mergedInto: null,
          carriedTo: null,
          carriedFrom: null,
        }),
      );
    });
    return id;
  }

  /** Moves an order (with its lines) to another table. */
  transferOrder(input: { orderId: OrderId; table: string }): void {
    const table = check.nonEmpty(input.table, 'table', 50);
    writableOrder(this.#state, input.orderId);
    this.#write((tx) => tx.set(T.orders, input.orderId, ORDER.table, table));
  }

  /** Changes the number of guests on an order. */
  setGuests(input: { orderId: OrderId; guests: number }): void {
    const guests = check.count(input.guests, 'guests', 999);
    writableOrder(this.#state, input.orderId);
    this.#write((tx) => tx.set(T.orders, input.orderId, ORDER.guests, guests));
  }

  /**
   * Merges order `from` into `into`: `from`'s lines, including any added
   * to it later by a device that has not seen the merge, show on `into`.
   */
  mergeOrders(input: { from: OrderId; into: OrderId }): void {
    writableOrder(this.#state, input.from);
    writableOrder(this.#state, input.into);
    if (input.from === input.into) {
      throw new ModelError(
        'invalid-argument',
        'cannot merge an order into itself',
      );
    }
    this.#write((tx) =>
      tx.set(T.orders, input.from, ORDER.mergedInto, input.into),
    );
  }

  /** Sets or clears (null) the order discount. */
  setDiscount(input: { orderId: OrderId; discount: Adjustment | null }): void {
    const discount = check.adjustment(input.discount, 'discount');
    writableOrder(this.#state, input.orderId);
    this.#write((tx) =>
      tx.set(
        T.orders,
        input.orderId,
        ORDER.discount,
        discount as JsonObject | null,
      ),
    );
  }

  /** Sets or clears (null) the order's service charge. */
  setServiceCharge(input: {
    orderId: OrderId;
    serviceCharge: Adjustment | null;
  }): void {
    const charge = check.adjustment(input.serviceCharge, 'serviceCharge');
    writableOrder(this.#state, input.orderId);
    this.#write((tx) =>
      tx.set(
        T.orders,
        input.orderId,
        ORDER.serviceCharge,
        charge as JsonObject | null,
      ),
    );
  }

  /**
   * Voids an open order for good, recording who, when and why on the
   * order and on each of its lines; returns the lines voided. A settled,
   * merged, carried or voided order is refused.
   */
  voidOrder(input: {
    orderId: OrderId;
    reason: string;
    by?: string;
  }): LineId[] {
    return voidOrder(this.#ctx, input);
  }

  // Lines ------------------------------------------------------------------

  /** Adds a line priced from the menu now; later menu changes leave it alone. */
  addLine(input: lines.AddLineInput): LineId {
    return lines.addLine(this.#ctx, input);
  }

  /**
   * Adds `delta` (positive or negative) to a line's quantity. Two devices
   * adding +1 at once give +2. Refused if the line would go below zero.
   */
  changeQuantity(input: { lineId: LineId; delta: number }): void {
    lines.changeQuantity(this.#ctx, input);
  }

  /** Voids a line for good, recording who, when and why. */
  voidLine(input: { lineId: LineId; reason: string; by?: string }): void {
    lines.voidLine(this.#ctx, input);
  }

  /** Moves a line to another order (another table or a separate bill). */
  moveLine(input: { lineId: LineId; toOrderId: OrderId }): void {
    lines.moveLine(this.#ctx, input);
  }

  /**
   * Splits `qty` units off a line into a new line (on `toOrderId`, default
   * the same order) and returns the new line's id. Units already sent to
   * the kitchen go with the new line first, so nothing is fired twice.
   */
  splitLine(input: {
    lineId: LineId;
    qty: number;
    toOrderId?: OrderId;
  }): LineId {
    return lines.splitLine(this.#ctx, input);
  }

  // Kitchen ----------------------------------------------------------------

  /**
   * Sends the order's unsent units (of one course, if given) to the
   * kitchen: one ticket per station. Returns the new tickets' ids.
   */
  sendToKitchen(input: { orderId: OrderId; course?: number }): TicketId[] {
    return kitchen.sendToKitchen(this.#ctx, input);
  }

  /** Moves a ticket forward (cooking, ready, served); never backwards. */
  advanceTicket(input: { ticketId: TicketId; status: TicketStatus }): void {
    kitchen.advanceTicket(this.#ctx, input);
  }

  /** Brings a ticket back to the screen as new, in a new epoch. */
  recallTicket(input: { ticketId: TicketId }): void {
    kitchen.recallTicket(this.#ctx, input);
  }

  // Settlement -------------------------------------------------------------

  /**
   * Records that a device settled the order under a fiscal document number.
   * The claim id follows from (device, docNo), so recording the same claim
   * twice is harmless. A second, different claim on the order is refused
   * (`order-settled`) unless `journaled`; then it shows in `conflicts()`.
   */
  claimSettlement(input: settlement.ClaimInput): ClaimId {
    return settlement.claimSettlement(this.#ctx, input);
  }

  /**
   * Records that a credit note cancelled a settlement claim, resolving the
   * conflicts it caused; an order whose claims are all credited is open
   * again and can be settled anew. Crediting a claim twice keeps the first
   * credit note.
   */
  creditClaim(input: {
    claimId: ClaimId;
    creditDocNo: string | number;
    device?: string;
  }): void {
    settlement.creditClaim(this.#ctx, input);
  }

  // Business day -----------------------------------------------------------

  /**
   * Copies every open order (with its lines and unserved tickets) into the
   * next business day's document, under the same ids, and marks it carried
   * here. Orders already in `next` are not copied again, so two tills
   * carrying at once converge. Returns the ids carried.
   */
  carryOver(next: ServiceDay): OrderId[] {
    if (!this.date || !next.date || next.date <= this.date) {
      throw new ModelError(
        'invalid-argument',
        'carry over needs both business dates, the next one later',
      );
    }
    return carryOrders(this, this.#state, next);
  }

  // Views ------------------------------------------------------------------

  /** A frozen copy of the whole day, for the pure view functions. */
  snapshot(): DaySnapshot {
    return this.#state.snapshot();
  }

  /** An order with its lines and totals. */
  order(id: OrderId): OrderView | undefined {
    return orderView(this.#state, id);
  }

  /** Tables with open orders. */
  openTables(): OpenTable[] {
    return openTables(this.#state);
  }

  /** Per-station queues of open tickets with all-day counts. */
  kdsQueues(): StationQueue[] {
    return kdsQueues(this.#state);
  }

  /** Double settlements, edits after settlement, over-fires, races. */
  conflicts(): Conflict[] {
    return conflicts(this.#state);
  }

  /** The invoice of an order: every amount an integer of minor units. */
  invoiceSnapshot(orderId: OrderId): InvoiceSnapshot {
    const invoice = invoiceOf(this.#state, orderOf(this.#state, orderId).id);
    return invoice!;
  }

  /**
   * Calls `listener` after every change, local or received, once the views
   * reflect it. Returns the function that unsubscribes.
   */
  onChange(listener: (change: DayChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  // Internals --------------------------------------------------------------

  /** @internal Writes in one transaction as this device. */
  write(build: (tx: EngineWriter) => void): void {
    this.#write(build);
  }

  #write(build: (tx: EngineWriter) => void): void {
    this.engine.transact(this.device, build);
  }

  /** @internal Writes the pricing rules from the menu if none are stored. */
  ensurePricing(tx: EngineWriter): void {
    this.#ensurePricing(tx);
  }

  #ensurePricing(tx: EngineWriter): void {
    if (this.#state.pricing) return;
    tx.create(T.settings, PRICING_ID, pricingFields(this.#menu()));
  }
}
