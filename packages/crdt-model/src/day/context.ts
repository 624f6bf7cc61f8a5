/** What every day operation works with, and the checks they share. */
import type { EngineWriter } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import type { DeviceId, LineId, OrderId, TicketId } from '../ids.ts';
import type { Menu } from '../menu/menu.ts';
import { lineVoidOf, rootOf } from '../views/order-lines.ts';
import { statusOf } from '../views/order-view.ts';
import type { DayState } from './day-state.ts';
import type { Line, Order, Ticket } from './records.ts';

/** A service day's live state and the means to change it, as one device. */
export interface DayContext {
  readonly state: DayState;
  readonly device: DeviceId;
  now(): number;
  newId(): string;
  menu(): Menu;
  /** Writes in one transaction as this device. */
  write(build: (tx: EngineWriter) => void): void;
  /** Writes the day's pricing rules from the menu if none are stored. */
  ensurePricing(tx: EngineWriter): void;
}

export function orderOf(state: DayState, id: OrderId): Order {
  const order = state.orders.get(id);
  if (!order) throw new ModelError('unknown-order', `no order ${id}`);
  return order;
}

/** The order, if it may still change: not settled, merged, carried or voided. */
export function writableOrder(state: DayState, id: OrderId): Order {
  const order = orderOf(state, id);
  const status = statusOf(state, order);
  if (status === 'open') return order;
  if (status === 'merged') {
    const root = rootOf(state, id);
    throw new ModelError('order-merged', `order ${id} was merged into ${root}`);
  }
  const code = {
    settled: 'order-settled',
    carried: 'order-carried',
    voided: 'order-voided',
  } as const;
  throw new ModelError(code[status], `order ${id} is ${status}`);
}

/**
 * The line, if it may still change: not voided (by itself or with its
 * order), on an open order.
 */
export function editableLine(state: DayState, id: LineId): Line {
  const line = state.lines.get(id);
  if (!line) throw new ModelError('unknown-line', `no line ${id}`);
  if (lineVoidOf(state, line)) {
    throw new ModelError('line-voided', `line ${id} is voided`);
  }
  writableOrder(state, rootOf(state, line.orderId));
  return line;
}

export function ticketOf(state: DayState, id: TicketId): Ticket {
  const ticket = state.tickets.get(id);
  if (!ticket) throw new ModelError('unknown-ticket', `no ticket ${id}`);
  return ticket;
}
