import { Listeners } from '../engine/buffered-writer.ts';
import type { Engine, EngineWriter, JsonObject } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import { hash53 } from '../hash.ts';
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
import {
  type InvoiceSnapshot,
  invoiceDigest,
  invoiceOf,
} from '../views/invoice.ts';
import { kdsQueues, type StationQueue, ticketState } from '../views/kds.ts';
import { type OpenTable, openTables } from '../views/open-tables.ts';
import { firedOf, linesOf, qtyOf, rootOf } from '../views/order-lines.ts';
import { type OrderView, orderView, statusOf } from '../views/order-view.ts';
import { carryOrders } from './carry.ts';
import * as check from './checks.ts';
import { type DaySnapshot, DayState } from './day-state.ts';
import { pricingFields, snapshotLine } from './menu-lookup.ts';
import {
  CLAIM,
  claimFields,
  LINE,
  type Line,
  lineFields,
  ORDER,
  orderFields,
  PRICING_ID,
  STATUS_RANK,
  T,
  TICKET,
  type TicketItem,
  type TicketStatus,
  ticketFields,
} from './records.ts';

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

export interface AddLineInput {
  orderId: OrderId;
  itemId: string;
  /** Default 1. */
  qty?: number;
  /** Modifier option ids from the item's modifier groups. */
  modifiers?: string[];
  note?: string;
  seat?: number | null;
  course?: number | null;
}

