import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OrderId } from '../ids.ts';
import type { Menu } from '../menu/menu.ts';
import type { EngineFactory } from './factories.ts';
import { singleDay } from './harness.ts';
import { pakistanMenu, saudiMenu, ukCafeMenu } from './menus.ts';

/** Worked examples of totals, with every amount worked out by hand. */
export function totalsExamples(test: Test, factory: EngineFactory): void {
  const order = (menu: Menu, lines: [string, number, string[]?][]) => {
    const day = singleDay(factory, menu);
    const orderId = day.openOrder({ table: '1' });
    for (const [itemId, qty, modifiers] of lines) {
      day.addLine({ orderId, itemId, qty, modifiers: modifiers ?? [] });
    }
    return { day, orderId };
  };
  const taxes = (day: ReturnType<typeof singleDay>, id: OrderId) =>
    day.order(id)!.totals.taxes.map((t) => [t.rateId, t.base, t.tax]);

  test('UK, VAT 20% included: discount, then untaxed service charge', () => {
    const { day, orderId } = order(ukCafeMenu('per-invoice'), [
      ['burger', 2, ['medium', 'add-bacon', 'add-cheese']],
      ['chips', 1],
      ['lager', 2],
      ['tap-water', 2],
    ]);
    day.setDiscount({
      orderId,
      discount: { kind: 'percent', basisPoints: 1000 },
    });
    day.setServiceCharge({
      orderId,
      serviceCharge: { kind: 'percent', basisPoints: 1250 },
    });
    // 5500 − 10% = 4950; service 12.5% of 4950 = 618.75 → 619;
    // VAT in 4950 = 4950 × 2000 / 12000 = 825.
    const totals = day.order(orderId)!.totals;
    assert.equal(
      [totals.subtotal, totals.discount, totals.serviceCharge, totals.tax],
      [5500, 550, 619, 825],
    );
    assert.equal(taxes(day, orderId), [
      ['vat-std', 4125, 825],
      ['vat-zero', 0, 0],
    ]);
    assert.is(totals.total, 5569);
  });

  test('UK: per-line and per-invoice VAT differ on three espressos', () => {
    const lines: [string, number][] = [
      ['espresso', 1],
      ['espresso', 1],
      ['espresso', 1],
    ];
    // Per invoice: 597 × 2000 / 12000 = 99.5 → 100.
    const invoice = order(ukCafeMenu('per-invoice'), lines);
    assert.equal(taxes(invoice.day, invoice.orderId), [['vat-std', 497, 100]]);
    assert.is(invoice.day.order(invoice.orderId)!.totals.total, 597);
    // Per line: 199 × 2000 / 12000 = 33.17 → 33, three times: 99.
    const perLine = order(ukCafeMenu('per-line'), lines);
    assert.equal(taxes(perLine.day, perLine.orderId), [['vat-std', 498, 99]]);
    assert.is(perLine.day.order(perLine.orderId)!.totals.total, 597);
  });

  test('Saudi Arabia, VAT 15% included, service charge taxed too', () => {
    const { day, orderId } = order(saudiMenu, [
      ['kabsa', 2],
      ['laban', 1],
    ]);
    // 9775 × 1500 / 11500 = 1275 exactly.
    assert.equal(taxes(day, orderId), [['vat-15', 8500, 1275]]);
    assert.is(day.order(orderId)!.totals.total, 9775);
    day.setServiceCharge({
      orderId,
      serviceCharge: { kind: 'percent', basisPoints: 1000 },
    });
    // Service 977.5 → 978; VAT in 9775 + 978 = 10753: 1402.57 → 1403.
    const totals = day.order(orderId)!.totals;
    assert.is(totals.serviceCharge, 978);
    assert.equal(taxes(day, orderId), [['vat-15', 9350, 1403]]);
    assert.equal([totals.taxAdded, totals.total], [0, 10753]);
    assert.equal(day.order(orderId)!.currency, { code: 'SAR', exponent: 2 });
  });

  test('Pakistan, 16% added on top, with a discount', () => {
    const { day, orderId } = order(pakistanMenu, [
      ['biryani', 1],
      ['raita', 1],
      ['lassi', 2],
    ]);
    // 110000 + 16% = 110000 + 17600.
    let totals = day.order(orderId)!.totals;
    assert.equal(
      [totals.subtotal, totals.tax, totals.total],
      [110000, 17600, 127600],
    );
    day.setDiscount({
      orderId,
      discount: { kind: 'percent', basisPoints: 500 },
    });
    // 110000 − 5500 = 104500; 16% = 16720; total 121220.
    totals = day.order(orderId)!.totals;
    assert.equal(
      [totals.discount, totals.tax, totals.taxAdded, totals.total],
      [5500, 16720, 16720, 121220],
    );
    assert.equal(taxes(day, orderId), [['gst-16', 104500, 16720]]);
  });

  test('Pakistan: per-line and per-invoice tax differ on three naans', () => {
    const lines: [string, number][] = [
      ['naan', 1],
      ['naan', 1],
      ['naan', 1],
    ];
    // Per invoice: 37035 × 16% = 5925.6 → 5926.
    const invoice = order(pakistanMenu, lines);
    assert.equal(taxes(invoice.day, invoice.orderId), [
      ['gst-16', 37035, 5926],
    ]);
    assert.is(invoice.day.order(invoice.orderId)!.totals.total, 42961);
    // Per line: 12345 × 16% = 1975.2 → 1975, three times: 5925.
    const perLine = order({ ...pakistanMenu, taxRounding: 'per-line' }, lines);
    assert.equal(taxes(perLine.day, perLine.orderId), [
      ['gst-16', 37035, 5925],
    ]);
    assert.is(perLine.day.order(perLine.orderId)!.totals.total, 42960);
  });

  test('caps an amount discount at the subtotal', () => {
    const { day, orderId } = order(saudiMenu, [['laban', 1]]);
    day.setDiscount({ orderId, discount: { kind: 'amount', amount: 10_000 } });
    const totals = day.order(orderId)!.totals;
    assert.equal([totals.discount, totals.tax, totals.total], [575, 0, 0]);
  });
}
