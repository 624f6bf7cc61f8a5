import { Listeners } from '../engine/buffered-writer.ts';
import type { Engine, EngineWriter, JsonObject } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import { hash53 } from '../hash.ts';
import { type DeviceId, deviceId, isValidId, randomId } from '../ids.ts';
import type { Menu } from '../menu/menu.ts';
import { optionsOut, outOf, withOptionsOut } from './availability.ts';
import * as check from './checks.ts';
import {
  ADJUST_REASONS,
  AVAIL,
  type Components,
  decodeAvailability,
  decodeMove,
  decodeRecipe,
  decodeStock,
  INV,
  type MoveKind,
  moveFields,
  RECIPE,
  type Recipe,
  STOCK,
  type StockItem,
  type StockMove,
  type StockUnit,
} from './records.ts';
import { type StockLevel, stockLevels } from './views.ts';

export interface InventoryOptions {
  /** This device: the writer of every change and its counter key. */
  device: string;
  /** Clock for movements; default `Date.now`. */
  now?: () => number;
  /** Id generator for hand adjustments; default {@link randomId}. */
  newId?: () => string;
}

/** Units of one menu item, with the modifier options chosen, to use up. */
export interface Usage {
  itemId: string;
  modifiers: readonly string[];
  qty: number;
}

/** Whether an item may be sold, and why not. */
export interface ItemAvailability {
  itemId: string;
  available: boolean;
  /** 86'd by hand (last writer wins among devices). */
  manual: boolean;
  /** Ingredients of the item's base recipe at or below zero. */
  soldOut: string[];
  /**
   * Modifier options of the item whose own ingredients are at or below
   * zero: the dish sells without them (unless a required choice has
   * nothing left; see {@link Inventory.overlay}).
   */
  modifiersSoldOut: string[];
}

/**
 * A branch's stock (`<branch>/inventory`): stock items whose levels are
 * per-writer counters, recipes, movements and hand 86s, on any
 * {@link Engine}. Sales use stock when they are fired (see `fireTickets`),
 * so a line voided before it was sent never touched it; two tills selling
 * the last portions offline both decrement, and once they meet the level
 * shows the overshoot below zero instead of hiding it.
 *
 * @example
 * const stock = new Inventory(yjsEngine(doc), { device: 'till-1' });
 * stock.defineStock({ id: 'patty', name: 'Beef patty', unit: 'piece', initial: 40 });
 * stock.setRecipe({ itemId: 'burger', base: { patty: 1 } });
 * stock.availability('burger').available; // true
 */
export class Inventory {
  readonly engine: Engine;
  readonly device: DeviceId;
  #now: () => number;
  #newId: () => string;
  #listeners = new Listeners<{ local: boolean }>();
  #unsubscribe: () => void;

