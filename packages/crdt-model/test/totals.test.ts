import {
  allocate,
  computeTotals,
  divideHalfUp,
  taxOf,
} from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const vat20 = { id: 'vat', name: 'VAT', basisPoints: 2000, inclusive: true };
const gst16 = { id: 'gst', name: 'GST', basisPoints: 1600, inclusive: false };

test('rounds a half unit up and everything else to the nearest unit', () => {
  assert.is(divideHalfUp(5, 2), 3);
  assert.is(divideHalfUp(3, 2), 2);
  assert.is(divideHalfUp(4, 3), 1);
  assert.is(divideHalfUp(5, 3), 2);
  assert.is(divideHalfUp(0, 7), 0);
});

test('computes tax in an inclusive price and on an exclusive one', () => {
  assert.is(taxOf(120, vat20), 20);
  assert.is(taxOf(199, vat20), 33);
  assert.is(taxOf(12345, gst16), 1975);
});

test('spreads an amount in whole units that add up exactly', () => {
  assert.equal(allocate(100, [780, 750]), [51, 49]);
  assert.equal(allocate(10, [1, 1, 1]), [4, 3, 3]);
  assert.equal(allocate(0, [5, 5]), [0, 0]);
  assert.equal(allocate(7, [0, 0]), [0, 0]);
});

test('mixes inclusive and exclusive rates on one invoice', () => {
  const totals = computeTotals({
    lines: [
      { amount: 1200, tax: vat20 },
      { amount: 1000, tax: gst16 },
    ],
    discount: null,
    serviceCharge: null,
    serviceChargeTax: null,
    rounding: 'per-invoice',
  });
  assert.equal(
    totals.taxes.map((t) => [t.rateId, t.base, t.tax]),
    [
      ['gst', 1000, 160],
      ['vat', 1000, 200],
    ],
  );
  assert.equal([totals.tax, totals.taxAdded, totals.total], [360, 160, 2360]);
});

test('applies a service charge to the discounted subtotal', () => {
  const totals = computeTotals({
    lines: [{ amount: 1000, tax: gst16 }],
    discount: { kind: 'amount', amount: 200 },
    serviceCharge: { kind: 'percent', basisPoints: 500 },
    serviceChargeTax: gst16,
    rounding: 'per-line',
  });
  // 800 + service 40; tax 16% of 800 = 128 and of 40 = 6.4 → 6.
  assert.equal(
    [totals.serviceCharge, totals.tax, totals.total],
    [40, 134, 974],
  );
});

test.run();
