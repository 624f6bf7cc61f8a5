import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { pair } from './examples-orders.ts';
import type { EngineFactory } from './factories.ts';
import { allViews, refuses, replicas, singleDay } from './harness.ts';

/** Worked examples: kitchen tickets, statuses, KDS queues, over-fire. */
export function kitchenExamples(test: Test, factory: EngineFactory): void {
  test('sends unsent units as one ticket per station', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '4' });
    day.addLine({ orderId, itemId: 'steak', modifiers: ['medium'] });
    day.addLine({ orderId, itemId: 'chips', qty: 2 });
    day.addLine({ orderId, itemId: 'lager' });
    const first = day.sendToKitchen({ orderId });
    assert.is(first.length, 3);
    const fries = day.order(orderId)!.lines.find((l) => l.itemId === 'chips')!;
    day.changeQuantity({ lineId: fries.id, delta: 1 });
    const second = day.sendToKitchen({ orderId });
    assert.is(second.length, 1);
    const queues = day.kdsQueues();
    assert.equal(
      queues.map((q) => [q.station, q.tickets.length]),
      [
        ['bar', 1],
        ['fry', 2],
        ['grill', 1],
      ],
    );
    const fry = queues.find((q) => q.station === 'fry')!;
    assert.equal(
      fry.tickets.map((t) => t.items.map((i) => [i.name, i.qty])),
      [[['Chips', 2]], [['Chips', 1]]],
    );
    assert.equal(fry.allDay, [{ itemId: 'chips', name: 'Chips', qty: 3 }]);
    assert.equal(
      queues.find((q) => q.station === 'grill')!.tickets[0]!.items[0]!
        .modifiers,
      ['Medium'],
    );
    refuses(day.engine, 'nothing-to-send', () =>
      day.sendToKitchen({ orderId }),
    );
  });

  test('shows the table an order was transferred to after sending', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '4' });
    day.addLine({ orderId, itemId: 'soup' });
    day.sendToKitchen({ orderId });
    day.transferOrder({ orderId, table: '22' });
    assert.is(day.kdsQueues()[0]!.tickets[0]!.table, '22');
  });

  test('sends one course at a time', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '4' });
    day.addLine({ orderId, itemId: 'soup', course: 1 });
    day.addLine({ orderId, itemId: 'risotto', course: 2 });
    day.sendToKitchen({ orderId, course: 1 });
    assert.equal(
      day.order(orderId)!.lines.map((l) => [l.itemId, l.sent]),
      [
        ['soup', 1],
        ['risotto', 0],
      ],
    );
  });

  test('counts all-day quantities across open tickets of a station', () => {
    const day = singleDay(factory);
    const one = day.openOrder({ table: '1' });
    const two = day.openOrder({ table: '2' });
    day.addLine({
      orderId: one,
      itemId: 'burger',
      qty: 2,
      modifiers: ['rare'],
    });
    day.addLine({ orderId: two, itemId: 'burger', modifiers: ['well-done'] });
    day.addLine({ orderId: two, itemId: 'steak', modifiers: ['rare'] });
    const voided = day.addLine({ orderId: two, itemId: 'risotto' });
    const [t1] = day.sendToKitchen({ orderId: one });
    day.sendToKitchen({ orderId: two });
    day.voidLine({ lineId: voided, reason: 'out of stock' });
    let grill = day.kdsQueues().find((q) => q.station === 'grill')!;
    assert.equal(
      grill.allDay.map((c) => [c.itemId, c.qty]),
      [
        ['burger', 3],
        ['steak', 1],
      ],
    );
    assert.ok(
      grill.tickets[1]!.items.find((i) => i.itemId === 'risotto')!.voided,
    );
    day.advanceTicket({ ticketId: t1!, status: 'served' });
    grill = day.kdsQueues().find((q) => q.station === 'grill')!;
    assert.equal(
      grill.allDay.map((c) => [c.itemId, c.qty]),
      [
        ['burger', 1],
        ['steak', 1],
      ],
    );
  });

  test('never moves a ticket backwards, whatever arrives when', () => {
    const r = replicas(factory, 3);
    const [kds, stale] = pair(r.days);
    const till = r.days[2]!;
    const orderId = till.openOrder({ table: '9' });
    till.addLine({ orderId, itemId: 'calamari' });
    const [ticketId] = till.sendToKitchen({ orderId });
    r.syncAll();
    kds.advanceTicket({ ticketId: ticketId!, status: 'cooking' });
    kds.advanceTicket({ ticketId: ticketId!, status: 'ready' });
    stale.advanceTicket({ ticketId: ticketId!, status: 'cooking' });
    r.sync(1, 2);
    r.sync(0, 2);
    r.syncAll();
    for (const day of r.days) {
      assert.equal(
        day.kdsQueues()[0]!.tickets.map((t) => [t.status, t.epoch]),
        [['ready', 0]],
      );
    }
    refuses(r.engines[1]!, 'status-not-forward', () =>
      stale.advanceTicket({ ticketId: ticketId!, status: 'cooking' }),
    );
  });

  test('recalls a served ticket in a new epoch that beats a late bump', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '9' });
    a.addLine({ orderId, itemId: 'fish-chips' });
    const [ticketId] = a.sendToKitchen({ orderId });
    a.advanceTicket({ ticketId: ticketId!, status: 'ready' });
    r.syncAll();
    a.advanceTicket({ ticketId: ticketId!, status: 'served' });
    b.recallTicket({ ticketId: ticketId! });
    r.syncAll();
    for (const day of [a, b]) {
      const [ticket] = day.kdsQueues()[0]!.tickets;
      assert.equal([ticket!.status, ticket!.epoch], ['new', 1]);
    }
    a.advanceTicket({ ticketId: ticketId!, status: 'cooking' });
    r.syncAll();
    assert.is(b.kdsQueues()[0]!.tickets[0]!.status, 'cooking');
    refuses(r.engines[0]!, 'unknown-ticket', () =>
      a.recallTicket({ ticketId: 'nope' as never }),
    );
  });

  test('refuses to recall a ticket that is still new', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '9' });
    day.addLine({ orderId, itemId: 'soup' });
    const [ticketId] = day.sendToKitchen({ orderId });
    refuses(day.engine, 'not-recallable', () =>
      day.recallTicket({ ticketId: ticketId! }),
    );
  });

  test('reports over-fire when two devices send the same line at once', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '12' });
    const lineId = a.addLine({
      orderId,
      itemId: 'burger',
      qty: 2,
      modifiers: ['medium'],
    });
    r.syncAll();
    a.sendToKitchen({ orderId });
    b.sendToKitchen({ orderId });
    r.syncAll();
    for (const day of [a, b]) {
      const line = day.order(orderId)!.lines[0]!;
      assert.equal([line.qty, line.sent, line.overFired], [2, 4, 2]);
      const [conflict] = day.conflicts();
      assert.is(conflict!.id, `over-fire:${lineId}`);
      assert.equal(
        conflict!.actions.map((x) => x.kind),
        ['charge-extra', 'record-waste'],
      );
      assert.is(day.kdsQueues()[0]!.allDay[0]!.qty, 4);
    }
    assert.equal(allViews(a.snapshot()), allViews(b.snapshot()));
  });

  test('reports over-fire when a sent line is reduced', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '12' });
    const lineId = day.addLine({ orderId, itemId: 'lager', qty: 3 });
    day.sendToKitchen({ orderId });
    day.changeQuantity({ lineId, delta: -1 });
    assert.equal(
      day.conflicts().map((c) => c.kind),
      ['over-fire'],
    );
  });
}
