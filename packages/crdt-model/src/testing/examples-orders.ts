import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceDay } from '../day/service-day.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { EngineFactory } from './factories.ts';
import { allViews, refuses, replicas, singleDay } from './harness.ts';

/** Worked examples: orders and lines. */
export function orderExamples(test: Test, factory: EngineFactory): void {
  test('opens an order and prices lines from the menu', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '7', guests: 3 });
    day.addLine({
      orderId,
      itemId: 'burger',
      qty: 2,
      modifiers: ['medium', 'add-bacon', 'add-cheese'],
      note: 'no pickles',
      seat: 1,
      course: 2,
    });
    day.addLine({ orderId, itemId: 'chips' });
    day.addLine({ orderId, itemId: 'lager', qty: 2 });
    day.addLine({ orderId, itemId: 'tap-water', qty: 2 });
    const order = day.order(orderId)!;
    assert.is(order.table, '7');
    assert.is(order.guests, 3);
    assert.is(order.status, 'open');
    assert.equal(
      order.lines.map((l) => [l.itemId, l.qty, l.lineTotal]),
      [
        ['burger', 2, 3800],
        ['chips', 1, 450],
        ['lager', 2, 1250],
        ['tap-water', 2, 0],
      ],
    );
    assert.is(order.lines[0]!.note, 'no pickles');
    assert.is(order.lines[0]!.seat, 1);
    assert.is(order.lines[0]!.course, 2);
    // 5500 includes VAT 20%: 5500 × 2000 / 12000 = 916.67 → 917.
    assert.equal(order.totals, {
      subtotal: 5500,
      discount: 0,
      serviceCharge: 0,
      taxes: [
        {
          rateId: 'vat-std',
          name: 'VAT 20%',
          basisPoints: 2000,
          inclusive: true,
          base: 4583,
          tax: 917,
        },
        {
          rateId: 'vat-zero',
          name: 'VAT 0%',
          basisPoints: 0,
          inclusive: true,
          base: 0,
          tax: 0,
        },
      ],
      tax: 917,
      taxAdded: 0,
      total: 5500,
    });
  });

  test('keeps the price of a line when the menu changes later', () => {
    let price = 650;
    const r = replicas(factory, 1, {
      menu: () => ({
        ...demoMenu,
        items: demoMenu.items.map((i) =>
          i.id === 'soup' ? { ...i, price } : i,
        ),
      }),
    });
    const day = r.days[0]!;
    const orderId = day.openOrder({ table: '1' });
    day.addLine({ orderId, itemId: 'soup' });
    price = 700;
    day.addLine({ orderId, itemId: 'soup' });
    assert.equal(
      day.order(orderId)!.lines.map((l) => l.unitPrice),
      [650, 700],
    );
  });

  test('keeps both waiters’ increments', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '3' });
    const lineId = a.addLine({ orderId, itemId: 'lager' });
    r.syncAll();
    a.changeQuantity({ lineId, delta: 1 });
    b.changeQuantity({ lineId, delta: 1 });
    r.syncAll();
    assert.is(a.order(orderId)!.lines[0]!.qty, 3);
    assert.is(b.order(orderId)!.lines[0]!.qty, 3);
    a.changeQuantity({ lineId, delta: -2 });
    r.syncAll();
    assert.is(b.order(orderId)!.lines[0]!.qty, 1);
  });

  test('keeps adding to its own contribution after a restart', () => {
    const r = replicas(factory, 1);
    const day = r.days[0]!;
    const orderId = day.openOrder({ table: '3' });
    const lineId = day.addLine({ orderId, itemId: 'lager' });
    day.changeQuantity({ lineId, delta: 2 });
    const restarted = factory.load(r.engines[0]!.encodeState(), 0);
    const again = new ServiceDay(restarted, {
      device: 'till-1',
      menu: demoMenu,
    });
    again.changeQuantity({ lineId, delta: 1 });
    r.engines[0]!.applyUpdate(restarted.encodeState());
    assert.is(day.order(orderId)!.lines[0]!.qty, 4);
    assert.is(again.order(orderId)!.lines[0]!.qty, 4);
  });

  test('reports concurrent decreases below zero and shows zero', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '3' });
    const lineId = a.addLine({ orderId, itemId: 'lager' });
    r.syncAll();
    a.changeQuantity({ lineId, delta: -1 });
    b.changeQuantity({ lineId, delta: -1 });
    r.syncAll();
    assert.is(a.order(orderId)!.lines[0]!.qty, 0);
    assert.is(a.order(orderId)!.totals.total, 0);
    const found = a.conflicts();
    assert.equal(
      found.map((c) => c.kind),
      ['quantity-below-zero'],
    );
    assert.equal(allViews(a.snapshot()), allViews(b.snapshot()));
  });

  test('voids a line for good, with who, when and why', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '5' });
    const lineId = a.addLine({ orderId, itemId: 'steak', modifiers: ['rare'] });
    a.addLine({ orderId, itemId: 'chips' });
    r.syncAll();
    a.voidLine({ lineId, reason: 'guest changed mind', by: 'manager-ann' });
    b.changeQuantity({ lineId, delta: 1 });
    r.syncAll();
    for (const day of [a, b]) {
      const line = day.order(orderId)!.lines[0]!;
      assert.is(line.void?.by, 'manager-ann');
      assert.is(line.void?.reason, 'guest changed mind');
      assert.ok((line.void?.at ?? 0) > 0);
      assert.is(line.lineTotal, 0);
      assert.is(day.order(orderId)!.totals.total, 450);
    }
    refuses(r.engines[1]!, 'line-voided', () =>
      b.changeQuantity({ lineId, delta: 1 }),
    );
    refuses(r.engines[1]!, 'line-voided', () =>
      b.voidLine({ lineId, reason: 'again' }),
    );
  });

  test('moves a line to another order without losing a concurrent edit', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const first = a.openOrder({ table: '8' });
    const second = a.openOrder({ table: '9' });
    const lineId = a.addLine({ orderId: first, itemId: 'house-red' });
    r.syncAll();
    a.moveLine({ lineId, toOrderId: second });
    b.changeQuantity({ lineId, delta: 2 });
    r.syncAll();
    for (const day of [a, b]) {
      assert.is(day.order(first)!.lines.length, 0);
      assert.equal(
        day.order(second)!.lines.map((l) => [l.id, l.qty]),
        [[lineId, 3]],
      );
      assert.is(day.order(second)!.totals.total, 2685);
    }
  });

  test('transfers an order to another table', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '2', guests: 2 });
    day.addLine({ orderId, itemId: 'soup' });
    day.transferOrder({ orderId, table: '14' });
    assert.is(day.order(orderId)!.table, '14');
    assert.equal(
      day.openTables().map((t) => t.table),
      ['14'],
    );
  });

  test('merges two orders, including a line added to one concurrently', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const into = a.openOrder({ table: '10', guests: 2 });
    const from = a.openOrder({ table: '11', guests: 2 });
    a.addLine({ orderId: into, itemId: 'soup' });
    a.addLine({ orderId: from, itemId: 'burrata' });
    r.syncAll();
    a.mergeOrders({ from, into });
    b.addLine({ orderId: from, itemId: 'chips' });
    r.syncAll();
    for (const day of [a, b]) {
      const merged = day.order(into)!;
      assert.equal(
        merged.lines.map((l) => l.itemId),
        ['soup', 'burrata', 'chips'],
      );
      assert.equal(merged.merged, [from]);
      assert.is(merged.totals.total, 650 + 1050 + 450);
      assert.is(day.order(from)!.status, 'merged');
      assert.is(day.order(from)!.mergedInto, into);
      assert.equal(
        day.openTables().map((t) => t.table),
        ['10'],
      );
    }
    refuses(r.engines[0]!, 'order-merged', () =>
      a.addLine({ orderId: from, itemId: 'soup' }),
    );
  });

  test('settles orders merged into each other on the smallest id, and says so', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const x = a.openOrder({ table: '1' });
    const y = a.openOrder({ table: '2' });
    a.addLine({ orderId: x, itemId: 'soup' });
    a.addLine({ orderId: y, itemId: 'chips' });
    r.syncAll();
    a.mergeOrders({ from: x, into: y });
    b.mergeOrders({ from: y, into: x });
    r.syncAll();
    const root = [x, y].sort()[0]!;
    for (const day of [a, b]) {
      assert.is(day.order(root)!.lines.length, 2);
      assert.is(day.order(root)!.status, 'open');
      assert.equal(
        day.conflicts().map((c) => c.id),
        [`merge-cycle:${root}`],
      );
    }
  });

  test('splits a line into a new line, sent units first', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '6', guests: 4 });
    const other = day.openOrder({ table: '6', guests: 1 });
    const lineId = day.addLine({ orderId, itemId: 'lager', qty: 4 });
    day.sendToKitchen({ orderId });
    day.changeQuantity({ lineId, delta: 1 });
    const split = day.splitLine({ lineId, qty: 2, toOrderId: other });
    const left = day.order(orderId)!.lines[0]!;
    const moved = day.order(other)!.lines[0]!;
    assert.equal([left.qty, left.sent, left.unsent], [3, 2, 1]);
    assert.equal(
      [moved.id, moved.qty, moved.sent, moved.unsent],
      [split, 2, 2, 0],
    );
    assert.is(moved.unitPrice, 625);
    assert.equal(day.conflicts(), []);
    const tickets = day.sendToKitchen({ orderId });
    assert.is(tickets.length, 1);
    assert.is(day.kdsQueues()[0]!.allDay[0]!.qty, 5);
    refuses(day.engine, 'invalid-quantity', () =>
      day.splitLine({ lineId, qty: 3 }),
    );
  });

  test('reports every open table with its guests and totals', () => {
    const day = singleDay(factory);
    const a = day.openOrder({ table: '10', guests: 2 });
    const b = day.openOrder({ table: '2', guests: 1 });
    const c = day.openOrder({ table: '2', guests: 3 });
    day.addLine({ orderId: a, itemId: 'soup' });
    day.addLine({ orderId: b, itemId: 'chips', qty: 2 });
    day.addLine({ orderId: c, itemId: 'lager' });
    const closed = day.openOrder({ table: '3' });
    day.addLine({ orderId: closed, itemId: 'brownie' });
    day.claimSettlement({ orderId: closed, docNo: 'T1-1', total: 750 });
    assert.equal(
      day
        .openTables()
        .map((t) => [t.table, t.guests, t.total, t.orders.length]),
      [
        ['2', 4, 1525, 2],
        ['10', 2, 650, 1],
      ],
    );
    assert.equal(
      day.openTables()[0]!.orders.map((o) => [o.id, o.unsent]),
      [
        [b, 2],
        [c, 1],
      ],
    );
  });
}

/** The first two replicas' days. */
export function pair<T>(days: T[]): [T, T] {
  return [days[0]!, days[1]!];
}
