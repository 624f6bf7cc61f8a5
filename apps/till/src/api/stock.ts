/**
 * The stock endpoints of the local API: levels with movements and 86s,
 * hand adjustments with a reason, and hand 86s. Paths and bodies are the
 * issue's contract.
 */
import {
  ADJUST_REASONS,
  type Components,
  type StockUnit,
} from '@brigade/crdt-model';
import type { TillDocuments } from '../core/documents.ts';
import { badRequest } from '../http/api-error.ts';
import type { Router } from '../http/router.ts';
import { translated } from './model-errors.ts';
import {
  integer,
  objectBody,
  optionalInteger,
  optionalText,
  text,
} from './validate.ts';

/** The menu items with their availability, for `GET /api/stock`. */
function itemsOf(docs: TillDocuments) {
  if (docs.menu.isEmpty) return [];
  return docs.currentMenu().items.map((item) => {
    const a = docs.inventory.availability(item.id);
    return {
      itemId: item.id,
      name: item.name,
      available: item.available && a.available,
      manual: a.manual,
      soldOut: a.soldOut,
      modifiersSoldOut: a.modifiersSoldOut,
    };
  });
}

/**
 * Stock levels, menu items with their availability, the stock ids at or
 * below their threshold and the items that cannot be sold (86'd by hand
 * or sold out): the body of `GET /api/stock` and of the `stock` event.
 */
export function stockView(docs: TillDocuments) {
  const stock = docs.inventory.levels();
  const items = itemsOf(docs);
  return {
    stock,
    items,
    low: stock.filter((l) => l.low).map((l) => l.id),
    unavailable: items.filter((i) => !i.available).map((i) => i.itemId),
  };
}

/** Coalescing delay of the `stock` event: a burst of sales sends one. */
export const STOCK_EVENT_DELAY_MS = 50;

/**
 * Calls `publish` with {@link stockView} now and after every change of
 * the stock or the menu, local or synced in (a burst coalesced), so
 * screens show a level or an 86 at once. Returns the unsubscribe.
 */
export function watchStock(
  docs: TillDocuments,
  publish: (view: ReturnType<typeof stockView>) => void,
  onError: (error: unknown) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  // A menu that concurrent edits left inconsistent refuses to be read:
  // the event waits for the next change instead of stopping the till.
  const send = () => {
    try {
      publish(stockView(docs));
    } catch (error) {
      onError(error);
    }
  };
  const soon = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      send();
    }, STOCK_EVENT_DELAY_MS);
  };
  const offStock = docs.inventory.onChange(soon);
  const offMenu = docs.menu.onChange(soon);
  send();
  return () => {
    offStock();
    offMenu();
    clearTimeout(timer);
  };
}

export function registerStockRoutes(router: Router, docs: TillDocuments): void {
  const ok = (body: unknown) => ({ status: 200, body });
  router
    .on('GET', '/api/stock', () => ok(stockView(docs)))
    .on('POST', '/api/stock', ({ body }) => {
      const b = objectBody(body);
      const id = text(b, 'id', 100);
      const input = {
        id,
        name: text(b, 'name', 100),
        unit: text(b, 'unit', 20) as StockUnit,
        initial:
          optionalInteger(b, 'initial', { min: 0, max: 1_000_000_000 }) ?? 0,
        threshold:
          optionalInteger(b, 'threshold', { min: 0, max: 1_000_000_000 }) ?? 0,
      };
      translated(() => docs.inventory.defineStock(input));
      return {
        status: 201,
        body: docs.inventory.levels().find((l) => l.id === id),
      };
    })
    .on('POST', '/api/recipes/:itemId', ({ params, body }) => {
      const b = objectBody(body);
      const itemId = params.itemId!;
      if (!docs.currentMenu().items.some((i) => i.id === itemId)) {
        throw badRequest('unknown-item', `no menu item ${itemId}`, 'itemId');
      }
      const recipe = {
        itemId,
        base: b.base as Components,
        ...(b.modifiers === undefined
          ? {}
          : { modifiers: b.modifiers as Record<string, Components> }),
      };
      translated(() => docs.inventory.setRecipe(recipe));
      return ok(docs.inventory.recipe(itemId));
    })
    .on('POST', '/api/stock/:id/adjust', ({ params, body }) => {
      const b = objectBody(body);
      const delta = integer(b, 'delta', {
        min: -1_000_000_000,
        max: 1_000_000_000,
      });
      if (delta === 0)
        throw badRequest('invalid-field', 'delta must not be 0', 'delta');
      const reason = text(b, 'reason', 20);
      if (!ADJUST_REASONS.includes(reason as never)) {
        throw badRequest(
          'invalid-field',
          `reason must be one of ${ADJUST_REASONS.join(', ')}`,
          'reason',
        );
      }
      const note = optionalText(b, 'note', 200);
      const id = params.id!;
      const move = translated(() =>
        docs.inventory.adjust({
          stockId: id,
          delta,
          reason,
          ...(note ? { note } : {}),
        }),
      );
      return ok({
        move,
        stock: docs.inventory.levels().find((l) => l.id === id),
      });
    })
    .on('POST', '/api/items/:id/availability', ({ params, body }) => {
      const b = objectBody(body);
      if (typeof b.available !== 'boolean') {
        throw badRequest(
          'invalid-field',
          'available must be true or false',
          'available',
        );
      }
      const itemId = params.id!;
      if (!docs.currentMenu().items.some((i) => i.id === itemId)) {
        throw badRequest('unknown-item', `no menu item ${itemId}`, 'itemId');
      }
      translated(() =>
        docs.inventory.setAvailable({
          itemId,
          available: b.available as boolean,
        }),
      );
      return ok(docs.inventory.availability(itemId));
    });
}
