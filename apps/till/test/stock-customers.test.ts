import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoMenu } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { generateBranchKey } from '../src/cli/keygen.ts';
import type { TillOptions } from '../src/cli/options.ts';
import { Till } from '../src/till.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
type Json = Record<string, any>;

const branchKey = generateBranchKey();
const dirs: string[] = [];
const running: Till[] = [];

function optionsFor(
  device: string,
  dir: string,
  peers: TillOptions['peers'] = [],
): TillOptions {
  return {
    dataDir: dir,
    branch: 'b1',
    device,
    httpHost: '127.0.0.1',
    httpPort: 0,
    lanPort: 0,
    // A port of its own: the tills meet only through `peers`.
    discoveryPort: 40000 + Math.floor(Math.random() * 20000),
    broadcast: '127.255.255.255',
    peers,
    relay: null,
    branchKey,
    menu: { kind: 'demo' },
  };
}

async function start(
  device: string,
  dir?: string,
  peers?: TillOptions['peers'],
) {
  const at = dir ?? mkdtempSync(join(tmpdir(), 'brigade-'));
  if (!dir) dirs.push(at);
  const till = await Till.start(optionsFor(device, at, peers), {
    menu: demoMenu,
  });
  running.push(till);
  return { till, dir: at };
}

async function stop(till: Till) {
  await till.stop();
  running.splice(running.indexOf(till), 1);
}

async function api(till: Till, method: string, path: string, body?: unknown) {
  const res = await fetch(`${till.httpUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function until(check: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.after(async () => {
  for (const till of [...running]) await till.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every value of every table of the till's database, as text. */
function storedText(till: Till): string {
  const db = till.store.database;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all() as { name: string }[];
  return tables
    .flatMap(({ name }) =>
      (db.prepare(`SELECT * FROM "${name}"`).all() as object[]).flatMap((row) =>
        Object.values(row),
      ),
    )
    .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
    .join('\n');
}

async function sellBurgers(till: Till, qty: number) {
  const order = (
    await api(till, 'POST', '/api/orders', { table: till.options.device })
  ).body.id;
  const line = await api(till, 'POST', `/api/orders/${order}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
    qty,
  });
  assert.is(line.status, 201, JSON.stringify(line.body));
  assert.is((await api(till, 'POST', `/api/orders/${order}/send`)).status, 201);
  return order as string;
}

const patty = async (till: Till) =>
  (await api(till, 'GET', '/api/stock')).body.stock.find(
    (s: Json) => s.id === 'patty',
  );

test('two tills selling the last portions offline overshoot, report it and 86 the item on both once they meet', async () => {
  const a = await start('till-a');
  const b = await start('till-b');
  a.till.docs.inventory.defineStock({
    id: 'patty',
    name: 'Beef patty',
    unit: 'piece',
    initial: 3,
    threshold: 1,
  });
  a.till.docs.inventory.setRecipe({ itemId: 'burger', base: { patty: 1 } });
  // Till b learns the stock before the internet and the LAN go away.
  const { applyUpdate, encodeStateAsUpdate } = await import('yjs');
  applyUpdate(
    b.till.docs.inventoryDoc,
    encodeStateAsUpdate(a.till.docs.inventoryDoc),
  );

  const orderA = await sellBurgers(a.till, 2);
  const orderB = await sellBurgers(b.till, 2);
  assert.is((await patty(a.till)).level, 1);
  assert.is((await patty(b.till)).level, 1);

  // Till b restarts pointed at till a: they meet over the LAN.
  await stop(b.till);
  const b2 = await start('till-b', b.dir, [
    { host: '127.0.0.1', port: a.till.lanPort },
  ]);
  for (const till of [a.till, b2.till]) {
    await until(
      async () => (await patty(till)).level === -1,
      `${till.options.device} sees both sales`,
    );
    const row = await patty(till);
    assert.equal([row.fired, row.overshoot, row.low], [4, 1, true]);
    const stock = await api(till, 'GET', '/api/stock');
    const burger = stock.body.items.find((i: Json) => i.itemId === 'burger');
    assert.equal([burger.available, burger.soldOut], [false, ['patty']]);
    const order = (await api(till, 'POST', '/api/orders', { table: 'late' }))
      .body.id;
    const refused = await api(till, 'POST', `/api/orders/${order}/lines`, {
      itemId: 'burger',
      modifiers: ['rare'],
    });
    assert.is(refused.status, 400);
    assert.equal(refused.body.error.code, 'item-unavailable');
    assert.is(refused.body.error.field, 'itemId');
  }
  const kept = await api(a.till, 'GET', `/api/orders/${orderA}`);
  assert.is(kept.body.lines[0].qty, 2, 'lines already taken stay');
  await until(
    async () =>
      (await api(a.till, 'GET', `/api/orders/${orderB}`)).status === 200,
    'order b at a',
  );
});

