import type { DaySnapshot } from '../day/day-state.ts';
import type { OrderId } from '../ids.ts';
import { orderView, statusOf } from './order-view.ts';

export interface OpenOrderSummary {
  id: OrderId;
  guests: number;
  /** Lines not voided, with a quantity. */
  lineCount: number;
  /** Units not yet sent to the kitchen. */
  unsent: number;
  total: number;
  openedAt: number;
}

export interface OpenTable {
  table: string;
  guests: number;
  total: number;
  orders: OpenOrderSummary[];
}

/** Tables with at least one open order, in natural table order (2 < 10). */
export function openTables(day: DaySnapshot): OpenTable[] {
  const tables = new Map<string, OpenTable>();
  for (const order of day.orders.values()) {
    if (statusOf(day, order) !== 'open') continue;
    const view = orderView(day, order.id)!;
    const live = view.lines.filter((l) => !l.void && l.qty > 0);
    const summary: OpenOrderSummary = {
      id: order.id,
      guests: order.guests,
      lineCount: live.length,
      unsent: live.reduce((a, l) => a + l.unsent, 0),
      total: view.totals.total,
      openedAt: order.openedAt,
    };
    let table = tables.get(order.table);
    if (!table) {
      table = { table: order.table, guests: 0, total: 0, orders: [] };
      tables.set(order.table, table);
    }
    table.orders.push(summary);
    table.guests += summary.guests;
    table.total += summary.total;
  }
  const natural = new Intl.Collator('en', { numeric: true });
  for (const table of tables.values()) {
    table.orders.sort(
      (a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1),
    );
  }
  return [...tables.values()].sort(
    (a, b) => natural.compare(a.table, b.table) || (a.table < b.table ? -1 : 1),
  );
}
