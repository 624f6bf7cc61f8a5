/** Line operations of a service day: add, change, void, move, split. */
import { ModelError } from '../errors.ts';
import type { LineId, OrderId } from '../ids.ts';
import { firedOf } from '../views/order-lines.ts';
import * as check from './checks.ts';
import { type DayContext, editableLine, writableOrder } from './context.ts';
import { snapshotLine } from './menu-lookup.ts';
import { LINE, lineFields, T } from './records.ts';

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

/** Adds a line priced from the menu now; later menu changes leave it alone. */
export function addLine(ctx: DayContext, input: AddLineInput): LineId {
  const qty = check.quantity(input.qty ?? 1);
  const note = check.text(input.note ?? '', 'note', 500);
  const seat = check.optionalCount(input.seat, 'seat', 999);
  const course = check.optionalCount(input.course, 'course', 99);
  writableOrder(ctx.state, input.orderId);
  const snapshot = snapshotLine(
    ctx.menu(),
    input.itemId,
    input.modifiers ?? [],
  );
  const id = ctx.newId() as LineId;
  ctx.write((tx) => {
    ctx.ensurePricing(tx);
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
        addedBy: ctx.device,
        addedAt: ctx.now(),
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
export function changeQuantity(
  ctx: DayContext,
  input: { lineId: LineId; delta: number },
): void {
  const delta = check.delta(input.delta);
  const line = editableLine(ctx.state, input.lineId);
  if (line.rawQty + delta < 0) {
    throw new ModelError(
      'quantity-below-zero',
      `line ${line.id} holds ${line.rawQty}; cannot change it by ${delta}`,
    );
  }
  ctx.write((tx) => tx.add(T.lines, line.id, LINE.qty, delta));
}

/** Voids a line for good, recording who, when and why. */
export function voidLine(
  ctx: DayContext,
  input: { lineId: LineId; reason: string; by?: string },
): void {
  const reason = check.nonEmpty(input.reason, 'reason', 200);
  const by = check.nonEmpty(input.by ?? ctx.device, 'by', 100);
  const line = editableLine(ctx.state, input.lineId);
  ctx.write((tx) =>
    tx.set(T.lines, line.id, LINE.void, { by, at: ctx.now(), reason }),
  );
}

/** Moves a line to another order (another table or a separate bill). */
export function moveLine(
  ctx: DayContext,
  input: { lineId: LineId; toOrderId: OrderId },
): void {
  const line = editableLine(ctx.state, input.lineId);
  writableOrder(ctx.state, input.toOrderId);
  if (line.orderId === input.toOrderId) return;
  ctx.write((tx) => tx.set(T.lines, line.id, LINE.orderId, input.toOrderId));
}

/**
 * Splits `qty` units off a line into a new line (on `toOrderId`, default
 * the same order) and returns the new line's id. Units already sent to
 * the kitchen go with the new line first, so nothing is fired twice.
 */
export function splitLine(
  ctx: DayContext,
  input: {
    lineId: LineId;
    qty: number;
    toOrderId?: OrderId;
  },
): LineId {
  const qty = check.quantity(input.qty);
  const line = editableLine(ctx.state, input.lineId);
  const toOrderId = input.toOrderId ?? line.orderId;
  writableOrder(ctx.state, toOrderId);
  if (qty >= line.rawQty) {
    throw new ModelError(
      'invalid-quantity',
      `a split takes fewer than the line's ${line.rawQty} units; move the line instead`,
    );
  }
  const sentWith = Math.min(qty, Math.max(0, firedOf(ctx.state, line)));
  const id = ctx.newId() as LineId;
  ctx.write((tx) => {
    tx.create(
      T.lines,
      id,
      lineFields({
        ...line,
        orderId: toOrderId,
        qty,
        addedBy: ctx.device,
        addedAt: ctx.now(),
        firedOffset: sentWith,
      }),
    );
    tx.add(T.lines, line.id, LINE.qty, -qty);
    tx.add(T.lines, line.id, LINE.firedOffset, -sentWith);
  });
  return id;
}
