/**
 * Customers at the till: attaching a guest to an order, and the points a
 * settlement earns. Each movement is journalled (customer id only, never
 * personal data) and written to the customer book in one database
 * transaction, so a refusal leaves neither.
 */
import {
  type LineId,
  type OrderId,
  orderRefOf,
  restockCredit,
} from '@brigade/crdt-model';
import { type Store, scrubDeleted } from '@brigade/store';
import { translated } from '../api/model-errors.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import type { TillDocuments } from './documents.ts';

/** What a settlement with a customer attached adds to its answer. */
export interface LoyaltyResult {
  customerId: string;
  earned: number;
  balance: number;
}

/** Points earned per whole unit of currency paid (1 per pound, riyal...). */
export const POINTS_PER_UNIT = 1;

export class Loyalty {
  #store: Store;
  #docs: TillDocuments;
  #onJournal: () => void;

  constructor(store: Store, docs: TillDocuments, onJournal: () => void) {
    this.#store = store;
    this.#docs = docs;
    this.#onJournal = onJournal;
  }

  /** `<branch>/<date>/<orderId>`: how the customer book names an order. */
  orderRef(orderId: string): string {
    return orderRefOf(this.#store.branch, this.#docs.businessDate, orderId);
  }

  /**
   * The customer of an order of the current day. An order carried in from
   * the day before is linked under its new date at rollover, but a link
   * made on another till that arrives after this till rolled over exists
   * only under the old date, so that one is asked too.
   */
  customerOf(orderId: string): string | undefined {
    const book = this.#docs.customers;
    const found = book.customerOfOrder(this.orderRef(orderId));
    if (found) return found;
    const order = this.#docs.day.snapshot().orders.get(orderId as OrderId);
    if (!order?.carriedFrom) return undefined;
    const branch = this.#store.branch;
    return book.customerOfOrder(orderRefOf(branch, order.carriedFrom, orderId));
  }

  attach(
    orderId: string,
    customerId: string,
  ): { orderId: string; customerId: string } {
    if (!this.#docs.day.order(orderId as OrderId)) {
      throw notFound('unknown-order', `no order ${orderId}`);
    }
    const book = this.#docs.customers;
    translated(() =>
      book.attachOrder({ customerId, orderRef: this.orderRef(orderId) }),
    );
    return { orderId, customerId: book.rootOf(customerId) };
  }

  /**
   * Erases a customer on request (with every record merged into it), then
   * compacts the stored book and scrubs the database files, so the old
   * values leave this till's disk (the first scrub of a store made before
   * erasure was scrubbed rebuilds the file: see `scrubDeleted`).
   */
  erase(customerId: string): string[] {
    const erased = translated(() => this.#docs.customers.erase(customerId));
    this.#store.updateLog.compact(this.#docs.customersName);
    scrubDeleted(this.#store.database);
    return erased;
  }

  /**
   * Redeems points as a discount on an open order with a customer attached
   * (one point is worth one minor unit), once per order; refused beyond the
   * balance (`insufficient-points`) or the order's total.
   */
  redeem(orderId: string, points: number, reason: string, user: string) {
    const day = this.#docs.day;
    const view = day.order(orderId as OrderId);
    if (!view) throw notFound('unknown-order', `no order ${orderId}`);
    if (view.status !== 'open') {
      throw conflict(
        `order-${view.status}`,
        `order ${orderId} is ${view.status}`,
      );
    }
    const book = this.#docs.customers;
    const customerId = this.customerOf(orderId);
    if (!customerId) {
      throw conflict(
        'no-customer',
        `order ${orderId} has no customer attached`,
      );
    }
    if (view.discount) {
      throw conflict('discount-set', `order ${orderId} already has a discount`);
    }
    if (points > view.totals.total) {
      throw badRequest(
        'invalid-field',
        `the order's total is ${view.totals.total}`,
        'points',
      );
    }
    const balance = book.customer(customerId)?.points ?? 0;
    if (points > balance) {
      throw conflict(
        'insufficient-points',
        `customer holds ${balance} points, not ${points}`,
      );
    }
    const ref = `redeem:${this.orderRef(orderId)}`;
    translated(() =>
      this.#store.database.transaction(() => {
        this.#store.record({
          kind: 'loyalty',
          user,
          businessDate: this.#docs.businessDate,
          customerId,
          points: -points,
          balance: balance - points,
          ref: orderId,
          reason,
        });
        book.redeem({ customerId, points, reason, ref });
        day.setDiscount({
          orderId: view.id,
          discount: { kind: 'amount', amount: points },
        });
      })(),
    );
    this.#onJournal();
    return {
      customerId,
      redeemed: points,
      balance: balance - points,
      totals: day.order(view.id)!.totals,
    };
  }

  /**
   * Earns points for a settled order that has a customer; once per
   * document number, so a replayed settlement earns nothing more.
   */
  afterSettle(
    orderId: string,
    docNo: string,
    total: number,
    user: string,
  ): LoyaltyResult | null {
    const book = this.#docs.customers;
    const customerId = this.customerOf(orderId);
    if (!customerId) return null;
    const exponent = this.#docs.menu.read().currency.exponent;
    const earned = Math.floor((total * POINTS_PER_UNIT) / 10 ** exponent);
    if (earned > 0) this.#move(customerId, earned, docNo, 'settlement', user);
    return {
      customerId,
      earned,
      balance: book.customer(customerId)?.points ?? 0,
    };
  }

  /**
   * Takes back the points a credited sale earned, in proportion to the
   * amount credited, once per credit note.
   */
  afterCredit(
    saleDocNo: string,
    creditDocNo: string,
    creditTotal: number,
    user: string,
  ): number {
    const book = this.#docs.customers;
    const earn = book
      .loyaltyMoves()
      .find((m) => m.kind === 'earn' && m.ref === `earn:${saleDocNo}`);
    const claim = [...this.#docs.day.snapshot().claims.values()].find(
      (c) => c.docNo === saleDocNo && c.device === this.#store.device,
    );
    if (!earn || !claim || claim.total <= 0) return 0;
    const share = Math.min(1, creditTotal / claim.total);
    const points = Math.floor(earn.delta * share);
    const customerId = book.rootOf(earn.customerId);
    if (points > 0) {
      this.#move(customerId, -points, creditDocNo, 'credit note', user);
    }
    return points;
  }

  /** Puts the stock of credited lines back (the manager's choice). */
  restock(
    saleDocNo: string,
    creditDocNo: string,
    lines: { lineId: string; qty: number }[] | undefined,
  ): number {
    const day = this.#docs.day;
    const snapshot = day.snapshot();
    const claim = [...snapshot.claims.values()].find(
      (c) => c.docNo === saleDocNo,
    );
    const credited = new Map<LineId, number>();
    if (lines) for (const l of lines) credited.set(l.lineId as LineId, l.qty);
    else if (claim) {
      const view = day.order(claim.orderId);
      for (const l of view?.lines ?? []) if (!l.void) credited.set(l.id, l.qty);
    }
    return restockCredit(this.#docs.inventory, day, creditDocNo, credited)
      .length;
  }

  #move(
    customerId: string,
    points: number,
    ref: string,
    reason: string,
    user: string,
  ): void {
    const book = this.#docs.customers;
    const key = points > 0 ? 'earn' : 'reverse';
    if (book.loyaltyMoves().some((m) => m.ref === `${key}:${ref}`)) return;
    const balance = (book.customer(customerId)?.points ?? 0) + points;
    translated(() =>
      this.#store.database.transaction(() => {
        this.#store.record({
          kind: 'loyalty',
          user,
          businessDate: this.#docs.businessDate,
          customerId,
          points,
          balance,
          ref,
          reason,
        });
        if (points > 0) book.earn({ customerId, points, ref: `${key}:${ref}` });
        else book.adjust({ customerId, points, reason, ref: `${key}:${ref}` });
      })(),
    );
    this.#onJournal();
  }
}
