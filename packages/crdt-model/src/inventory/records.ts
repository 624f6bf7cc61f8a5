/**
 * The records of a branch's inventory document (`<branch>/inventory`).
 *
 * Tables: `stock` (one record per stock item; its level is the creation
 * count plus a per-writer counter), `recipes` (one record per menu item:
 * the stock its base and each modifier option use), `moves` (one record per
 * stock movement, with an id derived from what caused it, so a replay of
 * the same sale or credit note finds its move and writes nothing), and
 * `availability` (one record per menu item that was 86'd or restored by
 * hand, last writer wins).
 */
import type { EngineRecord, Json, JsonObject } from '../engine/engine.ts';

export const INV = {
  stock: 'stock',
  recipes: 'recipes',
  moves: 'moves',
  availability: 'availability',
} as const;

/** How a stock item is counted. */
export type StockUnit = 'piece' | 'gram' | 'millilitre';
export const STOCK_UNITS: readonly StockUnit[] = [
  'piece',
  'gram',
  'millilitre',
];

/**
 * Why stock moved: `fire` (a line sent to the kitchen), `return` (a credit
 * note the manager chose to restock), and the hand adjustments `delivery`,
 * `waste` and `count` (a count correction).
 */
export type MoveKind = 'fire' | 'return' | 'delivery' | 'waste' | 'count';
export const ADJUST_REASONS: readonly MoveKind[] = [
  'delivery',
  'waste',
  'count',
];

export interface StockItem {
  id: string;
  name: string;
  unit: StockUnit;
  /** The count the item was created with. */
  initial: number;
  /** Initial count plus every writer's movements; may fall below zero. */
  level: number;
  /** At or below this level the item is low. */
  threshold: number;
}

/** Stock item id → quantity (in the item's unit) used by one portion. */
export type Components = Record<string, number>;

export interface Recipe {
  /** The menu item. */
  itemId: string;
  /** What one portion of the item uses. */
  base: Components;
  /** Modifier option id → what choosing it adds (negative: removes). */
  modifiers: Record<string, Components>;
}

export interface StockMove {
  id: string;
  stockId: string;
  /** Signed change of the level. */
  delta: number;
  kind: MoveKind;
  /** What caused it: a ticket id, a credit note number, a free note. */
  ref: string;
  by: string;
  at: number;
}

export interface ManualAvailability {
  itemId: string;
  /** False: 86'd by hand. */
  available: boolean;
  by: string;
  at: number;
}

export const STOCK = {
  name: 'n',
  unit: 'u',
  initial: 'q0',
  threshold: 'lo',
  /** The per-writer counter of movements. */
  level: 'q',
} as const;

export const RECIPE = { base: 'b', modifiers: 'm' } as const;

export const MOVE = {
  stockId: 's',
  delta: 'd',
  kind: 'k',
  ref: 'r',
  by: 'by',
  at: 'at',
} as const;

export const AVAIL = { available: 'a', by: 'by', at: 'at' } as const;

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);
const sum = (byWriter: Readonly<Record<string, number>> | undefined) =>
  Object.values(byWriter ?? {}).reduce((a, b) => a + b, 0);

export function decodeStock(r: EngineRecord): StockItem {
  const f = r.fields;
  const unit = str(f[STOCK.unit]) as StockUnit;
  return {
    id: r.id,
    name: str(f[STOCK.name]),
    unit: STOCK_UNITS.includes(unit) ? unit : 'piece',
    initial: num(f[STOCK.initial]),
    level: num(f[STOCK.initial]) + sum(r.counters[STOCK.level]),
    threshold: num(f[STOCK.threshold]),
  };
}

export function decodeRecipe(r: EngineRecord): Recipe {
  const f = r.fields;
  return {
    itemId: r.id,
    base: (f[RECIPE.base] ?? {}) as Components,
    modifiers: (f[RECIPE.modifiers] ?? {}) as Record<string, Components>,
  };
}

export function decodeMove(r: EngineRecord): StockMove {
  const f = r.fields;
  return {
    id: r.id,
    stockId: str(f[MOVE.stockId]),
    delta: num(f[MOVE.delta]),
    kind: str(f[MOVE.kind]) as MoveKind,
    ref: str(f[MOVE.ref]),
    by: str(f[MOVE.by]),
    at: num(f[MOVE.at]),
  };
}

export function moveFields(move: Omit<StockMove, 'id'>): JsonObject {
  return {
    [MOVE.stockId]: move.stockId,
    [MOVE.delta]: move.delta,
    [MOVE.kind]: move.kind,
    [MOVE.ref]: move.ref,
    [MOVE.by]: move.by,
    [MOVE.at]: move.at,
  };
}

export function decodeAvailability(r: EngineRecord): ManualAvailability {
  const f = r.fields;
  return {
    itemId: r.id,
    available: f[AVAIL.available] !== false,
    by: str(f[AVAIL.by]),
    at: num(f[AVAIL.at]),
  };
}
