import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceDay } from '../day/service-day.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import { pair } from './examples-orders.ts';
import type { EngineFactory } from './factories.ts';
import { allViews, refuses, replicas, singleDay } from './harness.ts';

/** Worked examples: settlement claims, conflicts, carrying a day over. */
export function settlementExamples(test: Test, factory: EngineFactory): void {
  test('settles an order once; the same claim again is harmless', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '2' });
    day.addLine({ orderId, itemId: 'risotto' });
    const invoice = day.invoiceSnapshot(orderId);
    const claim = day.claimSettlement({
      orderId,
      docNo: 41,
      total: invoice.total,
    });
    assert.is(day.claimSettlement({ orderId, docNo: 41, total: 1595 }), claim);
    const order = day.order(orderId)!;
    assert.is(order.status, 'settled');
    assert.equal(
      order.claims.map((c) => [c.device, c.docNo, c.total]),
      [['till-1', '41', 1595]],
    );
    assert.equal(day.conflicts(), []);
    refuses(day.engine, 'order-settled', () =>
      day.claimSettlement({ orderId, docNo: 42, total: 1595 }),
    );
    refuses(day.engine, 'order-settled', () =>
      day.addLine({ orderId, itemId: 'chips' }),
    );
  });

  test('gives the store a plain invoice with integer amounts only', () => {
    const day = singleDay(factory);
    const orderId = day.openOrder({ table: '2', guests: 2 });
    day.addLine({
      orderId,
      itemId: 'flat-white',
      qty: 2,
      modifiers: ['oat-milk'],
    });
    day.addLine({ orderId, itemId: 'brownie' });
    day.setDiscount({ orderId, discount: { kind: 'amount', amount: 100 } });
    day.setServiceCharge({
      orderId,
      serviceCharge: { kind: 'percent', basisPoints: 1000 },
    });
    const invoice = day.invoiceSnapshot(orderId);
    // 2 × (350 + 40) + 750 = 1530; −100 = 1430; service 10% = 143;
    // VAT in 1430 (service charge untaxed): 1430 / 6 = 238.33 → 238.
    assert.equal(invoice, {
      orderId,
      table: '2',
      guests: 2,
      currency: { code: 'GBP', exponent: 2 },
      lines: [
        {
          lineId: invoice.lines[0]!.lineId,
          itemId: 'flat-white',
          name: 'Flat white',
          qty: 2,
          unitPrice: 350,
          modifiers: [{ id: 'oat-milk', name: 'Oat milk', priceDelta: 40 }],
          lineTotal: 780,
          taxRateId: 'vat-std',
        },
        {
          lineId: invoice.lines[1]!.lineId,
          itemId: 'brownie',
          name: 'Chocolate brownie',
          qty: 1,
          unitPrice: 750,
          modifiers: [],
          lineTotal: 750,
          taxRateId: 'vat-std',
        },
      ],
      subtotal: 1530,
      discount: 100,
      serviceCharge: 143,
      taxes: [
        {
          rateId: 'vat-std',
          name: 'VAT 20%',
          basisPoints: 2000,
          inclusive: true,
          base: 1192,
          tax: 238,
        },
      ],
      tax: 238,
      taxAdded: 0,
      total: 1573,
    });
    const numbers = JSON.stringify(invoice).match(/-?\d+(\.\d+)?/g) ?? [];
    assert.ok(numbers.every((n) => Number.isInteger(Number(n))));
  });

  test('reports two settlements of one order with a credit note for each', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '15' });
    a.addLine({ orderId, itemId: 'fish-chips' });
    r.syncAll();
    const c1 = a.claimSettlement({ orderId, docNo: 'A-7', total: 1795 });
    const c2 = b.claimSettlement({ orderId, docNo: 'B-3', total: 1795 });
    r.syncAll();
    for (const day of [a, b]) {
      const found = day.conflicts();
      assert.equal(
        found.map((c) => c.kind),
        ['double-settlement'],
      );
      assert.equal(found[0]!.claimIds, [c1, c2]);
      assert.equal(
        found[0]!.actions.map((x) => [x.kind, x.claimId]),
        [
          ['issue-credit-note', c1],
          ['issue-credit-note', c2],
        ],
      );
    }
    assert.equal(allViews(a.snapshot()), allViews(b.snapshot()));
  });

  test('reports an edit made concurrently with a settlement', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '15' });
    const lineId = a.addLine({ orderId, itemId: 'lager' });
    r.syncAll();
    const claim = a.claimSettlement({ orderId, docNo: 'A-8', total: 625 });
    b.changeQuantity({ lineId, delta: 1 });
    r.syncAll();
    for (const day of [a, b]) {
      const [conflict] = day.conflicts();
      assert.is(conflict!.kind, 'edit-after-claim');
      assert.equal(conflict!.claimIds, [claim]);
      assert.equal(
        conflict!.actions.map((x) => x.kind),
        ['issue-credit-note', 'settle-difference'],
      );
      assert.match(conflict!.message, /now 1250, settled 625/);
    }
  });

  test('resolves a double settlement when one sale is credited', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '15' });
    a.addLine({ orderId, itemId: 'fish-chips' });
    r.syncAll();
    a.claimSettlement({ orderId, docNo: 'A-7', total: 1795 });
    const second = b.claimSettlement({ orderId, docNo: 'B-3', total: 1795 });
    r.syncAll();
    b.creditClaim({ claimId: second, creditDocNo: 'B-4' });
    r.syncAll();
    for (const day of [a, b]) {
      assert.equal(day.conflicts(), []);
      assert.is(day.order(orderId)!.status, 'settled');
      assert.equal(
        day.order(orderId)!.claims.map((c) => c.credited?.docNo ?? null),
        [null, 'B-4'],
      );
    }
    refuses(r.engines[0]!, 'unknown-claim', () =>
      a.creditClaim({ claimId: 'c-none' as never, creditDocNo: 1 }),
    );
  });

  test('reopens an order edited after settlement once its claim is credited', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '15' });
    const lineId = a.addLine({ orderId, itemId: 'lager' });
    r.syncAll();
    const claim = a.claimSettlement({ orderId, docNo: 'A-8', total: 625 });
    b.changeQuantity({ lineId, delta: 1 });
    r.syncAll();
    a.creditClaim({ claimId: claim, creditDocNo: 'A-9' });
    assert.is(a.order(orderId)!.status, 'open');
    assert.equal(a.conflicts(), []);
    a.claimSettlement({ orderId, docNo: 'A-10', total: 1250 });
    r.syncAll();
    for (const day of [a, b]) {
      assert.is(day.order(orderId)!.status, 'settled');
      assert.equal(day.conflicts(), []);
    }
  });

  test('records a journaled settlement even on a settled order', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '15' });
    a.addLine({ orderId, itemId: 'soup' });
    r.syncAll();
    a.claimSettlement({ orderId, docNo: 'A-1', total: 650 });
    r.syncAll();
    b.claimSettlement({ orderId, docNo: 'B-1', total: 650, journaled: true });
    assert.equal(
      b.conflicts().map((c) => c.kind),
      ['double-settlement'],
    );
  });

  test('carries open orders into the next business day', () => {
    const r = replicas(factory, 2, { date: '2026-12-03' });
    const [today, other] = pair(r.days);
    const open = today.openOrder({ table: '20', guests: 2 });
    const line = today.addLine({ orderId: open, itemId: 'lager', qty: 2 });
    today.addLine({ orderId: open, itemId: 'burger', modifiers: ['rare'] });
    const [, grillTicket] = today.sendToKitchen({ orderId: open });
    today.advanceTicket({ ticketId: grillTicket!, status: 'cooking' });
    const voided = today.addLine({ orderId: open, itemId: 'chips' });
    today.voidLine({ lineId: voided, reason: 'mistake' });
    r.syncAll();
    other.changeQuantity({ lineId: line, delta: 1 });
    r.syncAll();
    const settled = today.openOrder({ table: '21' });
    today.addLine({ orderId: settled, itemId: 'soup' });
    today.claimSettlement({ orderId: settled, docNo: 9, total: 650 });

    const tomorrow = nextDay(factory, 0);
    assert.equal(today.carryOver(tomorrow), [open]);
    assert.is(today.order(open)!.status, 'carried');
    assert.equal(today.openTables(), []);
    const carried = tomorrow.order(open)!;
    assert.is(carried.status, 'open');
    assert.equal(
      carried.lines.map((l) => [l.itemId, l.qty, l.sent, l.unsent]),
      [
        ['lager', 3, 2, 1],
        ['burger', 1, 1, 0],
      ],
    );
    assert.is(carried.totals.total, 3 * 625 + 1650);
    assert.equal(
      tomorrow.kdsQueues().map((q) => [q.station, q.tickets[0]!.status]),
      [
        ['bar', 'new'],
        ['grill', 'cooking'],
      ],
    );
    assert.is(tomorrow.order(settled), undefined);
    assert.equal(today.carryOver(tomorrow), []);
  });

  test('converges when two tills carry the same day at once', () => {
    const r = replicas(factory, 2, { date: '2026-12-03' });
    const [a, b] = pair(r.days);
    const orderId = a.openOrder({ table: '20' });
    const lineId = a.addLine({ orderId, itemId: 'lager', qty: 2 });
    a.sendToKitchen({ orderId });
    r.syncAll();
    const nextA = nextDay(factory, 0);
    const nextB = nextDay(factory, 1);
    a.carryOver(nextA);
    b.carryOver(nextB);
    nextA.changeQuantity({ lineId, delta: 1 });
    nextB.changeQuantity({ lineId, delta: 1 });
    nextA.engine.applyUpdate(nextB.engine.encodeState());
    nextB.engine.applyUpdate(nextA.engine.encodeState());
    for (const day of [nextA, nextB]) {
      const line = day.order(orderId)!.lines[0]!;
      assert.equal([line.qty, line.sent], [4, 2]);
      assert.equal(day.conflicts(), []);
    }
    assert.equal(allViews(nextA.snapshot()), allViews(nextB.snapshot()));
  });

  test('tells every subscriber about local and received changes', () => {
    const r = replicas(factory, 2);
    const [a, b] = pair(r.days);
    const seen: string[] = [];
    const stop = b.onChange((change) => {
      seen.push(`${change.local ? 'local' : 'remote'}:${change.orders.length}`);
      assert.ok(
        b.order(change.orders[0]!) !== undefined || change.orders.length === 0,
      );
    });
    a.openOrder({ table: '1' });
    r.sync(0, 1);
    b.openOrder({ table: '2' });
    stop();
    b.openOrder({ table: '3' });
    assert.equal(seen, ['remote:1', 'local:1']);
  });
}

function nextDay(factory: EngineFactory, replica: number): ServiceDay {
  let clock = 1_796_100_000_000;
  return new ServiceDay(factory.create(replica), {
    device: `till-${replica + 1}`,
    menu: demoMenu,
    date: '2026-12-04',
    now: () => (clock += 1000),
  });
}
