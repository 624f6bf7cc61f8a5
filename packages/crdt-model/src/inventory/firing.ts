/** What links a service day's kitchen tickets and credit notes to stock. */
import type { ServiceDay } from '../day/service-day.ts';
import type { LineId, TicketId } from '../ids.ts';
import type { Inventory, Usage } from './inventory.ts';
import type { StockMove } from './records.ts';

/**
 * Uses the stock of the units on the given tickets (what
 * `ServiceDay.sendToKitchen` returned), once per ticket: calling it again
 * for the same ticket, on this device or another, writes nothing more
 * wherever the first call's movements have arrived.
 *
 * @example
 * const tickets = day.sendToKitchen({ orderId });
 * fireTickets(stock, day, tickets);
 */
export function fireTickets(
  inventory: Inventory,
  day: ServiceDay,
  ticketIds: readonly TicketId[],
): StockMove[] {
  const snapshot = day.snapshot();
  const moves: StockMove[] = [];
  for (const ticketId of ticketIds) {
    const ticket = snapshot.tickets.get(ticketId);
    if (!ticket) continue;
    const usage = ticket.items.flatMap((item) => {
      const line = snapshot.lines.get(item.lineId);
      return line ? [usageOf(line, item.qty)] : [];
    });
    moves.push(...inventory.consume({ ref: `t:${ticketId}`, usage }));
  }
  return moves;
}

/**
 * Puts back the stock of credited lines (line id → units credited), once
 * per credit note: what the manager asks for when the goods were not used.
 */
export function restockCredit(
  inventory: Inventory,
  day: ServiceDay,
  creditDocNo: string,
  credited: ReadonlyMap<LineId, number>,
): StockMove[] {
  const snapshot = day.snapshot();
  const usage: Usage[] = [];
  for (const [lineId, qty] of credited) {
    const line = snapshot.lines.get(lineId);
    if (line && qty > 0) usage.push(usageOf(line, qty));
  }
  return inventory.restock({ ref: `cn:${creditDocNo}`, usage });
}

function usageOf(
  line: { itemId: string; modifiers: readonly { id: string }[] },
  qty: number,
): Usage {
  return {
    itemId: line.itemId,
    modifiers: line.modifiers.map((m) => m.id),
    qty,
  };
}
