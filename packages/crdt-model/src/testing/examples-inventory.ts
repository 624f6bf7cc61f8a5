import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceDay } from '../day/service-day.ts';
import { ModelError } from '../errors.ts';
import { fireTickets, restockCredit } from '../inventory/firing.ts';
import { Inventory } from '../inventory/inventory.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { EngineFactory } from './factories.ts';

/** One till: a day and an inventory, each on its own document. */
interface StockTill {
  day: ServiceDay;
  stock: Inventory;
}

/** Tills sharing one day document and one inventory document. */
export function stockTills(factory: EngineFactory, count: number) {
  let clock = 1_796_000_000_000;
  const now = () => (clock += 1000);
  const stockEngines = Array.from({ length: count }, (_, i) =>
    factory.create(i),
  );
  const dayEngines = Array.from({ length: count }, (_, i) => factory.create(i));
  const tills: StockTill[] = stockEngines.map((engine, i) => {
    const stock = new Inventory(engine, { device: `till-${i + 1}`, now });
    const day = new ServiceDay(dayEngines[i]!, {
      device: `till-${i + 1}`,
      menu: () => stock.overlay(demoMenu),
      now,
    });
    return { day, stock };
  });
  const syncAll = () => {
    for (const engines of [stockEngines, dayEngines]) {
      for (const a of engines) {
        for (const b of engines) if (a !== b) b.applyUpdate(a.encodeState());
      }
    }
  };
  return { tills, syncAll };
}

/** Beef patties, cheese slices and buns, with recipes for the burger. */
export function stockBurgers(stock: Inventory, patties: number): void {
  stock.defineStock({
    id: 'patty',
    name: 'Beef patty',
    unit: 'piece',
    initial: patties,
    threshold: 2,
  });
  stock.defineStock({
    id: 'cheese',
    name: 'Cheddar',
    unit: 'gram',
    initial: 1000,
  });
  stock.defineStock({
    id: 'milk',
    name: 'Milk',
    unit: 'millilitre',
    initial: 2000,
  });
  stock.setRecipe({
    itemId: 'burger',
    base: { patty: 1 },
    modifiers: { 'add-cheese': { cheese: 30 } },
  });
  stock.setRecipe({
    itemId: 'flat-white',
    base: { milk: 150 },
    modifiers: { 'no-milk': { milk: -150 }, 'oat-milk': { milk: -150 } },
  });
}

const level = (stock: Inventory, id: string) => stock.stockItem(id)!.level;

