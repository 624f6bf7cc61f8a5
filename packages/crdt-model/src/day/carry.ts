import type { OrderId } from '../ids.ts';
import { ticketState } from '../views/kds.ts';
import { firedOf, linesOf, lineVoidOf, qtyOf } from '../views/order-lines.ts';
import { statusOf } from '../views/order-view.ts';
import type { DaySnapshot } from './day-state.ts';
import {
  lineFields,
  ORDER,
  orderFields,
  T,
  TICKET,
  ticketFields,
} from './records.ts';
import type { ServiceDay } from './service-day.ts';

/**
 * Copies the open orders of `from` into `next` (see `ServiceDay.carryOver`).
 * Each carried line starts the new day with its merged quantity as its
 * creation value, so the counters of the old day are not needed there; the
 * units already fired that are not on a carried (unserved) ticket become
 * the line's fired offset. The new day is written first and the old day
 * marked afterwards, so a carry interrupted between the two is completed by
 * running it again. An order voided by a device whose void has not
 * arrived yet is carried as open and stays open in the next day.
 */
export function carryOrders(
  from: ServiceDay,
  day: DaySnapshot,
  next: ServiceDay,
): OrderId[] {
  const open = [...day.orders.values()]
    .filter((o) => statusOf(day, o) === 'open')
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (open.length === 0) return [];
  const existing = next.snapshot().orders;

  next.write((tx) => {
    next.ensurePricing(tx);
    for (const order of open) {
      if (existing.has(order.id)) continue;
      const lines = linesOf(day, order.id).filter(
        (l) => !lineVoidOf(day, l) && qtyOf(l) > 0,
      );
      const carriedLines = new Set<string>(lines.map((l) => l.id));
      const tickets = [...day.tickets.values()].filter(
        (t) =>
          ticketState(t).status !== 'served' &&
          t.items.some((i) => carriedLines.has(i.lineId)),
      );

      tx.create(
        T.orders,
        order.id,
        orderFields({ ...order, carriedFrom: from.date ?? null }),
      );
      for (const line of lines) {
        const onCarriedTickets = tickets
          .flatMap((t) => t.items)
          .filter((i) => i.lineId === line.id)
          .reduce((a, i) => a + i.qty, 0);
        tx.create(
          T.lines,
          line.id,
          lineFields({
            ...line,
            orderId: order.id,
            qty: qtyOf(line),
            firedOffset: firedOf(day, line) - onCarriedTickets,
          }),
        );
      }
      for (const ticket of tickets) {
        tx.create(
          T.tickets,
          ticket.id,
          ticketFields({
            ...ticket,
            orderId: order.id,
            items: ticket.items.filter((i) => carriedLines.has(i.lineId)),
          }),
        );
        for (const mark of ticket.marks) {
          tx.addToSet(T.tickets, ticket.id, TICKET.status, mark);
        }
      }
    }
  });

  from.write((tx) => {
    for (const order of open) {
      tx.set(T.orders, order.id, ORDER.carriedTo, next.date ?? null);
    }
  });
  return open.map((o) => o.id);
}
