import type { StockItem, StockMove, StockUnit } from './records.ts';

/** One stock item as the stock report shows it. */
export interface StockLevel {
  id: string;
  name: string;
  unit: StockUnit;
  initial: number;
  /** initial − fired + returned + adjusted; below zero after an oversell. */
  level: number;
  threshold: number;
  /** Used by sales sent to the kitchen (a positive number). */
  fired: number;
  /** Put back by credit notes. */
  returned: number;
  /** Net hand adjustments (deliveries, waste, count corrections). */
  adjusted: number;
  /** At or below the threshold. */
  low: boolean;
  /** How far below zero concurrent sales took it (0 if not below). */
  overshoot: number;
}

/**
 * Levels with their movements summed by kind. `level` comes from the
 * counter and the sums from the movement records; both are written in the
 * same transaction, so `level = initial − fired + returned + adjusted` on
 * every replica that holds the same changes.
 */
export function stockLevels(
  items: readonly StockItem[],
  moves: readonly StockMove[],
): StockLevel[] {
  const sums = new Map<
    string,
    { fired: number; returned: number; adjusted: number }
  >();
  for (const move of moves) {
    let s = sums.get(move.stockId);
    if (!s) {
      s = { fired: 0, returned: 0, adjusted: 0 };
      sums.set(move.stockId, s);
    }
    if (move.kind === 'fire') s.fired -= move.delta;
    else if (move.kind === 'return') s.returned += move.delta;
    else s.adjusted += move.delta;
  }
  return items.map((item) => {
    const s = sums.get(item.id) ?? { fired: 0, returned: 0, adjusted: 0 };
    return {
      id: item.id,
      name: item.name,
      unit: item.unit,
      initial: item.initial,
      level: item.level,
      threshold: item.threshold,
      ...s,
      low: item.level <= item.threshold,
      overshoot: Math.max(0, -item.level),
    };
  });
}