export function inventoryExamples(test: Test, factory: EngineFactory): void {
  test('inventory: stock is used when a line is sent, never when it is added or voided unsent', () => {
    const { tills } = stockTills(factory, 1);
    const { day, stock } = tills[0]!;
    stockBurgers(stock, 10);
    const order = day.openOrder({ table: '1' });
    const kept = day.addLine({
      orderId: order,
      itemId: 'burger',
      qty: 2,
      modifiers: ['medium', 'add-cheese'],
    });
    const voided = day.addLine({
      orderId: order,
      itemId: 'burger',
      modifiers: ['rare'],
    });
    assert.is(level(stock, 'patty'), 10);
    day.voidLine({ lineId: voided, reason: 'guest changed mind' });
    fireTickets(stock, day, day.sendToKitchen({ orderId: order }));
    assert.is(level(stock, 'patty'), 8);
    assert.is(level(stock, 'cheese'), 940);
    day.changeQuantity({ lineId: kept, delta: 1 });
    const again = day.sendToKitchen({ orderId: order });
    fireTickets(stock, day, again);
    fireTickets(stock, day, again);
    assert.is(level(stock, 'patty'), 7, 'a replayed ticket uses stock once');
    const row = stock.levels().find((l) => l.id === 'patty')!;
    assert.equal([row.fired, row.returned, row.adjusted], [3, 0, 0]);
  });

  test('inventory: modifiers add or remove what they use', () => {
    const { tills } = stockTills(factory, 1);
    const { day, stock } = tills[0]!;
    stockBurgers(stock, 10);
    const order = day.openOrder({ table: '2' });
    day.addLine({
      orderId: order,
      itemId: 'flat-white',
      qty: 2,
      modifiers: [],
    });
    day.addLine({
      orderId: order,
      itemId: 'flat-white',
      modifiers: ['oat-milk'],
    });
    fireTickets(stock, day, day.sendToKitchen({ orderId: order }));
    assert.is(level(stock, 'milk'), 1700);
  });

  test('inventory: two tills selling the last portions offline overshoot, and both 86 the item once they meet', () => {
    const { tills, syncAll } = stockTills(factory, 2);
    stockBurgers(tills[0]!.stock, 3);
    syncAll();
    const orders = tills.map(({ day }) => day.openOrder({ table: day.device }));
    const taken = tills.map(({ day }, i) =>
      day.addLine({
        orderId: orders[i]!,
        itemId: 'burger',
        qty: 2,
        modifiers: ['medium'],
      }),
    );
    for (const [i, { day, stock }] of tills.entries()) {
      fireTickets(stock, day, day.sendToKitchen({ orderId: orders[i]! }));
    }
    for (const { stock } of tills) {
      assert.is(stock.availability('burger').available, true, 'each saw 1');
    }
    syncAll();
    for (const { day, stock } of tills) {
      const patty = stock.levels().find((l) => l.id === 'patty')!;
      assert.equal([patty.level, patty.fired, patty.overshoot], [-1, 4, 1]);
      assert.equal(stock.availability('burger'), {
        itemId: 'burger',
        available: false,
        manual: false,
        soldOut: ['patty'],
        modifiersSoldOut: [],
      });
      const other = day.openOrder({ table: 'late' });
      assert.throws(
        () =>
          day.addLine({
            orderId: other,
            itemId: 'burger',
            modifiers: ['rare'],
          }),
        (e: unknown) =>
          e instanceof ModelError && e.code === 'item-unavailable',
      );
      for (const [i, lineId] of taken.entries()) {
        const view = day.order(orders[i]!)!;
        assert.ok(
          view.lines.some((l) => l.id === lineId && !l.void),
          'lines taken stay',
        );
      }
    }
    tills[1]!.stock.adjust({ stockId: 'patty', delta: 11, reason: 'delivery' });
    syncAll();
    tills.forEach(({ stock }) => {
      assert.is(level(stock, 'patty'), 10);
      assert.is(stock.availability('burger').available, true);
    });
  });

  test('inventory: a modifier whose ingredient ran out is refused on every till, the dish without it still sells', () => {
    const { tills, syncAll } = stockTills(factory, 2);
    stockBurgers(tills[0]!.stock, 10);
    syncAll();
    tills[0]!.stock.adjust({
      stockId: 'cheese',
      delta: -1000,
      reason: 'waste',
    });
    syncAll();
    for (const { day, stock } of tills) {
      const burger = stock.availability('burger');
      assert.equal(
        [burger.available, burger.modifiersSoldOut],
        [true, ['add-cheese']],
      );
      const item = stock
        .overlay(demoMenu)
        .items.find((i) => i.id === 'burger')!;
      assert.equal(item.soldOutModifiers, ['add-cheese']);
      const orderId = day.openOrder({ table: 'm' });
      assert.throws(
        () =>
          day.addLine({
            orderId,
            itemId: 'burger',
            modifiers: ['medium', 'add-cheese'],
          }),
        (e: unknown) =>
          e instanceof ModelError &&
          e.code === 'item-unavailable' &&
          /Add cheddar/.test(e.message),
      );
      day.addLine({ orderId, itemId: 'burger', modifiers: ['medium'] });
    }
    // A removal (a negative quantity) never makes an option unavailable.
    tills[0]!.stock.adjust({ stockId: 'milk', delta: -2000, reason: 'waste' });
    syncAll();
    for (const { stock } of tills) {
      assert.equal(stock.availability('flat-white').modifiersSoldOut, []);
    }
  });

  test('inventory: a dish is sold out when a choice it requires has no option left', () => {
    const { tills } = stockTills(factory, 1);
    const { day, stock } = tills[0]!;
    stock.defineStock({
      id: 'ribeye',
      name: 'Rib-eye',
      unit: 'piece',
      initial: 1,
    });
    const each = { ribeye: 1 };
    stock.setRecipe({
      itemId: 'steak',
      base: {},
      modifiers: {
        rare: each,
        'medium-rare': each,
        medium: each,
        'well-done': each,
      },
    });
    const steak = () =>
      stock.overlay(demoMenu).items.find((i) => i.id === 'steak')!;
    assert.is(steak().available, true);
    stock.adjust({ stockId: 'ribeye', delta: -1, reason: 'waste' });
    assert.equal(
      [steak().available, steak().soldOutModifiers!.length],
      [false, 4],
    );
    const orderId = day.openOrder({ table: 's' });
    assert.throws(
      () => day.addLine({ orderId, itemId: 'steak', modifiers: ['rare'] }),
      (e: unknown) => e instanceof ModelError && e.code === 'item-unavailable',
    );
  });

  test('inventory: a hand 86 shows on every till and can be lifted', () => {
    const { tills, syncAll } = stockTills(factory, 2);
    tills[0]!.stock.setAvailable({ itemId: 'soup', available: false });
    syncAll();
    const { day, stock } = tills[1]!;
    assert.equal(stock.availability('soup'), {
      itemId: 'soup',
      available: false,
      manual: true,
      soldOut: [],
      modifiersSoldOut: [],
    });
    assert.is(
      stock.overlay(demoMenu).items.find((i) => i.id === 'soup')!.available,
      false,
    );
    const order = day.openOrder({ table: '3' });
    assert.throws(
      () => day.addLine({ orderId: order, itemId: 'soup' }),
      /not available/,
    );
    stock.setAvailable({ itemId: 'soup', available: true });
    syncAll();
    assert.is(tills[0]!.stock.availability('soup').available, true);
  });

  test('inventory: a credit note puts stock back once, when asked', () => {
    const { tills } = stockTills(factory, 1);
    const { day, stock } = tills[0]!;
    stockBurgers(stock, 5);
    const order = day.openOrder({ table: '4' });
    const line = day.addLine({
      orderId: order,
      itemId: 'burger',
      qty: 2,
      modifiers: ['medium'],
    });
    fireTickets(stock, day, day.sendToKitchen({ orderId: order }));
    restockCredit(stock, day, 'till-1-cn-1', new Map([[line, 1]]));
    restockCredit(stock, day, 'till-1-cn-1', new Map([[line, 1]]));
    const row = stock.levels().find((l) => l.id === 'patty')!;
    assert.equal([row.level, row.fired, row.returned], [4, 2, 1]);
  });

  test('inventory: adjustments need a known item, a whole delta and a reason', () => {
    const { tills } = stockTills(factory, 1);
    const { stock } = tills[0]!;
    stockBurgers(stock, 5);
    const refused = (code: string, run: () => unknown) => {
      const before = stock.engine.encodeState();
      assert.throws(
        run,
        (e: unknown) => e instanceof ModelError && e.code === code,
      );
      assert.equal(stock.engine.encodeState(), before);
    };
    refused('unknown-stock', () =>
      stock.adjust({ stockId: 'nope', delta: 1, reason: 'waste' }),
    );
    refused('invalid-quantity', () =>
      stock.adjust({ stockId: 'patty', delta: 0.5, reason: 'waste' }),
    );
    refused('invalid-argument', () =>
      stock.adjust({ stockId: 'patty', delta: -1, reason: 'lunch' }),
    );
    refused('invalid-argument', () =>
      stock.defineStock({ id: 'x', name: 'X', unit: 'litre' as 'gram' }),
    );
    refused('unknown-stock', () =>
      stock.setRecipe({ itemId: 'soup', base: { leeks: 1 } }),
    );
    stock.adjust({ stockId: 'patty', delta: -2, reason: 'waste' });
    stock.adjust({ stockId: 'patty', delta: 1, reason: 'count' });
    const row = stock.levels().find((l) => l.id === 'patty')!;
    assert.equal([row.level, row.adjusted, row.low], [4, -1, false]);
    stock.adjust({ stockId: 'patty', delta: -2, reason: 'waste' });
    assert.is(stock.levels().find((l) => l.id === 'patty')!.low, true);
  });
}
