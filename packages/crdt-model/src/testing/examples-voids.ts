import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServiceDay } from '../day/service-day.ts';
import type { OrderId } from '../ids.ts';
import { pair } from './examples-orders.ts';
import type { EngineFactory } from './factories.ts';
import { allViews, refuses, replicas } from './harness.ts';

/** Worked examples: voiding a whole order. */
export function voidExamples(test: Test, factory: EngineFactory): void {
  test('voids a whole order for good, with who, when and why', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '4', guests: 2 });
    const soup = a.addLine({ orderId, itemId: 'soup' });
    const chips = a.addLine({ orderId, itemId: 'chips', qty: 2 });
    a.sendToKitchen({ orderId });
    r.syncAll();
    const voided = a.voidOrder({
      orderId,
      reason: 'walked out',
      by: 'manager-ann',
    });
    r.syncAll();
    assert.equal(voided, [soup, chips]);
    for (const day of [a, b]) {
      const order = day.order(orderId)!;
      assert.is(order.status, 'voided');
      assert.is(order.void?.by, 'manager-ann');
      assert.is(order.void?.reason, 'walked out');
      assert.ok((order.void?.at ?? 0) > 0);
      assert.equal(
        order.lines.map((l) => [l.id, l.void?.reason, l.lineTotal]),
        [
          [soup, 'walked out', 0],
          [chips, 'walked out', 0],
        ],
      );
      assert.is(order.totals.total, 0);
      assert.equal(day.invoiceSnapshot(orderId).lines, []);
      assert.equal(day.openTables(), []);
      const items = day.kdsQueues().flatMap((q) => q.tickets[0]!.items);
      assert.is(items.length, 2);
      assert.ok(items.every((i) => i.voided));
      assert.equal(day.conflicts(), []);
    }
    assert.equal(allViews(a.snapshot()), allViews(b.snapshot()));
  });

  test('refuses every change to a voided order and its lines', () => {
    const r = replicas(factory, 1);
    const day = r.days[0]!;
    const engine = r.engines[0]!;
    const orderId = day.openOrder({ table: '4' });
    const lineId = day.addLine({ orderId, itemId: 'lager' });
    const other = day.openOrder({ table: '5' });
    const elsewhere = day.addLine({ orderId: other, itemId: 'soup' });
    day.voidOrder({ orderId, reason: 'opened by mistake' });
    refuses(engine, 'order-voided', () =>
      day.voidOrder({ orderId, reason: 'again' }),
    );
    refuses(engine, 'order-voided', () =>
      day.addLine({ orderId, itemId: 'soup' }),
    );
    refuses(engine, 'order-voided', () => day.sendToKitchen({ orderId }));
    refuses(engine, 'order-voided', () =>
      day.claimSettlement({ orderId, docNo: 7, total: 0 }),
    );
    refuses(engine, 'order-voided', () =>
      day.moveLine({ lineId: elsewhere, toOrderId: orderId }),
    );
    refuses(engine, 'order-voided', () =>
      day.mergeOrders({ from: orderId, into: other }),
    );
    refuses(engine, 'order-voided', () =>
      day.transferOrder({ orderId, table: '9' }),
    );
    refuses(engine, 'line-voided', () =>
      day.changeQuantity({ lineId, delta: 1 }),
    );
    refuses(engine, 'line-voided', () =>
      day.moveLine({ lineId, toOrderId: other }),
    );
    refuses(engine, 'invalid-argument', () =>
      day.voidOrder({ orderId: other, reason: ' ' }),
    );
    refuses(engine, 'unknown-order', () =>
      day.voidOrder({ orderId: 'ghost' as OrderId, reason: 'x' }),
    );
  });

  test('refuses to void a settled order, and voids one whose claim was credited', () => {
    const r = replicas(factory, 1);
    const day = r.days[0]!;
    const orderId = day.openOrder({ table: '2' });
    day.addLine({ orderId, itemId: 'soup' });
    const claimId = day.claimSettlement({ orderId, docNo: 1, total: 650 });
    refuses(r.engines[0]!, 'order-settled', () =>
      day.voidOrder({ orderId, reason: 'x' }),
    );
    day.creditClaim({ claimId, creditDocNo: 2 });
    day.voidOrder({ orderId, reason: 'refunded, not served again' });
    assert.is(day.order(orderId)!.status, 'voided');
  });

  test('voids a line added to the order while another till voided it', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '6' });
    a.addLine({ orderId, itemId: 'soup' });
    r.syncAll();
    a.voidOrder({ orderId, reason: 'wrong table' });
    const late = b.addLine({ orderId, itemId: 'chips' });
    b.sendToKitchen({ orderId });
    r.syncAll();
    for (const day of [a, b]) {
      const line = day.order(orderId)!.lines.find((l) => l.id === late)!;
      assert.is(line.void?.reason, 'wrong table');
      assert.is(line.unsent, 0);
      assert.is(day.order(orderId)!.totals.total, 0);
      const items = day.kdsQueues().flatMap((q) => q.tickets[0]!.items);
      assert.is(items.length, 2);
      assert.ok(items.every((i) => i.voided));
      assert.equal(day.conflicts(), []);
    }
    assert.equal(allViews(a.snapshot()), allViews(b.snapshot()));
  });

  test('keeps a line voided that another till moved off the order as it was voided', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '6' });
    const other = a.openOrder({ table: '7' });
    const lineId = a.addLine({ orderId, itemId: 'lager' });
    a.addLine({ orderId: other, itemId: 'chips' });
    r.syncAll();
    a.voidOrder({ orderId, reason: 'duplicate order' });
    b.moveLine({ lineId, toOrderId: other });
    r.syncAll();
    for (const day of [a, b]) {
      const moved = day.order(other)!.lines.find((l) => l.id === lineId)!;
      assert.is(moved.void?.reason, 'duplicate order');
      assert.is(day.order(other)!.totals.total, 450);
      assert.equal(
        day.invoiceSnapshot(other).lines.map((l) => l.itemId),
        ['chips'],
      );
    }
  });

  test('reports a void that raced a settlement, until the sale is credited', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '3' });
    a.addLine({ orderId, itemId: 'burrata' });
    r.syncAll();
    a.voidOrder({ orderId, reason: 'guest left', by: 'ann' });
    const claimId = b.claimSettlement({ orderId, docNo: 'T2-9', total: 1050 });
    r.syncAll();
    for (const day of [a, b]) {
      assert.is(day.order(orderId)!.status, 'settled');
      const found = day.conflicts();
      assert.equal(
        found.map((c) => [c.id, c.claimIds, c.actions.map((x) => x.kind)]),
        [[`void-after-claim:${orderId}`, [claimId], ['issue-credit-note']]],
      );
      assert.match(found[0]!.message, /voided by ann and settled as T2-9/);
    }
    b.creditClaim({ claimId, creditDocNo: 'T2-10' });
    r.syncAll();
    for (const day of [a, b] as ServiceDay[]) {
      assert.is(day.order(orderId)!.status, 'voided');
      assert.equal(day.conflicts(), []);
    }
  });

  test('voids the lines of orders merged into the voided one', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const into = a.openOrder({ table: '10' });
    const from = a.openOrder({ table: '11' });
    a.addLine({ orderId: into, itemId: 'soup' });
    a.addLine({ orderId: from, itemId: 'chips' });
    a.mergeOrders({ from, into });
    r.syncAll();
    a.voidOrder({ orderId: into, reason: 'party cancelled' });
    const late = b.addLine({ orderId: into, itemId: 'lager' });
    r.syncAll();
    for (const day of [a, b]) {
      const order = day.order(into)!;
      assert.equal(
        order.lines.map((l) => [l.itemId, l.void?.reason]),
        [
          ['soup', 'party cancelled'],
          ['chips', 'party cancelled'],
          ['lager', 'party cancelled'],
        ],
      );
      assert.is(order.totals.total, 0);
      assert.ok(order.lines.some((l) => l.id === late));
    }
  });
}
