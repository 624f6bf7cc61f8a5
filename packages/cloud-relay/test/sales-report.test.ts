import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Harness, startApi } from './support/api.ts';
import { batch, ChainBuilder, type LineSpec } from './support/chain.ts';

const burger = (qty: number): LineSpec => ({
  itemId: 'burger',
  name: 'Burger',
  qty,
  unitPrice: 2300,
  taxRate: 1500,
});
const water = (qty: number): LineSpec => ({
  itemId: 'water',
  name: 'Water',
  qty,
  unitPrice: 300,
  taxRate: 500,
});

let api: Harness;
let dashboard: string;

/**
 * till-1, 2026-03-01: sale A (2 burgers + 1 water, card 4900), sale B
 * (1 burger, cash 2300), a training sale (3 burgers, cash 6900);
 * 2026-03-02: credit note for one burger of A (card 2300).
 * till-2, 2026-03-02: sale C (1 water, cash 100 + card 200).
 *
 * Tax is inside the prices: 4600 at 15 % holds 600, 2300 holds 300,
 * 300 at 5 % holds 14 (14.28 rounded).
 */
test.before(async () => {
  api = await startApi();
  dashboard = api.token('dashboard');
  const one = new ChainBuilder('till-1');
  const a = one.sale({
    lines: [burger(2), water(1)],
    payments: [{ method: 'card', amount: 4900 }],
  });
  one.sale({
    lines: [burger(1)],
    payments: [{ method: 'cash', amount: 2300 }],
  });
  one.sale(
    { lines: [burger(3)], payments: [{ method: 'cash', amount: 6900 }] },
    'training-sale',
  );
  one.drawerOpen();
  one.creditNote(a, {
    lines: [burger(1)],
    payments: [{ method: 'card', amount: 2300 }],
    date: '2026-03-02',
  });
  const two = new ChainBuilder('till-2');
  two.sale({
    lines: [water(1)],
    payments: [
      { method: 'cash', amount: 100 },
      { method: 'card', amount: 200 },
    ],
    date: '2026-03-02',
  });
  // A sale outside every range asked for below.
  two.sale({
    lines: [burger(5)],
    payments: [{ method: 'cash', amount: 11500 }],
    date: '2026-03-03',
  });
  for (const [chain, device] of [
    [one, 'till-1'],
    [two, 'till-2'],
  ] as const) {
    const res = await api.call('/v1/journal', {
      token: api.token('till', { device }),
      body: batch(chain.entries),
    });
    assert.is(res.body.refused.length, 0, JSON.stringify(res.body.refused));
  }
});

test.after(async () => {
  await api.close();
});

function report(from: string, to: string, token = dashboard) {
  return api.call(`/v1/reports/sales?branch=b1&from=${from}&to=${to}`, {
    token,
  });
}

test('totals sales minus credit notes, training excluded, in minor units', async () => {
  const res = await report('2026-03-01', '2026-03-02');
  assert.is(res.status, 200);
  assert.equal(res.body.totals, {
    sales: 7500,
    credits: 2300,
    net: 5200,
    tax: 628,
    saleCount: 3,
    creditCount: 1,
  });
  assert.equal(res.body.excluded, { trainingSales: 1, trainingAmount: 6900 });
  assert.equal(res.body.currencies, ['SAR']);
  assert.is(res.body.branch, 'b1');
});

test('splits the totals by business day', async () => {
  const res = await report('2026-03-01', '2026-03-02');
  assert.equal(res.body.byDay, [
    {
      date: '2026-03-01',
      sales: 7200,
      credits: 0,
      net: 7200,
      tax: 914,
      saleCount: 2,
      creditCount: 0,
    },
    {
      date: '2026-03-02',
      sales: 300,
      credits: 2300,
      net: -2000,
      tax: -286,
      saleCount: 1,
      creditCount: 1,
    },
  ]);
});

test('splits the totals by device', async () => {
  const res = await report('2026-03-01', '2026-03-02');
  assert.equal(res.body.byDevice, [
    {
      device: 'till-1',
      sales: 7200,
      credits: 2300,
      net: 4900,
      tax: 614,
      saleCount: 2,
      creditCount: 1,
    },
    {
      device: 'till-2',
      sales: 300,
      credits: 0,
      net: 300,
      tax: 14,
      saleCount: 1,
      creditCount: 0,
    },
  ]);
});

test('splits payments by method with refunds subtracted', async () => {
  const res = await report('2026-03-01', '2026-03-02');
  assert.equal(res.body.byPaymentMethod, [
    { method: 'card', sales: 5100, credits: 2300, net: 2800 },
    { method: 'cash', sales: 2400, credits: 0, net: 2400 },
  ]);
});

test('splits tax by rate, credit notes subtracting', async () => {
  const res = await report('2026-03-01', '2026-03-02');
  assert.equal(res.body.byTaxRate, [
    { rate: 500, base: 572, tax: 28 },
    { rate: 1500, base: 4000, tax: 600 },
  ]);
});

test('splits units and amounts by item, largest first', async () => {
  const res = await report('2026-03-01', '2026-03-02');
  assert.equal(res.body.byItem, [
    { itemId: 'burger', name: 'Burger', qty: 2, amount: 4600 },
    { itemId: 'water', name: 'Water', qty: 2, amount: 600 },
  ]);
});

test('covers only the business dates asked for', async () => {
  const res = await report('2026-03-02', '2026-03-02');
  assert.equal(res.body.totals, {
    sales: 300,
    credits: 2300,
    net: -2000,
    tax: -286,
    saleCount: 1,
    creditCount: 1,
  });
  assert.equal(res.body.excluded, { trainingSales: 0, trainingAmount: 0 });
  const empty = await report('2026-02-01', '2026-02-28');
  assert.is(empty.body.totals.net, 0);
  assert.equal(empty.body.byDay, []);
});

test('refuses a bad or reversed range naming the parameter', async () => {
  const cases: [string, string][] = [
    ['from=2026-03-02&to=2026-03-01', 'to'],
    ['from=2026-02-30&to=2026-03-01', 'from'],
    ['from=2026-03-01', 'to'],
    ['from=2025-01-01&to=2026-03-01', 'to'],
    ['from=2026-03-01&to=2026-03-01&currency=SAR', 'currency'],
  ];
  for (const [query, field] of cases) {
    const res = await api.call(`/v1/reports/sales?branch=b1&${query}`, {
      token: dashboard,
    });
    assert.is(res.status, 400, query);
    assert.is(res.body.error.field, field, query);
  }
});

test.run();
