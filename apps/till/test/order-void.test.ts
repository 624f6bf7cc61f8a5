import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Json, startTestTill, type TestTill } from './test-till.ts';

let t: TestTill;

test.before(async () => {
  t = await startTestTill();
});

test.after(async () => {
  await t.stop();
});

/** An order at table 7: two burgers and chips, sent to the kitchen. */
async function sentOrder(): Promise<{ id: string; lines: string[] }> {
  const id = (await t.api('POST', '/api/orders', { table: '7' })).body.id;
  const burger = await t.api('POST', `/api/orders/${id}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
    qty: 2,
  });
  const chips = await t.api('POST', `/api/orders/${id}/lines`, {
    itemId: 'chips',
  });
  assert.is((await t.api('POST', `/api/orders/${id}/send`)).status, 201);
  return { id, lines: [burger.body.id, chips.body.id] };
}

test('voids an open order and journals the lines and totals it voided', async () => {
  await t.api('POST', '/api/day/close');
  const { id, lines } = await sentOrder();
  const before = (await t.api('GET', `/api/orders/${id}`)).body;
  const voided = await t.api('POST', `/api/orders/${id}/void`, {
    reason: 'guests walked out',
    user: 'manager-ann',
  });
  assert.is(voided.status, 201);
  assert.equal(voided.body.lines, lines);
  assert.is(voided.body.total, before.totals.total);

  const entry = t.till.store.journal.get(voided.body.seq)!;
  assert.is(entry.kind, 'order-void');
  assert.is(entry.hash, voided.body.hash);
  assert.is(entry.user, 'manager-ann');
  assert.is(entry.total, 3750);
  assert.equal(entry.running, t.till.store.journal.get(entry.seq - 1)?.running);
  const p = entry.payload as Json;
  assert.is(p.orderId, id);
  assert.is(p.lineId, null);
  assert.is(p.reason, 'guests walked out');
  assert.is(p.table, '7');
  assert.equal(
    p.lines.map((l: Json) => [l.lineId, l.itemId, l.qty, l.lineTotal]),
    [
      [lines[0], 'burger', 2, 3300],
      [lines[1], 'chips', 1, 450],
    ],
  );
  assert.equal(p.totals, {
    subtotal: 3750,
    discount: 0,
    serviceCharge: 0,
    tax: before.totals.tax,
    total: 3750,
  });

  const after = (await t.api('GET', `/api/orders/${id}`)).body;
  assert.is(after.status, 'voided');
  assert.is(after.void.by, 'manager-ann');
  assert.ok(after.lines.every((l: Json) => l.voided));
  assert.is(after.totals.total, 0);
  const listed = await t.api('GET', '/api/orders?status=voided');
  assert.equal(
    listed.body.orders.map((o: Json) => o.id),
    [id],
  );
  const z = (await t.api('POST', '/api/day/close')).body;
  assert.is(z.counts['order-void'], 1);
  assert.is(z.sums['order-void'], 3750);
});

test('lets no line of a voided order change, and journals no refusal', async () => {
  const { id, lines } = await sentOrder();
  const other = (await t.api('POST', '/api/orders', { table: '8' })).body.id;
  await t.api('POST', `/api/orders/${id}/void`, { reason: 'wrong table' });
  const head = t.till.store.journal.headSeq();
  const cases: [string, unknown, string][] = [
    [`/api/orders/${id}/lines`, { itemId: 'chips' }, 'order-voided'],
    [`/api/lines/${lines[0]}/qty`, { delta: 1 }, 'line-voided'],
    [`/api/lines/${lines[0]}/void`, { reason: 'again' }, 'line-voided'],
    [`/api/lines/${lines[1]}/move`, { orderId: other }, 'line-voided'],
    [`/api/orders/${id}/send`, undefined, 'order-voided'],
    [
      `/api/orders/${id}/settle`,
      { payments: [{ method: 'cash', amount: 100 }] },
      'order-voided',
    ],
    [`/api/orders/${id}/void`, { reason: 'again' }, 'order-voided'],
  ];
  for (const [path, body, code] of cases) {
    const res = await t.api('POST', path, body);
    assert.is(res.status, 409, path);
    assert.is(res.body.error.code, code, path);
  }
  assert.is(t.till.store.journal.headSeq(), head);
});

test('refuses a settled order with 409 and an unknown one with 404', async () => {
  const { id } = await sentOrder();
  await t.api('POST', `/api/orders/${id}/settle`, {
    payments: [{ method: 'card', amount: 3750 }],
  });
  const head = t.till.store.journal.headSeq();
  const settled = await t.api('POST', `/api/orders/${id}/void`, {
    reason: 'too late',
  });
  assert.is(settled.status, 409);
  assert.is(settled.body.error.code, 'order-settled');
  const unknown = await t.api('POST', '/api/orders/nope/void', {
    reason: 'x',
  });
  assert.is(unknown.status, 404);
  assert.is(unknown.body.error.code, 'unknown-order');
  const open = (await t.api('POST', '/api/orders', { table: '9' })).body.id;
  const reasonless = await t.api('POST', `/api/orders/${open}/void`, {});
  assert.is(reasonless.status, 400);
  assert.is(reasonless.body.error.field, 'reason');
  assert.is(t.till.store.journal.headSeq(), head);
  assert.is((await t.api('GET', `/api/orders/${open}`)).body.status, 'open');
});

test.run();
