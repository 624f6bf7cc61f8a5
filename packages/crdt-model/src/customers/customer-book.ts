import { Listeners } from '../engine/buffered-writer.ts';
import type { Engine, EngineWriter } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import { hash53 } from '../hash.ts';
import { type DeviceId, deviceId, isValidId, randomId } from '../ids.ts';
import { erasedButDirty, scrubWrites, writeErasure } from './erasure.ts';
import {
  type CustomerInput,
  checkPoints,
  orderRef,
  personalFields,
  text,
} from './input.ts';
import {
  type Customer,
  type DuplicateGroup,
  duplicateGroups,
  searchCustomers,
  viewOf,
} from './lookup.ts';
import { resolveMerges, writeMerge } from './merges.ts';
import { type OverdrawnCustomer, overdrawnCustomers } from './overdrawn.ts';
import {
  CUS,
  CUSTOMER,
  type CustomerRecord,
  decodeCustomer,
  decodeLoyalty,
  LOYALTY,
  type LoyaltyKind,
  type LoyaltyMove,
} from './records.ts';

export type { CustomerInput } from './input.ts';
export type { Customer, DuplicateGroup } from './lookup.ts';
export type { OverdrawnCustomer } from './overdrawn.ts';

export interface CustomerBookOptions {
  /** This device: the writer of every change and its counter key. */
  device: string;
  /**
   * The organisation's country for phone numbers written without a
   * country code: an ISO code of `PHONE_PLANS` (`SA`, `PK`, `GB`) or
   * calling-code digits (`44`); a function is asked at each use (a till
   * reads it from its menu, which may arrive later). Default none: a
   * national number is then kept as its digits.
   */
  country?: string | (() => string | undefined);
  /** @deprecated The same as {@link CustomerBookOptions.country}. */
  countryCode?: string;
  now?: () => number;
  newId?: () => string;
}

/**
 * An organisation's customers (one book for every branch, each naming it
 * `<branch>/customers`) on any {@link Engine}.
 * Points are per-writer counters moved only together with a loyalty
 * record whose id follows from its cause, so replaying a settlement earns
 * once; a merge only points the dropped record at the kept one, so points
 * earned on the dropped record by a device that has not yet seen the merge
 * still count, and nothing is created or lost.
 *
 * @example
 * const book = new CustomerBook(yjsEngine(doc), { device: 'till-1', country: 'GB' });
 * const id = book.createCustomer({ name: 'Ana', phone: '07700 900123' });
 * book.earn({ customerId: id, points: 16, ref: 'till-1/42' });
 * book.customer(id)?.points; // 16
 */
export class CustomerBook {
  readonly engine: Engine;
  readonly device: DeviceId;
  #country: () => string | undefined;
  #now: () => number;
  #newId: () => string;
  #listeners = new Listeners<{ local: boolean }>();
  #unsubscribe: () => void;

