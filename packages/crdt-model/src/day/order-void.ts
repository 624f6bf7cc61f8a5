/** Voiding a whole order: final, with who, when and why. */
import type { LineId, OrderId } from '../ids.ts';
import { linesOf } from '../views/order-lines.ts';
import * as check from './checks.ts';
import { type DayContext, writableOrder } from './context.ts';
import { LINE, ORDER, T } from './records.ts';

/**
 * Voids an open order for good and returns the lines it voided (every
 * line it shows that was not voided already, merged orders' included).
 * The void is written on the order and on each of those lines in one
 * transaction: a line moved away by a device that had not seen the void
 * stays voided where it lands, and a line added to the order by such a
 * device is voided with the order once both changes meet.
 */
export function voidOrder(
  ctx: DayContext,
  input: { orderId: OrderId; reason: string; by?: string },
): LineId[] {
  const reason = check.nonEmpty(input.reason, 'reason', 200);
  const by = check.nonEmpty(input.by ?? ctx.device, 'by', 100);
  const order = writableOrder(ctx.state, input.orderId);
  const lines = linesOf(ctx.state, order.id).filter((l) => !l.void);
  const mark = { by, at: ctx.now(), reason };
  ctx.write((tx) => {
    tx.set(T.orders, order.id, ORDER.void, { ...mark });
    for (const line of lines) tx.set(T.lines, line.id, LINE.void, { ...mark });
  });
  return lines.map((l) => l.id);
}
