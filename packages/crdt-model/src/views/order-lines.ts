/** Which lines an order holds, and how much of each, under merges and moves. */
import type { DaySnapshot } from '../day/day-state.ts';
import type { Line, LineVoid, OrderVoid } from '../day/records.ts';
import type { OrderId } from '../ids.ts';

/**
 * The order that `id` ends up in after following merges. Two orders merged
 * into each other concurrently form a cycle; the smallest id in the cycle
 * then holds them all (and `conflicts` reports the cycle).
 */
export function rootOf(day: DaySnapshot, id: OrderId): OrderId {
  const path: OrderId[] = [];
  let current = id;
  for (;;) {
    const next = day.orders.get(current)?.mergedInto;
    if (!next || !day.orders.has(next)) return current;
    const seen = path.indexOf(current);
    if (seen >= 0) return path.slice(seen).sort()[0]!;
    path.push(current);
    current = next;
  }
}

/** True if following merges from `id` leads back to `id`. */
export function inMergeCycle(day: DaySnapshot, id: OrderId): boolean {
  const seen = new Set<OrderId>();
  let current = day.orders.get(id)?.mergedInto ?? null;
  while (current && day.orders.has(current) && !seen.has(current)) {
    if (current === id) return true;
    seen.add(current);
    current = day.orders.get(current)?.mergedInto ?? null;
  }
  return false;
}

/**
 * The void of the first voided order met from `id` along its merges to
 * its root (an order void covers every line the order shows), or null.
 */
export function orderVoidOf(day: DaySnapshot, id: OrderId): OrderVoid | null {
  const seen = new Set<OrderId>();
  for (let current: OrderId | null = id; current && !seen.has(current); ) {
    const order = day.orders.get(current);
    if (!order) return null;
    if (order.void) return order.void;
    seen.add(current);
    current = order.mergedInto;
  }
  return null;
}

/**
 * A line's void: its own, or that of a voided order it belongs to, so a
 * line added or moved to an order while another device voided it is void
 * once both changes meet.
 */
export function lineVoidOf(day: DaySnapshot, line: Line): LineVoid | null {
  return line.void ?? orderVoidOf(day, line.orderId);
}

/** `root` and every order merged into it, directly or not. */
export function membersOf(day: DaySnapshot, root: OrderId): OrderId[] {
  const found = new Set<OrderId>([root]);
  const queue = [root];
  for (let id = queue.shift(); id; id = queue.shift()) {
    for (const from of day.index.mergedFrom.get(id) ?? []) {
      if (!found.has(from)) {
        found.add(from);
        queue.push(from);
      }
    }
  }
  return [...found].filter((id) => rootOf(day, id) === root).sort();
}

/** The lines an order holds (with merged orders), oldest first. */
export function linesOf(day: DaySnapshot, root: OrderId): Line[] {
  const lines: Line[] = [];
  for (const member of membersOf(day, root)) {
    for (const id of day.index.linesByOrder.get(member) ?? []) {
      const line = day.lines.get(id);
      if (line) lines.push(line);
    }
  }
  return lines.sort(byAddedThenId);
}

export function byAddedThenId(a: Line, b: Line): number {
  return a.addedAt - b.addedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A line's quantity as shown: a race below zero shows as zero. */
export function qtyOf(line: Line): number {
  return Math.max(0, line.rawQty);
}

/** Units of a line sent to the kitchen so far. */
export function firedOf(day: DaySnapshot, line: Line): number {
  let fired = line.firedOffset;
  for (const ticketId of day.index.ticketsByLine.get(line.id) ?? []) {
    for (const item of day.tickets.get(ticketId)?.items ?? []) {
      if (item.lineId === line.id) fired += item.qty;
    }
  }
  return fired;
}

/** Price of one unit with its modifiers, in minor units. */
export function unitTotal(line: Line): number {
  return line.unitPrice + line.modifiers.reduce((a, m) => a + m.priceDelta, 0);
}