test('stock adjustments and hand 86s through the API, bad input refused unchanged', async () => {
  const { till } = await start('till-c');
  const defined = await api(till, 'POST', '/api/stock', {
    id: 'milk',
    name: 'Milk',
    unit: 'millilitre',
    initial: 1000,
    threshold: 200,
  });
  assert.is(defined.status, 201);
  assert.is(defined.body.level, 1000);
  const litre = await api(till, 'POST', '/api/stock', {
    id: 'beer',
    name: 'Beer',
    unit: 'litre',
  });
  assert.equal(
    [litre.status, litre.body.error.code],
    [400, 'invalid-argument'],
  );
  const recipe = await api(till, 'POST', '/api/recipes/flat-white', {
    base: { milk: 150 },
    modifiers: { 'no-milk': { milk: -150 } },
  });
  assert.equal([recipe.status, recipe.body.base], [200, { milk: 150 }]);
  const badRecipe = await api(till, 'POST', '/api/recipes/flat-white', {
    base: { cream: 10 },
  });
  assert.equal(
    [badRecipe.status, badRecipe.body.error.code],
    [404, 'unknown-stock'],
  );
  const bad: [string, unknown, number, string, string?][] = [
    [
      '/api/stock/milk/adjust',
      { delta: 0, reason: 'waste' },
      400,
      'invalid-field',
      'delta',
    ],
    [
      '/api/stock/milk/adjust',
      { delta: 5, reason: 'lunch' },
      400,
      'invalid-field',
      'reason',
    ],
    [
      '/api/stock/milk/adjust',
      { delta: 'x', reason: 'waste' },
      400,
      'invalid-field',
      'delta',
    ],
    [
      '/api/stock/nope/adjust',
      { delta: 5, reason: 'delivery' },
      404,
      'unknown-stock',
    ],
    [
      '/api/items/soup/availability',
      { available: 'no' },
      400,
      'invalid-field',
      'available',
    ],
    [
      '/api/items/nope/availability',
      { available: false },
      400,
      'unknown-item',
      'itemId',
    ],
  ];
  for (const [path, body, status, code, field] of bad) {
    const res = await api(till, 'POST', path, body);
    assert.is(res.status, status, path);
    assert.is(res.body.error.code, code, path);
    if (field) assert.is(res.body.error.field, field, path);
  }
  assert.is((await api(till, 'GET', '/api/stock')).body.stock[0].level, 1000);
  const waste = await api(till, 'POST', '/api/stock/milk/adjust', {
    delta: -850,
    reason: 'waste',
  });
  assert.is(waste.status, 200);
  assert.equal([waste.body.stock.level, waste.body.stock.low], [150, true]);
  assert.equal((await api(till, 'GET', '/api/stock')).body.low, ['milk']);
  const off = await api(till, 'POST', '/api/items/soup/availability', {
    available: false,
  });
  assert.equal(
    [off.status, off.body.available, off.body.manual],
    [200, false, true],
  );
  const menu = await api(till, 'GET', '/api/menu');
  assert.is(
    menu.body.items.find((i: Json) => i.id === 'soup').available,
    false,
  );
});