  constructor(engine: Engine, options: CustomerBookOptions) {
    this.engine = engine;
    this.device = deviceId(options.device);
    const country = options.country ?? options.countryCode;
    this.#country = typeof country === 'function' ? country : () => country;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomId;
    for (const table of Object.values(CUS)) engine.ids(table);
    this.#unsubscribe = engine.onChange((change) => {
      const mine = Object.values(CUS).some((t) => change.tables.has(t));
      if (mine) this.#listeners.emit({ local: change.local });
    });
  }

  close(): void {
    this.#unsubscribe();
  }

  // Records -------------------------------------------------------------

  /** Creates a customer (a name is required) and returns its id. */
  createCustomer(input: CustomerInput): string {
    const fields = personalFields(input, true, this.#country());
    const id = `cu-${this.#newId()}`;
    this.#write((tx) =>
      tx.create(CUS.customers, id, {
        ...fields,
        [CUSTOMER.createdBy]: this.device,
        [CUSTOMER.createdAt]: this.#now(),
      }),
    );
    return id;
  }

  /** Changes the given personal fields of a customer. */
  updateCustomer(id: string, input: CustomerInput): void {
    const fields = personalFields(input, false, this.#country());
    const record = this.#live(id);
    this.#write((tx) => {
      for (const [field, value] of Object.entries(fields)) {
        tx.set(CUS.customers, record.id, field, value);
      }
    });
  }

  /** Links an order (`<branch>/<date>/<orderId>`) to a customer. */
  attachOrder(input: { customerId: string; orderRef: string }): void {
    const ref = orderRef(input.orderRef);
    const root = this.#live(input.customerId);
    this.#write((tx) =>
      tx.addToSet(CUS.customers, root.id, CUSTOMER.orders, ref),
    );
  }

  /** The customer an order is linked to (the merged-into one), if any. */
  customerOfOrder(ref: string): string | undefined {
    for (const record of this.#records()) {
      if (record.orders.includes(ref)) return this.rootOf(record.id);
    }
    return undefined;
  }

  // Loyalty -------------------------------------------------------------

  /** Earns points for a settlement, once per `ref` (its document number). */
  earn(input: {
    customerId: string;
    points: number;
    ref: string;
  }): LoyaltyMove | undefined {
    const points = checkPoints(input.points);
    return this.#loyalty(
      'earn',
      input.customerId,
      points,
      'settlement',
      input.ref,
    );
  }

  /**
   * Redeems points as a discount, once per `ref`; refused with
   * `insufficient-points` beyond the balance this device sees.
   */
  redeem(input: {
    customerId: string;
    points: number;
    reason: string;
    ref: string;
  }): LoyaltyMove | undefined {
    const points = checkPoints(input.points);
    const reason = text(input.reason, 'reason', 200, true);
    const customer = this.customer(input.customerId);
    if (customer && customer.points < points) {
      throw new ModelError(
        'insufficient-points',
        `customer holds ${customer.points} points, not ${points}`,
      );
    }
    return this.#loyalty(
      'redeem',
      input.customerId,
      -points,
      reason,
      input.ref,
    );
  }

  /**
   * Moves points by a manager's or the system's decision (a credit note
   * taking back what its sale earned), once per `ref`, without the
   * balance check of a redemption.
   */
  adjust(input: {
    customerId: string;
    points: number;
    reason: string;
    ref: string;
  }): LoyaltyMove | undefined {
    if (!Number.isSafeInteger(input.points) || input.points === 0) {
      throw new ModelError(
        'invalid-argument',
        'points must be a non-zero integer',
        'points',
      );
    }
    const reason = text(input.reason, 'reason', 200, true);
    return this.#loyalty(
      'adjust',
      input.customerId,
      input.points,
      reason,
      input.ref,
    );
  }

  /** Every loyalty movement, oldest first. */
  loyaltyMoves(): LoyaltyMove[] {
    return this.engine
      .ids(CUS.loyalty)
      .map((id) => decodeLoyalty(this.engine.record(CUS.loyalty, id)!))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  /**
   * Customers whose balance is below zero after tills apart redeemed the
   * same points, with the redemptions involved; see `overdrawn.ts`.
   */
  overdrawn(): OverdrawnCustomer[] {
    return overdrawnCustomers(this.customers(), this.loyaltyMoves(), (id) =>
      this.rootOf(id),
    );
  }

  // Duplicates and merges -------------------------------------------------

  /** Live customers sharing a normalised phone or e-mail, by value. */
  duplicates(): DuplicateGroup[] {
    const roots = this.#records().filter(
      (r) => !r.erased && this.rootOf(r.id) === r.id,
    );
    return duplicateGroups(roots, this.#country());
  }

  /**
   * Merges `drop` into `keep` (a manager's decision): `drop` then shows as
   * part of `keep`, its points and orders included. Empty personal fields
   * of `keep` are filled from `drop`.
   */
  merge(input: { keep: string; drop: string }): void {
    const keep = this.#live(input.keep);
    const drop = this.#live(input.drop);
    if (keep.id === drop.id) {
      throw new ModelError(
        'invalid-argument',
        'cannot merge a customer into itself',
      );
    }
    this.#write((tx) => writeMerge(tx, keep, drop));
  }

  /**
   * The record a customer id resolves to after merges. Two managers
   * merging a pair both ways at once make a cycle; its smallest id wins.
   */
  rootOf(id: string): string {
    return resolveMerges(
      id,
      (at) => this.#record(at)?.mergedInto,
      (at) => this.#record(at) !== undefined,
    );
  }

  // Erasure ---------------------------------------------------------------

  /**
   * Erases a customer on request: every personal field of the record and
   * of every record merged into it, for good (see `erasure.ts`; Yjs only).
   * Points and order references stay, without anyone's name on them.
   * Returns the record ids erased.
   */
  erase(id: string): string[] {
    const root = this.#record(this.rootOf(id));
    if (!root) throw new ModelError('unknown-customer', `no customer ${id}`);
    const group = this.#group(root.id);
    this.#write((tx) => writeErasure(tx, group));
    return group.map((m) => m.id);
  }

  /**
   * Blanks personal fields that reached an erased record after its erasure
   * (an edit made concurrently on a device that had not seen it) and
   * returns how many records it scrubbed. The till runs it after every
   * change it receives.
   */
  scrubErased(): number {
    const dirty = erasedButDirty(this.engine);
    if (dirty.length > 0) this.#write((tx) => scrubWrites(tx, dirty));
    return dirty.length;
  }

  // Views -----------------------------------------------------------------

  /** A customer with its merged records, or undefined if unknown. */
  customer(id: string): Customer | undefined {
    if (!this.#record(id)) return undefined;
    const root = this.rootOf(id);
    return viewOf(root, this.#group(root));
  }

  /** Every customer that is not merged into another, by id (one pass). */
  customers(): Customer[] {
    const groups = new Map<string, CustomerRecord[]>();
    for (const record of this.#records()) {
      const root = this.rootOf(record.id);
      const group = groups.get(root) ?? [];
      group.push(record);
      groups.set(root, group);
    }
    return [...groups.keys()]
      .sort()
      .map((root) => viewOf(root, groups.get(root)!));
  }

  /**
   * Live customers whose name contains `q` (any case), or whose phone
   * digits or e-mail contain it; all of them for an empty `q`. A phone
   * searched the national way finds it stored with its country code.
   */
  search(q: string): Customer[] {
    return searchCustomers(this.customers(), q, this.#country());
  }

  /** Calls `listener` after every change of the book, local or received. */
  onChange(listener: (change: { local: boolean }) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** @internal Every stored record, merged or not, by id. */
  records(): CustomerRecord[] {
    return this.#records();
  }

  // Internals -------------------------------------------------------------

  #loyalty(
    kind: LoyaltyKind,
    customerId: string,
    delta: number,
    reason: string,
    rawRef: string,
  ): LoyaltyMove | undefined {
    const ref = text(rawRef, 'ref', 200, true);
    const root = this.#live(customerId);
    const id = `${kind[0]}-${hash53(`${kind}\n${ref}`)}`;
    if (this.engine.record(CUS.loyalty, id)) return undefined;
    const move: LoyaltyMove = {
      id,
      customerId: root.id,
      delta,
      kind,
      reason,
      ref,
      by: this.device,
      at: this.#now(),
    };
    this.#write((tx) => {
      tx.create(CUS.loyalty, id, {
        [LOYALTY.customerId]: move.customerId,
        [LOYALTY.delta]: move.delta,
        [LOYALTY.kind]: move.kind,
        [LOYALTY.reason]: move.reason,
        [LOYALTY.ref]: move.ref,
        [LOYALTY.by]: move.by,
        [LOYALTY.at]: move.at,
      });
      tx.add(CUS.customers, root.id, CUSTOMER.points, delta);
    });
    return move;
  }

  /** The record, if it may still change: known, not merged, not erased. */
  #live(id: string): CustomerRecord {
    const record = this.#record(id);
    if (!record) throw new ModelError('unknown-customer', `no customer ${id}`);
    const root = this.rootOf(id);
    if (root !== id) {
      throw new ModelError(
        'customer-merged',
        `customer ${id} was merged into ${root}`,
      );
    }
    if (record.erased) {
      throw new ModelError('customer-erased', `customer ${id} was erased`);
    }
    return record;
  }

  #group(rootId: string): CustomerRecord[] {
    return this.#records().filter((r) => this.rootOf(r.id) === rootId);
  }

  #record(id: string): CustomerRecord | undefined {
    if (!isValidId(id)) return undefined;
    const r = this.engine.record(CUS.customers, id);
    return r ? decodeCustomer(r) : undefined;
  }

  #records(): CustomerRecord[] {
    return this.engine
      .ids(CUS.customers)
      .sort()
      .map((id) => decodeCustomer(this.engine.record(CUS.customers, id)!));
  }

  #write(build: (tx: EngineWriter) => void): void {
    this.engine.transact(this.device, build);
  }
}
