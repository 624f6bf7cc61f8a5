import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestTill, type TestTill } from './test-till.ts';

let t: TestTill;

test.before(async () => {
  t = await startTestTill();
});

test.after(async () => {
  await t.stop();
});

/** Closes the day now, so the next closing covers only what follows. */
async function closeDay() {
  const z = await t.api('POST', '/api/day/close');
  assert.is(z.status, 201);
  return z.body;
}

test('opens the drawer as a journalled "no sale" that the Z closing counts', async () => {
  await closeDay();
  const opened = await t.api('POST', '/api/drawer/open', {
    reason: 'change for the parking meter',
    user: 'cashier-sam',
  });
  assert.is(opened.status, 201);
  const entry = t.till.store.journal.get(opened.body.seq);
  assert.is(entry?.kind, 'drawer-open');
  assert.is(entry?.hash, opened.body.hash);
  assert.is(entry?.user, 'cashier-sam');
  assert.is(entry?.total, 0);
  assert.equal(entry?.payload, { reason: 'change for the parking meter' });
  assert.is(opened.body.kind, 'drawer-open');
  assert.is(opened.body.amount, 0);
  await t.api('POST', '/api/drawer/open', { reason: 'no sale' });
  const z = await closeDay();
  assert.is(z.counts['drawer-open'], 2);
  assert.is(z.sums['drawer-open'], 0);
});

test('refuses a drawer open without a reason and journals nothing', async () => {
  const head = t.till.store.journal.headSeq();
  for (const body of [{}, { reason: '' }, { reason: 7 }]) {
    const res = await t.api('POST', '/api/drawer/open', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is(res.body.error.field, 'reason');
  }
  const none = await t.api('POST', '/api/drawer/open');
  assert.is(none.status, 400);
  assert.is(none.body.error.code, 'invalid-body');
  assert.is(t.till.store.journal.headSeq(), head);
});

test('journals cash in and out with their amounts, summed by the Z closing', async () => {
  await closeDay();
  const before = t.till.store.journal.last()?.running;
  const float = await t.api('POST', '/api/cash', {
    direction: 'in',
    amount: 5000,
    reason: 'opening float',
  });
  assert.is(float.status, 201);
  assert.is(float.body.kind, 'cash-in');
  assert.is(float.body.direction, 'in');
  const drop = await t.api('POST', '/api/cash', {
    direction: 'out',
    amount: 1200,
    reason: 'bank drop',
  });
  const petty = await t.api('POST', '/api/cash', {
    direction: 'out',
    amount: 300,
    reason: 'milk for the coffee',
  });
  assert.is(drop.body.kind, 'cash-out');
  const entry = t.till.store.journal.get(petty.body.seq);
  assert.is(entry?.kind, 'cash-out');
  assert.is(entry?.total, 300);
  assert.is(entry?.hash, petty.body.hash);
  assert.equal(entry?.payload, { reason: 'milk for the coffee' });
  assert.equal(entry?.running, before, 'cash moves no sales totals');
  const z = await closeDay();
  assert.is(z.counts['cash-in'], 1);
  assert.is(z.counts['cash-out'], 2);
  assert.is(z.sums['cash-in'], 5000);
  assert.is(z.sums['cash-out'], 1500);
});

/** Settles one chips order paid as given; returns the settlement. */
async function settleChips(payments: { method: string; amount: number }[]) {
  const order = (await t.api('POST', '/api/orders', { table: '2' })).body.id;
  await t.api('POST', `/api/orders/${order}/lines`, { itemId: 'chips' });
  const settled = await t.api('POST', `/api/orders/${order}/settle`, {
    payments,
  });
  assert.is(settled.status, 201, JSON.stringify(settled.body));
  return settled.body;
}

test('knows the cash the drawer should hold and refuses to give out more', async () => {
  await closeDay();
  const empty = await t.api('GET', '/api/drawer');
  assert.is(empty.status, 200);
  assert.is(empty.body.expected, 0);

  await t.api('POST', '/api/cash', {
    direction: 'in',
    amount: 2000,
    reason: 'opening float',
  });
  // Cash beyond the total is change: only the total stays in the drawer.
  const cash = await settleChips([{ method: 'cash', amount: 1000 }]);
  const card = await settleChips([
    { method: 'card', amount: cash.totals.total },
  ]);
  await t.api('POST', `/api/invoices/${cash.docNo}/credit`, {
    reason: 'cold chips',
  });
  const drawer = (await t.api('GET', '/api/drawer')).body;
  assert.equal(drawer, {
    expected: 2000,
    cashSales: cash.totals.total,
    cashRefunds: cash.totals.total,
    cashIn: 2000,
    cashOut: 0,
    fromSeq: drawer.fromSeq,
  });
  assert.ok(card.totals.total > 0);

  const head = t.till.store.journal.headSeq();
  const tooMuch = await t.api('POST', '/api/cash', {
    direction: 'out',
    amount: 2001,
    reason: 'bank drop',
  });
  assert.is(tooMuch.status, 409);
  assert.is(tooMuch.body.error.code, 'cash-short');
  assert.is(tooMuch.body.error.field, 'amount');
  assert.is(t.till.store.journal.headSeq(), head, 'nothing journalled');
  const all = await t.api('POST', '/api/cash', {
    direction: 'out',
    amount: 2000,
    reason: 'bank drop',
  });
  assert.is(all.status, 201);
  assert.is((await t.api('GET', '/api/drawer')).body.expected, 0);
});

test('the X report shows what the Z closing would hold and journals nothing', async () => {
  await closeDay();
  await settleChips([{ method: 'card', amount: 450 }]);
  const head = t.till.store.journal.headSeq();
  const x = await t.api('GET', '/api/day/x');
  assert.is(x.status, 200);
  assert.is(
    t.till.store.journal.headSeq(),
    head,
    'an X report journals nothing',
  );
  assert.is(x.body.counts.sale, 1);
  assert.is(x.body.salesPayments.card, 450);
  const z = await closeDay();
  assert.is(z.zNo, x.body.zNo);
  assert.equal(z.salesPayments, x.body.salesPayments);
  assert.equal(z.counts, x.body.counts);
  assert.is(z.toSeq, x.body.toSeq);
});

test('refuses bad cash input, naming the field, and journals nothing', async () => {
  const head = t.till.store.journal.headSeq();
  const ok = { direction: 'in', amount: 100, reason: 'float' };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...ok, reason: undefined }, 'reason'],
    [{ ...ok, reason: '  ' }, 'reason'],
    [{ ...ok, amount: 1.5 }, 'amount'],
    [{ ...ok, amount: -100 }, 'amount'],
    [{ ...ok, amount: 0 }, 'amount'],
    [{ ...ok, amount: '100' }, 'amount'],
    [{ ...ok, amount: undefined }, 'amount'],
    [{ ...ok, direction: 'sideways' }, 'direction'],
    [{ ...ok, direction: undefined }, 'direction'],
  ];
  for (const [body, field] of cases) {
    const res = await t.api('POST', '/api/cash', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is(res.body.error.code, 'invalid-field');
    assert.is(res.body.error.field, field, JSON.stringify(body));
  }
  assert.is(t.till.store.journal.headSeq(), head);
});

test.run();