test('customers: create, find, attach, earn on settlement, merge duplicates; points never created by replays or lost to credit notes', async () => {
  const { till } = await start('till-d');
  const one = await api(till, 'POST', '/api/customers', {
    name: 'Sam Reed',
    phone: '+44 7700 900555',
    allergies: ['nuts'],
  });
  assert.is(one.status, 201);
  const two = await api(till, 'POST', '/api/customers', {
    name: 'Samuel Reed',
    phone: '0044-7700-900555',
    email: 'SAM@example.com',
  });
  assert.equal(
    two.body.duplicates[0].ids.sort(),
    [one.body.id, two.body.id].sort(),
  );
  const bad = await api(till, 'POST', '/api/customers', {
    name: 'X',
    email: 'nope',
  });
  assert.equal(
    [bad.status, bad.body.error.code, bad.body.error.field],
    [400, 'invalid-argument', 'email'],
  );
  const found = await api(till, 'GET', '/api/customers?q=reed');
  assert.is(found.body.customers.length, 2);

  const order = (await api(till, 'POST', '/api/orders', { table: '9' })).body
    .id;
  await api(till, 'POST', `/api/orders/${order}/lines`, {
    itemId: 'steak',
    modifiers: ['rare'],
  });
  const attached = await api(till, 'POST', `/api/orders/${order}/customer`, {
    customerId: two.body.id,
  });
  assert.is(attached.status, 200);
  const nobody = await api(till, 'POST', `/api/orders/${order}/customer`, {
    customerId: 'cu-none',
  });
  assert.equal(
    [nobody.status, nobody.body.error.code],
    [404, 'unknown-customer'],
  );
  const settled = await api(till, 'POST', `/api/orders/${order}/settle`, {
    payments: [{ method: 'card', amount: 2995 }],
  });
  assert.is(settled.status, 201, JSON.stringify(settled.body));
  assert.equal(settled.body.loyalty, {
    customerId: two.body.id,
    earned: 29,
    balance: 29,
  });
  assert.match(settled.body.receipt, /Loyalty: \+29 points, balance 29/);
  const loyalty = till.store.journal
    .entriesAfter(0, 100)
    .filter((e) => e.kind === 'loyalty');
  assert.equal(
    loyalty.map((e) => e.payload),
    [
      {
        customerId: two.body.id,
        points: 29,
        balance: 29,
        ref: settled.body.docNo,
        reason: 'settlement',
      },
    ],
  );
  const chain = JSON.stringify(till.store.journal.entriesAfter(0, 100));
  for (const personal of ['Reed', '7700', 'sam@', 'nuts']) {
    assert.not.ok(chain.includes(personal), `${personal} in the journal`);
  }

  const merged = await api(till, 'POST', '/api/customers/merge', {
    keep: one.body.id,
    drop: two.body.id,
  });
  assert.is(merged.status, 200);
  assert.equal(
    [merged.body.customer.points, merged.body.customer.orders.length],
    [29, 1],
  );
  assert.is(merged.body.customer.email, 'sam@example.com');
  const again = await api(till, 'POST', '/api/customers/merge', {
    keep: one.body.id,
    drop: two.body.id,
  });
  assert.equal([again.status, again.body.error.code], [409, 'customer-merged']);

  // Replaying the settlement's loyalty earns nothing more.
  till.docs.customers.earn({
    customerId: one.body.id,
    points: 29,
    ref: `earn:${settled.body.docNo}`,
  });
  assert.is(till.docs.customers.customer(one.body.id)!.points, 29);

  // Points pay for part of a later order, with a reason.
  const later = (await api(till, 'POST', '/api/orders', { table: '10' })).body
    .id;
  await api(till, 'POST', `/api/orders/${later}/lines`, {
    itemId: 'steak',
    modifiers: ['rare'],
  });
  const none = await api(till, 'POST', `/api/orders/${later}/redeem`, {
    points: 5,
    reason: 'loyalty',
  });
  assert.equal([none.status, none.body.error.code], [409, 'no-customer']);
  await api(till, 'POST', `/api/orders/${later}/customer`, {
    customerId: one.body.id,
  });
  const tooMany = await api(till, 'POST', `/api/orders/${later}/redeem`, {
    points: 30,
    reason: 'loyalty',
  });
  assert.equal(
    [tooMany.status, tooMany.body.error.code],
    [409, 'insufficient-points'],
  );
  const redeemed = await api(till, 'POST', `/api/orders/${later}/redeem`, {
    points: 20,
    reason: 'birthday',
  });
  assert.is(redeemed.status, 200, JSON.stringify(redeemed.body));
  assert.equal([redeemed.body.balance, redeemed.body.totals.total], [9, 2975]);
  const twice = await api(till, 'POST', `/api/orders/${later}/redeem`, {
    points: 1,
    reason: 'again',
  });
  assert.equal([twice.status, twice.body.error.code], [409, 'discount-set']);

  const credit = await api(
    till,
    'POST',
    `/api/invoices/${settled.body.docNo}/credit`,
    { reason: 'returned', restock: true },
  );
  assert.is(credit.status, 201, JSON.stringify(credit.body));
  assert.is(credit.body.pointsReversed, 29);
  // Spent before the refund: the balance shows the debt instead of hiding it.
  assert.is(till.docs.customers.customer(one.body.id)!.points, -20);
  const moves = till.docs.customers.loyaltyMoves().map((m) => m.delta);
  assert.equal(moves, [29, -20, -29]);

  assert.ok(storedText(till).includes('Reed'), 'stored before');
  // Erasure on request at the counter: the merged pair loses its personal fields.
  const erased = await api(till, 'POST', `/api/customers/${two.body.id}/erase`);
  assert.equal(
    [erased.status, erased.body.erased.sort()],
    [200, [one.body.id, two.body.id].sort()],
  );
  assert.equal(
    (await api(till, 'GET', '/api/customers?q=reed')).body.customers,
    [],
  );
  const unknown = await api(till, 'POST', '/api/customers/cu-none/erase');
  assert.equal(
    [unknown.status, unknown.body.error.code],
    [404, 'unknown-customer'],
  );
  const bytes = new TextDecoder().decode(
    Y.encodeStateAsUpdate(till.docs.customersDoc),
  );
  assert.not.ok(bytes.includes('Reed'), 'the name is still in the document');
  assert.not.ok(storedText(till).includes('Reed'), 'the name is on disk');
});

