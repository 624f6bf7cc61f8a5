/** Kitchen operations of a service day: send, advance, recall. */
import { ModelError } from '../errors.ts';
import type { OrderId, TicketId } from '../ids.ts';
import { ticketState } from '../views/kds.ts';
import { firedOf, linesOf, lineVoidOf, qtyOf } from '../views/order-lines.ts';
import { type DayContext, ticketOf, writableOrder } from './context.ts';
import {
  STATUS_RANK,
  T,
  TICKET,
  type TicketItem,
  type TicketStatus,
  ticketFields,
} from './records.ts';

/**
 * Sends the order's unsent units (of one course, if given) to the
 * kitchen: one ticket per station. Returns the new tickets' ids.
 */
export function sendToKitchen(
  ctx: DayContext,
  input: { orderId: OrderId; course?: number },
): TicketId[] {
  const order = writableOrder(ctx.state, input.orderId);
  const byStation = new Map<string, TicketItem[]>();
  for (const line of linesOf(ctx.state, order.id)) {
    if (
      lineVoidOf(ctx.state, line) ||
      (input.course !== undefined && line.course !== input.course)
    ) {
      continue;
    }
    const unsent = qtyOf(line) - firedOf(ctx.state, line);
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
  const sentAt = ctx.now();
  ctx.write((tx) => {
    for (const station of [...byStation.keys()].sort()) {
      const id = ctx.newId() as TicketId;
      ids.push(id);
      tx.create(
        T.tickets,
        id,
        ticketFields({
          orderId: order.id,
          table: order.table,
          station,
          items: byStation.get(station)!,
          sentBy: ctx.device,
          sentAt,
        }),
      );
    }
  });
  return ids;
}

/** Moves a ticket forward (cooking, ready, served); never backwards. */
export function advanceTicket(
  ctx: DayContext,
  input: { ticketId: TicketId; status: TicketStatus },
): void {
  const ticket = ticketOf(ctx.state, input.ticketId);
  const rank = STATUS_RANK[input.status];
  if (rank === undefined) {
    throw new ModelError('invalid-argument', `unknown status ${input.status}`);
  }
  const state = ticketState(ticket);
  if (rank <= STATUS_RANK[state.status]) {
    throw new ModelError(
      'status-not-forward',
      `ticket ${ticket.id} is already ${state.status}`,
    );
  }
  ctx.write((tx) =>
    tx.addToSet(T.tickets, ticket.id, TICKET.status, `${state.epoch}.${rank}`),
  );
}

/** Brings a ticket back to the screen as new, in a new epoch. */
export function recallTicket(
  ctx: DayContext,
  input: { ticketId: TicketId },
): void {
  const ticket = ticketOf(ctx.state, input.ticketId);
  const state = ticketState(ticket);
  if (state.status === 'new') {
    throw new ModelError('not-recallable', `ticket ${ticket.id} is still new`);
  }
  ctx.write((tx) =>
    tx.addToSet(T.tickets, ticket.id, TICKET.status, `${state.epoch + 1}.0`),
  );
}
