import type { Test } from 'uvu';
import { CustomerBook } from '../customers/customer-book.ts';
import { ServiceDay } from '../day/service-day.ts';
import type { Engine } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import type { ClaimId, TicketId } from '../ids.ts';
import { fireTickets, restockCredit } from '../inventory/firing.ts';
import { Inventory } from '../inventory/inventory.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import { stockBurgers } from './examples-inventory.ts';
import type { EngineFactory } from './factories.ts';
import { SimNetwork } from './network.ts';
import { Prng } from './prng.ts';
import { randomOperation } from './random-ops.ts';
import type { ScheduleOptions } from './schedules.ts';

/** One replica: a till with its day, its inventory and the customer book. */
interface Till {
  day: ServiceDay;
  stock: Inventory;
  book: CustomerBook;
}

const PHONES = ['07700900001', '07700900002', '07700900003'];

/**
 * One seeded schedule of sales, stock and loyalty: 3 to 4 tills, each with
 * three documents (day, inventory, customers) on three simulated networks
 * that delay, reorder, duplicate, drop and partition. Every ticket a till
 * sends is fired against stock; credit notes restock; customers are
 * created (often with the same phone), earn, redeem and are merged. After
 * healing, every replica must agree, and:
 * - each level equals initial − everything fired (recomputed from the
 *   day's tickets and the recipes) + everything returned + adjustments;
 * - each customer record's points equal its loyalty movements, and the
 *   organisation's points equal everything earned minus redeemed.
 */
export function runStockSchedule(factory: EngineFactory, seed: number): number {
  const prng = new Prng(seed);
  const count = prng.int(3, 4);
  let step = 0;
  const now = (i: number) => () => 1_796_000_000_000 + step * 1000 + i;
  const ids = (prefix: string) => {
    let n = 0;
    return () => `${prefix}-${(n++).toString(36)}`;
  };
  const docs = [0, 1, 2].map(() =>
    Array.from({ length: count }, (_, i) => factory.create(i)),
  );
  const [dayEngines, stockEngines, bookEngines] = docs as [
    Engine[],
    Engine[],
    Engine[],
  ];
  const tills: Till[] = dayEngines.map((engine, i) => {
    const device = `till-${i + 1}`;
    const stock = new Inventory(stockEngines[i]!, {
      device,
      now: now(i),
      newId: ids(`s${i}`),
    });
    const day = new ServiceDay(engine, {
      device,
      menu: () => stock.overlay(demoMenu),
      now: now(i),
      newId: ids(`r${i}s${seed}`),
    });
    const book = new CustomerBook(bookEngines[i]!, {
      device,
      countryCode: '44',
      now: now(i),
      newId: ids(`c${i}`),
    });
    return { day, stock, book };
  });
  const fail = (why: string): never => {
    throw new Error(
      `${factory.name} stock schedule seed ${seed} failed: ${why}`,
    );
  };

  // Stock and recipes are set up on one till and reach the others first.
  stockBurgers(tills[0]!.stock, prng.int(2, 12));
  for (const engine of stockEngines.slice(1)) {
    engine.applyUpdate(stockEngines[0]!.encodeState());
  }
  const networks = docs.map((engines) => new SimNetwork(engines, prng));
  const tally = { earned: 0, redeemed: 0, done: 0 };
  const returned = new Map<string, number>();

  const steps = prng.int(40, 90);
  for (step = 0; step < steps; step++) {
    const action = prng.weighted([
      [4, 'sale'],
      [3, 'stock-or-loyalty'],
      [3, 'deliver'],
      [0.4, 'partition'],
      [0.4, 'heal'],
    ] as const);
    const till = tills[prng.int(0, count - 1)]!;
    if (action === 'sale') {
      randomOperation(prng, till.day, demoMenu);
      fireOwnTickets(till);
    } else if (action === 'stock-or-loyalty') {
      if (stockOrLoyalty(prng, till, tally, returned)) tally.done++;
    } else if (action === 'deliver') {
      for (const network of networks) network.step();
    } else if (action === 'partition') {
      for (const network of networks) network.partition();
    } else {
      const exchange = prng.chance(0.3);
      for (const network of networks) network.heal(exchange);
    }
  }
  for (const network of networks) {
    network.heal();
    network.close();
  }

  const views = tills.map((t) =>
    JSON.stringify({
      levels: t.stock.levels(),
      moves: t.stock.moves(),
      burger: t.stock.availability('burger'),
      customers: t.book.customers(),
      duplicates: t.book.duplicates(),
      loyalty: t.book.loyaltyMoves(),
    }),
  );
  views.forEach((v, i) => {
    if (v !== views[0]) fail(`replica ${i} differs from replica 0`);
  });
  checkStock(tills[0]!, returned, fail);
  checkPoints(tills[0]!.book, tally, fail);
  return tally.done;
}

/** Fires every ticket this till sent (a replay of one already fired writes nothing). */
function fireOwnTickets({ day, stock }: Till): void {
  const mine = [...day.snapshot().tickets.values()]
    .filter((t) => t.sentBy === day.device)
    .map((t) => t.id as TicketId);
  fireTickets(stock, day, mine);
}

