/**
 * The till's operations on its documents and store, one method per API
 * action. Each checks first and writes once; a refusal writes nothing.
 * Fiscal operations (settle, credit, reprint, Z) are in {@link Fiscal}.
 */
import {
  fireTickets,
  type LineId,
  type Menu,
  type OrderId,
  type TicketId,
  type TicketStatus,
} from '@brigade/crdt-model';
import type { Store } from '@brigade/store';
import { translated } from '../api/model-errors.ts';
import { conflict, notFound } from '../http/api-error.ts';
import type { TillDocuments } from './documents.ts';
import { invoiceLines } from './invoice.ts';
import {
  type ApiOrder,
  apiOrder,
  type TicketView,
  ticketView,
} from './order-views.ts';

export interface AddLineRequest {
  itemId: string;
  qty?: number;
  modifiers?: string[];
  note?: string;
  seat?: number;
  course?: number;
}

/** What voiding a whole order journalled. */
export interface OrderVoidResult {
  id: string;
  /** The `order-void` entry's place in the chain. */
  seq: number;
  hash: string;
  /** The lines voided (those not voided before). */
  lines: string[];
  /** The value voided: the order's total just before, minor units. */
  total: number;
}

export class TillCore {
  readonly docs: TillDocuments;
  #store: Store;
  #onJournal: () => void;

  constructor(store: Store, docs: TillDocuments, onJournal: () => void) {
    this.#store = store;
    this.docs = docs;
    this.#onJournal = onJournal;
  }

  get #day() {
    return this.docs.day;
  }

  menu(): Menu {
    return translated(() => this.docs.saleMenu());
  }

  openOrder(table: string, guests?: number): OrderId {
    this.docs.currentMenu();
    return translated(() =>
      this.#day.openOrder(guests === undefined ? { table } : { table, guests }),
    );
  }

  /** Orders of the day, optionally only those with one status. */
  orders(status?: string): ApiOrder[] {
    const day = this.#day.snapshot();
    const conflicts = this.conflicts();
    const orders: ApiOrder[] = [];
    for (const id of day.orders.keys()) {
      const view = this.#day.order(id);
      if (!view || (status !== undefined && view.status !== status)) continue;
      orders.push(apiOrder(day, view, conflicts));
    }
    return orders.sort(
      (a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1),
    );
  }

  order(id: string): ApiOrder {
    const view = this.#day.order(id as OrderId);
    if (!view) throw notFound('unknown-order', `no order ${id}`);
    return apiOrder(this.#day.snapshot(), view, this.conflicts());
  }

  addLine(orderId: string, line: AddLineRequest): LineId {
    return translated(() =>
      this.#day.addLine({ orderId: orderId as OrderId, ...line }),
    );
  }

  changeQuantity(lineId: string, delta: number): void {
    translated(() =>
      this.#day.changeQuantity({ lineId: lineId as LineId, delta }),
    );
  }

  /**
   * Voids a line and journals the void, in one database transaction: if
   * the model refuses, the journal entry is rolled back with it.
   */
  voidLine(lineId: string, reason: string, user: string): void {
    const line = this.#day.snapshot().lines.get(lineId as LineId);
    if (!line) throw notFound('unknown-line', `no line ${lineId}`);
    const value = this.#day
      .order(line.orderId)
      ?.lines.find((l) => l.id === lineId)?.lineTotal;
    translated(() =>
      this.#store.database.transaction(() => {
        this.#store.record({
          kind: 'line-void',
          user,
          businessDate: this.docs.businessDate,
          orderId: line.orderId,
          lineId,
          reason,
          amount: value ?? 0,
        });
        this.#day.voidLine({ lineId: lineId as LineId, reason, by: user });
      })(),
    );
    this.#onJournal();
  }

  /**
   * Voids a whole open order and journals an `order-void` with the lines
   * and totals voided, in one database transaction: both or neither.
   */
  voidOrder(orderId: string, reason: string, user: string): OrderVoidResult {
    const view = this.#day.order(orderId as OrderId);
    if (!view) throw notFound('unknown-order', `no order ${orderId}`);
    if (view.status !== 'open') {
      throw conflict(
        `order-${view.status}`,
        `order ${orderId} is ${view.status}; only an open order can be voided`,
      );
    }
    const invoice = translated(() => this.#day.invoiceSnapshot(view.id));
    const { subtotal, discount, serviceCharge, tax, total } = view.totals;
    const [entry, lines] = translated(() =>
      this.#store.database.transaction(() => {
        const journalled = this.#store.record({
          kind: 'order-void',
          user,
          businessDate: this.docs.businessDate,
          orderId: view.id,
          lineId: null,
          reason,
          amount: total,
          lines: invoiceLines(invoice),
          totals: { subtotal, discount, serviceCharge, tax, total },
          table: view.table,
        });
        const voided = this.#day.voidOrder({
          orderId: view.id,
          reason,
          by: user,
        });
        return [journalled, voided] as const;
      })(),
    );
    this.#onJournal();
    return { id: view.id, seq: entry.seq, hash: entry.hash, lines, total };
  }

  moveLine(lineId: string, orderId: string): void {
    translated(() =>
      this.#day.moveLine({
        lineId: lineId as LineId,
        toOrderId: orderId as OrderId,
      }),
    );
  }

  sendToKitchen(orderId: string, course?: number): TicketView[] {
    const ids = translated(() =>
      this.#day.sendToKitchen(
        course === undefined
          ? { orderId: orderId as OrderId }
          : { orderId: orderId as OrderId, course },
      ),
    );
    // Stock is used when units are fired, so a line voided unsent never was.
    fireTickets(this.docs.inventory, this.#day, ids);
    return ids.map((id) => this.ticket(id));
  }

  setTicketStatus(ticketId: string, status: TicketStatus): TicketView {
    translated(() =>
      this.#day.advanceTicket({ ticketId: ticketId as TicketId, status }),
    );
    return this.ticket(ticketId);
  }

  recallTicket(ticketId: string): TicketView {
    translated(() =>
      this.#day.recallTicket({ ticketId: ticketId as TicketId }),
    );
    return this.ticket(ticketId);
  }

  ticket(id: string): TicketView {
    const day = this.#day.snapshot();
    const ticket = day.tickets.get(id as TicketId);
    if (!ticket) throw notFound('unknown-ticket', `no ticket ${id}`);
    return ticketView(day, ticket);
  }

  /** Conflicts of the day that no credit note has resolved. */
  conflicts() {
    return this.#day.conflicts();
  }
}
