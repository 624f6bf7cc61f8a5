import type { DaySnapshot } from '../day/day-state.ts';
import { STATUSES, type Ticket, type TicketStatus } from '../day/records.ts';
import type { LineId, OrderId, TicketId } from '../ids.ts';
import { lineVoidOf, rootOf } from './order-lines.ts';

/** A ticket's merged status: the greatest (epoch, rank) of its marks. */
export interface TicketState {
  status: TicketStatus;
  /** 0 until the first recall; each recall opens the next epoch. */
  epoch: number;
}

/** Reads a ticket's status marks `<epoch>.<rank>`; no mark means new. */
export function ticketState(ticket: Ticket): TicketState {
  let epoch = 0;
  let rank = 0;
  for (const mark of ticket.marks) {
    const [e, r] = mark.split('.').map(Number);
    if (e === undefined || r === undefined || !(r in STATUSES)) continue;
    if (e > epoch || (e === epoch && r > rank)) {
      epoch = e;
      rank = r;
    }
  }
  return { status: STATUSES[rank]!, epoch };
}

export interface KdsItem {
  lineId: LineId;
  itemId: string;
  name: string;
  qty: number;
  modifiers: string[];
  note: string;
  seat: number | null;
  course: number | null;
  /** True when the line was voided after it was sent: do not cook. */
  voided: boolean;
}

export interface KdsTicket {
  id: TicketId;
  orderId: OrderId;
  /** The order's table now (after transfers and merges). */
  table: string;
  station: string;
  status: TicketStatus;
  epoch: number;
  sentBy: string;
  sentAt: number;
  items: KdsItem[];
}

/** Quantity of one item across a station's open tickets. */
export interface AllDayCount {
  itemId: string;
  name: string;
  qty: number;
}

export interface StationQueue {
  station: string;
  /** Tickets not yet served, oldest first. */
  tickets: KdsTicket[];
  /** Per item, most first; voided lines are not counted. */
  allDay: AllDayCount[];
}

/** Every station's queue of open tickets, by station id. */
export function kdsQueues(day: DaySnapshot): StationQueue[] {
  const byStation = new Map<string, KdsTicket[]>();
  for (const ticket of day.tickets.values()) {
    const state = ticketState(ticket);
    if (state.status === 'served') continue;
    const list = byStation.get(ticket.station) ?? [];
    list.push(kdsTicket(day, ticket, state));
    byStation.set(ticket.station, list);
  }
  return [...byStation.keys()].sort().map((station) => {
    const tickets = byStation
      .get(station)!
      .sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1));
    return { station, tickets, allDay: allDay(tickets) };
  });
}

function kdsTicket(
  day: DaySnapshot,
  ticket: Ticket,
  state: TicketState,
): KdsTicket {
  return {
    id: ticket.id,
    orderId: ticket.orderId,
    // Where the food goes now: the order may have moved since it was sent.
    table: day.orders.get(rootOf(day, ticket.orderId))?.table ?? ticket.table,
    station: ticket.station,
    status: state.status,
    epoch: state.epoch,
    sentBy: ticket.sentBy,
    sentAt: ticket.sentAt,
    items: ticket.items.map(({ lineId, qty }) => {
      const line = day.lines.get(lineId);
      return {
        lineId,
        itemId: line?.itemId ?? '',
        name: line?.name ?? '(unknown line)',
        qty,
        modifiers: line?.modifiers.map((m) => m.name) ?? [],
        note: line?.note ?? '',
        seat: line?.seat ?? null,
        course: line?.course ?? null,
        voided: line ? lineVoidOf(day, line) !== null : false,
      };
    }),
  };
}

function allDay(tickets: KdsTicket[]): AllDayCount[] {
  const counts = new Map<string, AllDayCount>();
  for (const item of tickets.flatMap((t) => t.items)) {
    if (item.voided) continue;
    const count = counts.get(item.itemId);
    if (count) count.qty += item.qty;
    else counts.set(item.itemId, { ...pick(item), qty: item.qty });
  }
  return [...counts.values()].sort(
    (a, b) => b.qty - a.qty || (a.itemId < b.itemId ? -1 : 1),
  );
}

function pick(item: KdsItem) {
  return { itemId: item.itemId, name: item.name };
}