function stockOrLoyalty(
  prng: Prng,
  { day, stock, book }: Till,
  tally: { earned: number; redeemed: number },
  returned: Map<string, number>,
): boolean {
  const customers = book.customers().filter((c) => !c.erased);
  const anyone = () => prng.pick(customers).id;
  try {
    const op = prng.int(0, 8);
    if (op === 0) {
      stock.adjust({
        stockId: prng.pick(['patty', 'cheese', 'milk']),
        delta: prng.pick([-3, -1, 2, 5]),
        reason: prng.pick(['delivery', 'waste', 'count']),
      });
    } else if (op === 1) {
      stock.setAvailable({
        itemId: prng.pick(['burger', 'soup']),
        available: prng.chance(0.5),
      });
    } else if (op === 2) {
      const claims = [...day.snapshot().claims.values()];
      if (claims.length === 0) return false;
      const claim = prng.pick(claims);
      const lines = [...day.snapshot().lines.values()].filter(
        (l) => l.orderId === claim.orderId,
      );
      const docNo = `${day.device}-cn-${prng.int(1, 5)}`;
      const credited = new Map(lines.map((l) => [l.id, prng.int(0, 2)]));
      for (const move of restockCredit(stock, day, docNo, credited)) {
        returned.set(
          move.stockId,
          (returned.get(move.stockId) ?? 0) + move.delta,
        );
      }
      day.creditClaim({ claimId: claim.id as ClaimId, creditDocNo: docNo });
    } else if (op === 3 || customers.length === 0) {
      book.createCustomer({
        name: `Guest ${prng.int(1, 99)}`,
        phone: prng.pick(PHONES),
      });
    } else if (op <= 5) {
      const move = book.earn({
        customerId: anyone(),
        points: prng.int(1, 40),
        ref: `${day.device}/${prng.int(1, 30)}`,
      });
      tally.earned += move?.delta ?? 0;
    } else if (op === 6) {
      const move = book.redeem({
        customerId: anyone(),
        points: prng.int(1, 20),
        reason: 'discount',
        ref: `${day.device}/u${prng.int(1, 30)}`,
      });
      tally.redeemed -= move?.delta ?? 0;
    } else if (op === 7) {
      const pairs = book.duplicates().map((d) => d.ids);
      const dup = {
        ids: prng.pick(pairs.length ? pairs : [[anyone(), anyone()]]),
      };
      book.merge({ keep: dup.ids[0]!, drop: dup.ids[1]! });
    } else {
      book.attachOrder({
        customerId: anyone(),
        orderRef: `b1/2026-12-03/o${prng.int(1, 9)}`,
      });
    }
    return true;
  } catch (error) {
    if (error instanceof ModelError) return false;
    throw error;
  }
}

function checkStock(
  { day, stock }: Till,
  returned: ReadonlyMap<string, number>,
  fail: (why: string) => never,
): void {
  const snapshot = day.snapshot();
  const fired = stock.needs(
    [...snapshot.tickets.values()].flatMap((t) =>
      t.items.map((item) => {
        const line = snapshot.lines.get(item.lineId)!;
        return {
          itemId: line.itemId,
          modifiers: line.modifiers.map((m) => m.id),
          qty: item.qty,
        };
      }),
    ),
  );
  const adjusted = new Map<string, number>();
  for (const move of stock.moves()) {
    if (move.kind !== 'fire' && move.kind !== 'return') {
      adjusted.set(
        move.stockId,
        (adjusted.get(move.stockId) ?? 0) + move.delta,
      );
    }
  }
  for (const item of stock.levels()) {
    const expected =
      item.initial -
      (fired.get(item.id) ?? 0) +
      (returned.get(item.id) ?? 0) +
      (adjusted.get(item.id) ?? 0);
    if (item.level !== expected) {
      fail(
        `${item.id} is at ${item.level}; initial − fired + returned + adjusted is ${expected}`,
      );
    }
    if (
      item.level !==
      item.initial - item.fired + item.returned + item.adjusted
    ) {
      fail(`${item.id}: the counter and the movements disagree`);
    }
  }
  const burger = stock.availability('burger');
  const patty = stock.stockItem('patty')!.level;
  if (patty <= 0 && burger.available) fail('burger on sale with no patties');
}

function checkPoints(
  book: CustomerBook,
  tally: { earned: number; redeemed: number },
  fail: (why: string) => never,
): void {
  const moves = book.loyaltyMoves();
  for (const record of book.records()) {
    const own = moves
      .filter((m) => m.customerId === record.id)
      .reduce((a, m) => a + m.delta, 0);
    if (own !== record.ownPoints)
      fail(`${record.id} holds ${record.ownPoints}, its movements ${own}`);
  }
  const total = book.customers().reduce((a, c) => a + c.points, 0);
  if (total !== tally.earned - tally.redeemed) {
    fail(`points ${total}, earned − redeemed ${tally.earned - tally.redeemed}`);
  }
}

/** Registers one test per seeded stock and loyalty schedule. */
export function stockSchedules(
  test: Test,
  factory: EngineFactory,
  options: ScheduleOptions = {},
): void {
  // An eighth as many as the day schedules: each runs three documents per till.
  const count = Math.ceil((options.count ?? 200) / 8);
  const first = options.firstSeed ?? 1;
  let done = 0;
  for (let seed = first; seed < first + count; seed++) {
    test(`stock schedule seed ${seed}: levels and points add up on every replica`, () => {
      done += runStockSchedule(factory, seed);
    });
  }
  test('stock schedules exercise stock and loyalty operations', () => {
    if (count > 0 && done < count * 5) {
      throw new Error(
        `too little happened: ${done} stock and loyalty operations`,
      );
    }
  });
}
