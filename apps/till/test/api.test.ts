import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoMenu } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateBranchKey } from '../src/cli/keygen.ts';
import type { TillOptions } from '../src/cli/options.ts';
import { Till } from '../src/till.ts';

let dir = '';
let till: Till;

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
type Json = Record<string, any>;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${till.httpUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const options: TillOptions = {
    dataDir: dir,
    branch: 'b1',
    device: 'till-1',
    httpHost: '127.0.0.1',
    httpPort: 0,
    lanPort: 0,
    discoveryPort: 40000 + Math.floor(Math.random() * 20000),
    broadcast: '127.255.255.255',
    peers: [],
    relay: null,
    branchKey: generateBranchKey(),
    menu: { kind: 'demo' },
  };
  till = await Till.start(options, { menu: demoMenu });
});

test.after(async () => {
  await till.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function orderWithBurger(): Promise<{ order: string; line: string }> {
  const order = (await api('POST', '/api/orders', { table: '7' })).body.id;
  const added = await api('POST', `/api/orders/${order}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
    qty: 2,
  });
  assert.is(added.status, 201);
  return { order, line: added.body.id };
}

test('opens an order, adds a line and shows its totals', async () => {
  const { order } = await orderWithBurger();
  const view = await api('GET', `/api/orders/${order}`);
  assert.is(view.status, 200);
  assert.is(view.body.lines[0].qty, 2);
  assert.is(view.body.lines[0].voided, false);
  assert.is(view.body.totals.total, 3300);
  assert.equal(view.body.conflicts, []);
  const open = await api('GET', '/api/orders?status=open');
  assert.ok(open.body.orders.some((o: Json) => o.id === order));
});

test('refuses bad input naming the field, and changes nothing', async () => {
  const { order, line } = await orderWithBurger();
  const before = await api('GET', `/api/orders/${order}`);
  const cases: [string, string, unknown, number, string, string?][] = [
    ['POST', '/api/orders', { guests: 2 }, 400, 'invalid-field', 'table'],
    [
      'POST',
      `/api/orders/${order}/lines`,
      { itemId: 'nope' },
      400,
      'unknown-item',
      'itemId',
    ],
    [
      'POST',
      `/api/orders/${order}/lines`,
      { itemId: 'burger', qty: 0 },
      400,
      'invalid-field',
      'qty',
    ],
    [
      'POST',
      `/api/lines/${line}/qty`,
      { delta: -5 },
      400,
      'quantity-below-zero',
      'delta',
    ],
    ['POST', '/api/lines/nope/qty', { delta: 1 }, 404, 'unknown-line'],
    ['POST', `/api/lines/${line}/void`, {}, 400, 'invalid-field', 'reason'],
    [
      'POST',
      `/api/orders/${order}/settle`,
      { payments: [{ method: 'card', amount: 100 }] },
      400,
      'payments-short',
      'payments',
    ],
    [
      'POST',
      `/api/orders/${order}/settle`,
      { payments: [{ method: 'card', amount: -1 }] },
      400,
      'invalid-field',
      'payments[0].amount',
    ],
    [
      'POST',
      '/api/tickets/nope/status',
      { status: 'cooking' },
      404,
      'unknown-ticket',
    ],
    [
      'POST',
      '/api/invoices/b1-till-1-999999/credit',
      { reason: 'x' },
      404,
      'unknown-invoice',
    ],
  ];
  for (const [method, path, body, status, code, field] of cases) {
    const res = await api(method, path, body);
    assert.is(res.status, status, `${path} ${JSON.stringify(body)}`);
    assert.is(res.body.error.code, code, path);
    if (field) assert.is(res.body.error.field, field, path);
  }
  const after = await api('GET', `/api/orders/${order}`);
  assert.equal(after.body, before.body);
  assert.is(till.store.journal.headSeq() >= 0, true);
});

test('settles once, with change, and refuses a second settlement', async () => {
  const { order } = await orderWithBurger();
  const sent = await api('POST', `/api/orders/${order}/send`);
  assert.is(sent.status, 201);
  assert.is(sent.body.tickets[0].status, 'new');
  const settled = await api('POST', `/api/orders/${order}/settle`, {
    payments: [{ method: 'cash', amount: 4000 }],
  });
  assert.is(settled.status, 201);
  assert.is(settled.body.totals.total, 3300);
  assert.is(settled.body.change, 700);
  assert.match(settled.body.docNo, /^b1-till-1-\d{6}$/);
  assert.match(settled.body.receipt, /TOTAL GBP\s+33\.00/);
  assert.ok(settled.body.qr.length > 20);
  const again = await api('POST', `/api/orders/${order}/settle`, {
    payments: [{ method: 'cash', amount: 3300 }],
  });
  assert.is(again.status, 409);
  assert.is(again.body.error.code, 'already-settled');
  const entry = till.store.journal.get(settled.body.seq);
  assert.is(entry?.hash, settled.body.hash);
});

test('voids a line in the order and the journal together', async () => {
  const { order, line } = await orderWithBurger();
  const head = till.store.journal.headSeq();
  const voided = await api('POST', `/api/lines/${line}/void`, {
    reason: 'guest changed mind',
  });
  assert.is(voided.status, 200);
  assert.is(till.store.journal.headSeq(), head + 1);
  assert.is(till.store.journal.last()?.kind, 'line-void');
  const again = await api('POST', `/api/lines/${line}/void`, { reason: 'x' });
  assert.is(again.status, 409);
  assert.is(
    till.store.journal.headSeq(),
    head + 1,
    'refused void not journalled',
  );
  const view = await api('GET', `/api/orders/${order}`);
  assert.is(view.body.lines[0].voided, true);
});

test('credits a sale, reprints it and closes the day', async () => {
  const { order } = await orderWithBurger();
  const settled = await api('POST', `/api/orders/${order}/settle`, {
    payments: [{ method: 'card', amount: 3300 }],
  });
  const line = (await api('GET', `/api/orders/${order}`)).body.lines[0].id;
  const part = await api('POST', `/api/invoices/${settled.body.docNo}/credit`, {
    reason: 'cold',
    lines: [{ lineId: line, qty: 1 }],
  });
  assert.is(part.status, 201);
  assert.is(part.body.total, 1650);
  let view = await api('GET', `/api/orders/${order}`);
  assert.is(view.body.status, 'settled', 'half credited: still settled');
  const rest = await api('POST', `/api/invoices/${settled.body.docNo}/credit`, {
    reason: 'cold',
    lines: [{ lineId: line, qty: 1 }],
  });
  assert.is(rest.status, 201);
  view = await api('GET', `/api/orders/${order}`);
  assert.is(view.body.claims[0].credited.docNo, rest.body.docNo);
  assert.is(view.body.status, 'open', 'fully credited: open again');
  const over = await api('POST', `/api/invoices/${settled.body.docNo}/credit`, {
    reason: 'again',
  });
  assert.is(over.status, 409);
  assert.is(over.body.error.code, 'credit-exceeds-original');
  const reprint = await api(
    'POST',
    `/api/invoices/${settled.body.docNo}/reprint`,
  );
  assert.is(reprint.status, 201);
  assert.match(reprint.body.receipt, /DUPLICATE 1/);
  const z = await api('POST', '/api/day/close');
  assert.is(z.status, 201);
  assert.ok(z.body.zNo >= 1);
});

test.run();