  constructor(engine: Engine, options: InventoryOptions) {
    this.engine = engine;
    this.device = deviceId(options.device);
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomId;
    for (const table of Object.values(INV)) engine.ids(table);
    this.#unsubscribe = engine.onChange((change) => {
      const mine = Object.values(INV).some((t) => change.tables.has(t));
      if (mine) this.#listeners.emit({ local: change.local });
    });
  }

  /** Stops following the engine; the document is left as it is. */
  close(): void {
    this.#unsubscribe();
  }

  // Stock items ---------------------------------------------------------

  /** Creates a stock item; refused if the id is taken. */
  defineStock(input: {
    id: string;
    name: string;
    unit: StockUnit;
    initial?: number;
    threshold?: number;
  }): void {
    const id = check.id(input.id, 'id');
    const name = check.name(input.name);
    const unit = check.unit(input.unit);
    const initial = check.level(input.initial ?? 0, 'initial');
    const threshold = check.level(input.threshold ?? 0, 'threshold');
    if (this.engine.record(INV.stock, id)) {
      throw new ModelError('invalid-argument', `stock item ${id} exists`);
    }
    this.#write((tx) =>
      tx.create(INV.stock, id, {
        [STOCK.name]: name,
        [STOCK.unit]: unit,
        [STOCK.initial]: initial,
        [STOCK.threshold]: threshold,
      }),
    );
  }

  /** Sets the level at or below which an item shows as low. */
  setThreshold(input: { stockId: string; threshold: number }): void {
    const threshold = check.level(input.threshold, 'threshold');
    const item = this.#stockOf(input.stockId);
    this.#write((tx) => tx.set(INV.stock, item.id, STOCK.threshold, threshold));
  }

  /**
   * Adjusts a level by hand with a reason (`delivery`, `waste` or `count`
   * for a count correction) and returns the movement's id.
   */
  adjust(input: {
    stockId: string;
    delta: number;
    reason: string;
    note?: string;
  }): string {
    const delta = check.delta(input.delta);
    if (!ADJUST_REASONS.includes(input.reason as MoveKind)) {
      throw new ModelError(
        'invalid-argument',
        `reason must be one of ${ADJUST_REASONS.join(', ')}`,
      );
    }
    const note = check.note(input.note ?? '');
    const item = this.#stockOf(input.stockId);
    const id = `a-${this.#newId()}`;
    this.#write((tx) =>
      this.#move(tx, id, item.id, delta, input.reason as MoveKind, note),
    );
    return id;
  }

  // Recipes -------------------------------------------------------------

  /** Sets what one portion of a menu item (and each modifier) uses. */
  setRecipe(input: {
    itemId: string;
    base: Components;
    modifiers?: Record<string, Components>;
  }): void {
    const itemId = check.id(input.itemId, 'itemId');
    const base = this.#components(input.base, 'base', false);
    const modifiers: Record<string, Components> = {};
    for (const [option, parts] of Object.entries(input.modifiers ?? {})) {
      check.id(option, 'modifier');
      modifiers[option] = this.#components(parts, `modifiers.${option}`, true);
    }
    this.#write((tx) => {
      tx.create(INV.recipes, itemId, {});
      tx.set(INV.recipes, itemId, RECIPE.base, base);
      tx.set(INV.recipes, itemId, RECIPE.modifiers, modifiers as JsonObject);
    });
  }

  recipe(itemId: string): Recipe | undefined {
    if (!isValidId(itemId)) return undefined;
    const r = this.engine.record(INV.recipes, itemId);
    return r ? decodeRecipe(r) : undefined;
  }

  /** Stock item id → quantity that `usage` takes (items without a recipe take none). */
  needs(usage: readonly Usage[]): Map<string, number> {
    const needs = new Map<string, number>();
    const add = (parts: Components, times: number) => {
      for (const [stockId, qty] of Object.entries(parts)) {
        needs.set(stockId, (needs.get(stockId) ?? 0) + qty * times);
      }
    };
    for (const use of usage) {
      const recipe = this.recipe(use.itemId);
      if (!recipe) continue;
      add(recipe.base, use.qty);
      for (const option of use.modifiers) {
        add(recipe.modifiers[option] ?? {}, use.qty);
      }
    }
    for (const [stockId, qty] of needs) if (qty === 0) needs.delete(stockId);
    return needs;
  }

  // Sales ---------------------------------------------------------------

  /**
   * Uses the stock of units sent to the kitchen, once per `ref` (a ticket
   * id): a replay of the same ref finds its movements and writes nothing.
   * Returns the movements written.
   */
  consume(input: { ref: string; usage: readonly Usage[] }): StockMove[] {
    return this.#bySale('fire', input.ref, input.usage, -1);
  }

  /**
   * Puts back the stock of credited units, once per `ref` (the credit
   * note): for when the manager says the goods go back on the shelf.
   */
  restock(input: { ref: string; usage: readonly Usage[] }): StockMove[] {
    return this.#bySale('return', input.ref, input.usage, 1);
  }

  // Availability --------------------------------------------------------

  /** 86s an item by hand (`available` false) or lifts the hand 86. */
  setAvailable(input: { itemId: string; available: boolean }): void {
    const itemId = check.id(input.itemId, 'itemId');
    if (typeof input.available !== 'boolean') {
      throw new ModelError('invalid-argument', 'available must be a boolean');
    }
    this.#write((tx) => {
      tx.create(INV.availability, itemId, {});
      tx.set(INV.availability, itemId, AVAIL.available, input.available);
      tx.set(INV.availability, itemId, AVAIL.by, this.device);
      tx.set(INV.availability, itemId, AVAIL.at, this.#now());
    });
  }

  /**
   * Whether an item may be sold: not 86'd by hand, and no ingredient of
   * its base recipe at or below zero. A modifier option whose ingredient
   * ran out is listed in `modifiersSoldOut`: that option is refused, the
   * dish is not.
   */
  availability(itemId: string): ItemAvailability {
    const r = isValidId(itemId)
      ? this.engine.record(INV.availability, itemId)
      : undefined;
    const manual = r ? !decodeAvailability(r).available : false;
    const recipe = this.recipe(itemId);
    const level = (id: string) => this.stockItem(id)?.level;
    const soldOut = outOf(recipe?.base ?? {}, level);
    return {
      itemId,
      available: !manual && soldOut.length === 0,
      manual,
      soldOut,
      modifiersSoldOut: optionsOut(recipe, level),
    };
  }

  /**
   * The menu with every unavailable item marked `available: false` and
   * each item's options whose ingredients ran out in `soldOutModifiers`:
   * give it to a `ServiceDay`, which then refuses new lines for them with
   * `item-unavailable` and leaves lines already taken alone.
   */
  overlay(menu: Menu): Menu {
    return {
      ...menu,
      items: menu.items.map((item) => {
        const a = this.availability(item.id);
        const sold = item.available && !a.available;
        const shown = sold ? { ...item, available: false } : item;
        return withOptionsOut(menu, shown, a.modifiersSoldOut);
      }),
    };
  }

  // Views ---------------------------------------------------------------

  /** Menu items 86'd by hand, sorted. */
  eightySixed(): string[] {
    return this.engine
      .ids(INV.availability)
      .filter((id) => this.availability(id).manual)
      .sort();
  }

  stockItem(id: string): StockItem | undefined {
    if (!isValidId(id)) return undefined;
    const r = this.engine.record(INV.stock, id);
    return r ? decodeStock(r) : undefined;
  }

  /** Every stock item with its level, movements by kind, low and overshoot. */
  levels(): StockLevel[] {
    return stockLevels(this.#stockItems(), this.moves());
  }

  /**
   * Every movement, oldest first (ties by id). Movements are never pruned:
   * the document grows by one small record per ticket and stock item used,
   * so a very busy branch's inventory document grows without bound.
   */
  moves(): StockMove[] {
    return this.engine
      .ids(INV.moves)
      .map((id) => decodeMove(this.engine.record(INV.moves, id)!))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  /** Calls `listener` after every change of the inventory, local or received. */
  onChange(listener: (change: { local: boolean }) => void): () => void {
    return this.#listeners.add(listener);
  }

  // Internals -----------------------------------------------------------

  #stockItems(): StockItem[] {
    return this.engine
      .ids(INV.stock)
      .map((id) => decodeStock(this.engine.record(INV.stock, id)!))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  #stockOf(id: string): StockItem {
    const item = this.stockItem(id);
    if (!item) throw new ModelError('unknown-stock', `no stock item ${id}`);
    return item;
  }

  #components(value: unknown, name: string, signed: boolean): Components {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ModelError('invalid-argument', `${name} must be an object`);
    }
    const parts: Components = {};
    for (const [stockId, qty] of Object.entries(value)) {
      this.#stockOf(stockId);
      parts[stockId] = check.portion(qty, `${name}.${stockId}`, signed);
    }
    return parts;
  }

  #bySale(
    kind: 'fire' | 'return',
    ref: string,
    usage: readonly Usage[],
    sign: 1 | -1,
  ): StockMove[] {
    const checkedRef = check.note(ref);
    const needs = this.needs(usage);
    const written: StockMove[] = [];
    const at = this.#now();
    this.#write((tx) => {
      for (const [stockId, qty] of [...needs].sort()) {
        const id = `${kind[0]}-${hash53(`${checkedRef}\n${stockId}`)}`;
        if (this.engine.record(INV.moves, id)) continue;
        if (!this.engine.record(INV.stock, stockId)) continue;
        this.#move(tx, id, stockId, sign * qty, kind, checkedRef);
        written.push({
          id,
          stockId,
          delta: sign * qty,
          kind,
          ref: checkedRef,
          by: this.device,
          at,
        });
      }
    });
    return written;
  }

  #move(
    tx: EngineWriter,
    id: string,
    stockId: string,
    delta: number,
    kind: MoveKind,
    ref: string,
  ): void {
    tx.create(
      INV.moves,
      id,
      moveFields({
        stockId,
        delta,
        kind,
        ref,
        by: this.device,
        at: this.#now(),
      }),
    );
    tx.add(INV.stock, stockId, STOCK.level, delta);
  }

  #write(build: (tx: EngineWriter) => void): void {
    this.engine.transact(this.device, build);
  }
}
