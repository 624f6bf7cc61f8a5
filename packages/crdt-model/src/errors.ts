/**
 * Every way an operation can be refused. An operation that throws a
 * {@link ModelError} has written nothing: validation runs before the single
 * transaction that writes.
 */
export type ModelErrorCode =
  /** The menu JSON is malformed; `path` names the field at fault. */
  | 'invalid-menu'
  /** A device or writer id is missing or has characters outside [A-Za-z0-9_:-]. */
  | 'invalid-device'
  /** An argument has the wrong type or range (table, guests, note, ...). */
  | 'invalid-argument'
  /** A price, amount or total is not a non-negative integer of minor units. */
  | 'invalid-price'
  /** A quantity or delta is not a positive (or non-zero) integer. */
  | 'invalid-quantity'
  /** The change would take a line's quantity below zero. */
  | 'quantity-below-zero'
  | 'unknown-item'
  /** The item is marked unavailable (86'd) on the menu. */
  | 'item-unavailable'
  | 'unknown-modifier'
  | 'unknown-order'
  | 'unknown-line'
  | 'unknown-ticket'
  | 'unknown-claim'
  /** The line was voided; a void is final. */
  | 'line-voided'
  /** The order has a settlement claim; it can no longer change. */
  | 'order-settled'
  /** The order was merged into another; use the order it was merged into. */
  | 'order-merged'
  /** The order was carried into the next business day. */
  | 'order-carried'
  /** The whole order was voided; a void is final. */
  | 'order-voided'
  /** Sending found no unsent quantity on the order. */
  | 'nothing-to-send'
  /** A ticket status may only move forward within its epoch. */
  | 'status-not-forward'
  /** Only a ticket that has left `new` can be recalled. */
  | 'not-recallable'
  /** No stock item with that id in the branch's inventory. */
  | 'unknown-stock'
  /** No customer with that id in the organisation's book. */
  | 'unknown-customer'
  /** The customer was erased on request; the record holds nothing personal. */
  | 'customer-erased'
  /** The customer was merged into another; use the one it was merged into. */
  | 'customer-merged'
  /** A redemption asks for more points than the customer holds. */
  | 'insufficient-points';

/** A refused operation, with a stable `code` for programs to test. */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  /** For `invalid-menu`: the path of the field at fault, e.g. `items[3].price`. */
  readonly path: string | undefined;

  constructor(code: ModelErrorCode, message: string, path?: string) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
    this.path = path;
  }
}