test('customers: a phone written the national way matches it with the country code (the country from the menu currency, GBP: GB)', async () => {
  const { till } = await start('till-p');
  const one = await api(till, 'POST', '/api/customers', {
    name: 'Pat',
    phone: '07700 900777',
  });
  assert.is(one.body.customer.phone, '+447700900777');
  const two = await api(till, 'POST', '/api/customers', {
    name: 'Pat B',
    phone: '+44 7700 900777',
  });
  assert.equal(
    two.body.duplicates[0].ids.sort(),
    [one.body.id, two.body.id].sort(),
  );
  const found = await api(till, 'GET', '/api/customers?q=07700900777');
  assert.is(found.body.customers.length, 2);
});

test('stock: an extra whose ingredient ran out is refused with a clear error; the dish without it sells', async () => {
  const { till } = await start('till-m');
  await api(till, 'POST', '/api/stock', {
    id: 'bacon',
    name: 'Bacon rasher',
    unit: 'piece',
    initial: 1,
  });
  await api(till, 'POST', '/api/recipes/burger', {
    base: {},
    modifiers: { 'add-bacon': { bacon: 1 } },
  });
  await api(till, 'POST', '/api/stock/bacon/adjust', {
    delta: -1,
    reason: 'waste',
  });
  const stock = await api(till, 'GET', '/api/stock');
  const burger = stock.body.items.find((i: Json) => i.itemId === 'burger');
  assert.equal(
    [burger.available, burger.modifiersSoldOut],
    [true, ['add-bacon']],
  );
  const order = (await api(till, 'POST', '/api/orders', { table: '2' })).body
    .id;
  const refused = await api(till, 'POST', `/api/orders/${order}/lines`, {
    itemId: 'burger',
    modifiers: ['medium', 'add-bacon'],
  });
  assert.equal(
    [refused.status, refused.body.error.code, refused.body.error.field],
    [400, 'item-unavailable', 'modifiers'],
  );
  const plain = await api(till, 'POST', `/api/orders/${order}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
  });
  assert.is(plain.status, 201);
});

test.run();