export interface ClaimInput {
  orderId: OrderId;
  /** Fiscal document number of the settlement on its device. */
  docNo: string | number;
  /** The total settled, in minor units. */
  total: number;
  /** The settling device; default this day's device. */
  device?: string;
  /** The invoice journaled; default the order's invoice right now. */
  invoice?: InvoiceSnapshot;
  /**
   * True when the settlement is already in the fiscal journal (start-up
   * reconciliation): the claim is written whatever the order's state, so a
   * clash shows as a conflict instead of being lost.
   */
  journaled?: boolean;
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
    this.#writableOrder(input.orderId);
    this.#write((tx) => tx.set(T.orders, input.orderId, ORDER.table, table));
  }

  /** Changes the number of guests on an order. */
  setGuests(input: { orderId: OrderId; guests: number }): void {
    const guests = check.count(input.guests, 'guests', 999);
    this.#writableOrder(input.orderId);
    this.#write((tx) => tx.set(T.orders, input.orderId, ORDER.guests, guests));
  }

  /**
   * Merges order `from` into `into`: `from`'s lines, including any added
   * to it later by a device that has not seen the merge, show on `into`.
   */
  mergeOrders(input: { from: OrderId; into: OrderId }): void {
    this.#writableOrder(input.from);
    this.#writableOrder(input.into);
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
    this.#writableOrder(input.orderId);
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
    this.#writableOrder(input.orderId);
    this.#write((tx) =>
      tx.set(
        T.orders,
        input.orderId,
        ORDER.serviceCharge,
        charge as JsonObject | null,
      ),
    );
  }

  // Lines ------------------------------------------------------------------

  /** Adds a line priced from the menu now; later menu changes leave it alone. */
  addLine(input: AddLineInput): LineId {
    const qty = check.quantity(input.qty ?? 1);
    const note = check.text(input.note ?? '', 'note', 500);
    const seat = check.optionalCount(input.seat, 'seat', 999);
    const course = check.optionalCount(input.course, 'course', 99);
    this.#writableOrder(input.orderId);
    const snapshot = snapshotLine(
      this.#menu(),
      input.itemId,
      input.modifiers ?? [],
    );
    const id = this.#newId() as LineId;
    this.#write((tx) => {
      this.#ensurePricing(tx);
      tx.create(
        T.lines,
        id,
        lineFields({
          ...snapshot,
          orderId: input.orderId,
          note,
          seat,
          course,
          qty,
          addedBy: this.device,
          addedAt: this.#now(),
          firedOffset: 0,
        }),
      );
    });
    return id;
  }

  /**
   * Adds `delta` (positive or negative) to a line's quantity. Two devices
   * adding +1 at once give +2. Refused if the line would go below zero.
   */
  changeQuantity(input: { lineId: LineId; delta: number }): void {
    const delta = check.delta(input.delta);
    const line = this.#editableLine(input.lineId);
    if (line.rawQty + delta < 0) {
      throw new ModelError(
        'quantity-below-zero',
        `line ${line.id} holds ${line.rawQty}; cannot change it by ${delta}`,
      );
    }
    this.#write((tx) => tx.add(T.lines, line.id, LINE.qty, delta));
  }

  /** Voids a line for good, recording who, when and why. */
  voidLine(input: { lineId: LineId; reason: string; by?: string }): void {
    const reason = check.nonEmpty(input.reason, 'reason', 200);
    const by = check.nonEmpty(input.by ?? this.device, 'by', 100);
    const line = this.#editableLine(input.lineId);
    this.#write((tx) =>
      tx.set(T.lines, line.id, LINE.void, { by, at: this.#now(), reason }),
    );
  }

  /** Moves a line to another order (another table or a separate bill). */
  moveLine(input: { lineId: LineId; toOrderId: OrderId }): void {
    const line = this.#editableLine(input.lineId);
    this.#writableOrder(input.toOrderId);
    if (line.orderId === input.toOrderId) return;
    this.#write((tx) =>
      tx.set(T.lines, line.id, LINE.orderId, input.toOrderId),
    );
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
    const qty = check.quantity(input.qty);
    const line = this.#editableLine(input.lineId);
    const toOrderId = input.toOrderId ?? line.orderId;
    this.#writableOrder(toOrderId);
    if (qty >= line.rawQty) {
      throw new ModelError(
        'invalid-quantity',
        `a split takes fewer than the line's ${line.rawQty} units; move the line instead`,
      );
    }
    const sentWith = Math.min(qty, Math.max(0, firedOf(this.#state, line)));
    const id = this.#newId() as LineId;
    this.#write((tx) => {
      tx.create(
        T.lines,
        id,
        lineFields({
          ...line,
          orderId: toOrderId,
          qty,
          addedBy: this.device,
          addedAt: this.#now(),
          firedOffset: sentWith,
        }),
      );
      tx.add(T.lines, line.id, LINE.qty, -qty);
      tx.add(T.lines, line.id, LINE.firedOffset, -sentWith);
    });
    return id;
  }

  // Kitchen ----------------------------------------------------------------

  /**
   * Sends the order's unsent units (of one course, if given) to the
   * kitchen: one ticket per station. Returns the new tickets' ids.
   */
  sendToKitchen(input: { orderId: OrderId; course?: number }): TicketId[] {
    const order = this.#writableOrder(input.orderId);
    const byStation = new Map<string, TicketItem[]>();
    for (const line of linesOf(this.#state, order.id)) {
      if (
        line.void ||
        (input.course !== undefined && line.course !== input.course)
      ) {
        continue;
      }
      const unsent = qtyOf(line) - firedOf(this.#state, line);
      if (unsent <= 0) continue;
      const items = byStation.get(line.station) ?? [];
      items.push({ lineId: line.id, qty: unsent });
      byStation.set(line.station, items);
    }
    if (byStation.size === 0) {
      throw new ModelError(
        'nothing-to-send',
        `order ${order.id} has nothing unsent`,
      );
    }
    const ids: TicketId[] = [];
    const sentAt = this.#now();
    this.#write((tx) => {
      for (const station of [...byStation.keys()].sort()) {
        const id = this.#newId() as TicketId;
        ids.push(id);
        tx.create(
          T.tickets,
          id,
          ticketFields({
            orderId: order.id,
            table: order.table,
            station,
            items: byStation.get(station)!,
            sentBy: this.device,
            sentAt,
          }),
        );
      }
    });
    return ids;
  }

  /** Moves a ticket forward (cooking, ready, served); never backwards. */
  advanceTicket(input: { ticketId: TicketId; status: TicketStatus }): void {
    const ticket = this.#ticket(input.ticketId);
    const rank = STATUS_RANK[input.status];
    if (rank === undefined) {
      throw new ModelError(
        'invalid-argument',
        `unknown status ${input.status}`,
      );
    }
    const state = ticketState(ticket);
    if (rank <= STATUS_RANK[state.status]) {
      throw new ModelError(
        'status-not-forward',
        `ticket ${ticket.id} is already ${state.status}`,
      );
    }
    this.#write((tx) =>
      tx.addToSet(
        T.tickets,
        ticket.id,
        TICKET.status,
        `${state.epoch}.${rank}`,
      ),
    );
  }

  /** Brings a ticket back to the screen as new, in a new epoch. */
  recallTicket(input: { ticketId: TicketId }): void {
    const ticket = this.#ticket(input.ticketId);
    const state = ticketState(ticket);
    if (state.status === 'new') {
      throw new ModelError(
        'not-recallable',
        `ticket ${ticket.id} is still new`,
      );
    }
    this.#write((tx) =>
      tx.addToSet(T.tickets, ticket.id, TICKET.status, `${state.epoch + 1}.0`),
    );
  }

  // Settlement -------------------------------------------------------------

  /**
   * Records that a device settled the order under a fiscal document number.
   * The claim id follows from (device, docNo), so recording the same claim
   * twice is harmless. A second, different claim on the order is refused
   * (`order-settled`) unless `journaled`; then it shows in `conflicts()`.
   */
  claimSettlement(input: ClaimInput): ClaimId {
    const device = deviceId(input.device ?? this.device);
    const docNo = check.nonEmpty(String(input.docNo), 'docNo', 100);
    const total = check.amount(input.total, 'total');
    const order = this.#order(input.orderId);
    const id = `c-${hash53(`${device}\n${docNo}`)}` as ClaimId;
    const existing = this.#state.claims.get(id);
    if (existing) return id;
    if (!input.journaled) this.#writableOrder(order.id);
    const invoice = input.invoice ?? invoiceOf(this.#state, order.id)!;
    this.#write((tx) =>
      tx.create(
        T.claims,
        id,
        claimFields({
          orderId: order.id,
          device,
          docNo,
          total,
          digest: invoiceDigest(invoice),
          at: this.#now(),
        }),
      ),
    );
    return id;
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
    const device = deviceId(input.device ?? this.device);
    const docNo = check.nonEmpty(String(input.creditDocNo), 'creditDocNo', 100);
    const claim = this.#state.claims.get(input.claimId);
    if (!claim) {
      throw new ModelError('unknown-claim', `no claim ${input.claimId}`);
    }
    if (claim.credited) return;
    this.#write((tx) =>
      tx.set(T.claims, claim.id, CLAIM.credited, {
        docNo,
        device,
        at: this.#now(),
      }),
    );
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
    const invoice = invoiceOf(this.#state, this.#order(orderId).id);
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

  #order(id: OrderId) {
    const order = this.#state.orders.get(id);
    if (!order) throw new ModelError('unknown-order', `no order ${id}`);
    return order;
  }

  #writableOrder(id: OrderId) {
    const order = this.#order(id);
    const status = statusOf(this.#state, order);
    if (status === 'open') return order;
    if (status === 'merged') {
      const root = rootOf(this.#state, id);
      throw new ModelError(
        'order-merged',
        `order ${id} was merged into ${root}`,
      );
    }
    throw new ModelError(
      status === 'settled' ? 'order-settled' : 'order-carried',
      `order ${id} is ${status}`,
    );
  }

  #editableLine(id: LineId): Line {
    const line = this.#state.lines.get(id);
    if (!line) throw new ModelError('unknown-line', `no line ${id}`);
    if (line.void) throw new ModelError('line-voided', `line ${id} is voided`);
    this.#writableOrder(rootOf(this.#state, line.orderId));
    return line;
  }

  #ticket(id: TicketId) {
    const ticket = this.#state.tickets.get(id);
    if (!ticket) throw new ModelError('unknown-ticket', `no ticket ${id}`);
    return ticket;
  }
}
