/**
 * What the API shows of an order and its tickets: the model's views with
 * the fields the local API promises (`voided` on each line, the order's
 * tickets, its open conflicts, always an array).
 */
import {
  type Conflict,
  type DaySnapshot,
  type LineView,
  type OrderId,
  type OrderView,
  type Ticket,
  type TicketStatus,
  ticketState,
} from '@brigade/crdt-model';

export interface TicketItemView {
  lineId: string;
  name: string;
  qty: number;
}

export interface TicketView {
  id: string;
  orderId: string;
  table: string;
  station: string;
  status: TicketStatus;
  /** 0 until the first recall; each recall opens the next epoch. */
  epoch: number;
  sentBy: string;
  sentAt: number;
  items: TicketItemView[];
}

export type ApiLine = LineView & { voided: boolean };

export type ApiOrder = Omit<OrderView, 'lines'> & {
  lines: ApiLine[];
  tickets: TicketView[];
  conflicts: Conflict[];
};

export function ticketView(day: DaySnapshot, ticket: Ticket): TicketView {
  const state = ticketState(ticket);
  return {
    id: ticket.id,
    orderId: ticket.orderId,
    table: ticket.table,
    station: ticket.station,
    status: state.status,
    epoch: state.epoch,
    sentBy: ticket.sentBy,
    sentAt: ticket.sentAt,
    items: ticket.items.map((item) => ({
      lineId: item.lineId,
      name: day.lines.get(item.lineId)?.name ?? '',
      qty: item.qty,
    })),
  };
}

/** The order view with its tickets (its own and those of merged orders). */
export function apiOrder(
  day: DaySnapshot,
  view: OrderView,
  conflicts: Conflict[],
): ApiOrder {
  const members = new Set<OrderId>([view.id, ...view.merged]);
  const tickets = [...day.tickets.values()]
    .filter((t) => members.has(t.orderId))
    .sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1))
    .map((t) => ticketView(day, t));
  return {
    ...view,
    lines: view.lines.map((line) => ({ ...line, voided: line.void !== null })),
    tickets,
    conflicts: conflicts.filter((c) => members.has(c.orderId)),
  };
}
