import { CLOSE } from '@brigade/cloud-relay';
import { CustomerBook, Inventory, yjsEngine } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import {
  captureLogger,
  docUrl,
  provider,
  RawClient,
  removeDir,
  synced,
  tempDir,
  testRelay,
  token,
  until,
} from './support/relay.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
type Json = Record<string, any>;

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every value of every table of the relay's database, as text. */
function storedText(relay: { db: import('better-sqlite3').Database }): string {
  const tables = relay.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all() as { name: string }[];
  return tables
    .flatMap(({ name }) =>
      (relay.db.prepare(`SELECT * FROM "${name}"`).all() as object[]).flatMap(
        (row) => Object.values(row),
      ),
    )
    .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
    .join('\n');
}

function httpOf(url: string): string {
  return url.replace(/^ws/, 'http');
}

async function call(
  base: string,
  path: string,
  bearer: string,
  init: { method?: string; body?: unknown } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

test('reports stock, alerts, customer counts and liability; personal data only for managers; erasure reaches the relay and every device', async () => {
  const dir = tempDir();
  const { logger, lines } = captureLogger();
  const relay = await testRelay(dir, {}, logger);
  const base = httpOf(relay.url);
  const tillToken = token();
  const stockTill = provider(relay, 'b1/inventory', tillToken);
  const bookTill = provider(relay, 'b1/customers', tillToken);
  const otherTill = provider(
    relay,
    'b1/customers',
    token({ device: 'till-2' }),
  );
  try {
    await Promise.all([synced(stockTill), synced(bookTill), synced(otherTill)]);
    const stock = new Inventory(yjsEngine(stockTill.doc), { device: 'till-1' });
    stock.defineStock({
      id: 'patty',
      name: 'Beef patty',
      unit: 'piece',
      initial: 2,
      threshold: 1,
    });
    stock.defineStock({
      id: 'milk',
      name: 'Milk',
      unit: 'millilitre',
      initial: 900,
      threshold: 100,
    });
    stock.setRecipe({ itemId: 'burger', base: { patty: 1 } });
    stock.consume({
      ref: 't:1',
      usage: [{ itemId: 'burger', modifiers: [], qty: 3 }],
    });
    stock.adjust({ stockId: 'milk', delta: -50, reason: 'waste' });
    stock.setAvailable({ itemId: 'soup', available: false });

    const book = new CustomerBook(yjsEngine(bookTill.doc), {
      device: 'till-1',
    });
    const ana = book.createCustomer({
      name: 'Ana Secret',
      phone: '+447700900123',
      email: 'ana@example.com',
    });
    book.createCustomer({ name: 'Ana S', phone: '+447700900123' });
    book.earn({ customerId: ana, points: 40, ref: 'till-1/1' });
    const otherBook = new CustomerBook(yjsEngine(otherTill.doc), {
      device: 'till-2',
    });
    await until(() => otherBook.customer(ana)?.points === 40);

    const dashboard = token({ role: 'dashboard', device: 'owner' });
    await eventually(async () => {
      const r = await call(base, '/v1/reports/stock?branch=b1', dashboard);
      return r.body.stock?.length === 2 && r.body.movements?.length === 2;
    });
    const report = await call(base, '/v1/reports/stock?branch=b1', dashboard);
    assert.is(report.status, 200);
    const patty = report.body.stock.find((s: Json) => s.id === 'patty');
    assert.equal([patty.level, patty.fired, patty.overshoot], [-1, 3, 1]);
    assert.equal(report.body.alerts, [
      { stockId: 'patty', kind: 'overshoot', level: -1, threshold: 1 },
    ]);
    assert.equal(report.body.eightySixed, ['soup']);
    assert.equal(report.body.movements.map((m: Json) => m.kind).sort(), [
      'fire',
      'waste',
    ]);

    await eventually(
      async () =>
        (await call(base, '/v1/reports/customers?branch=b1', dashboard)).body
          .customers === 2,
    );
    const summary = await call(
      base,
      '/v1/reports/customers?branch=b1',
      dashboard,
    );
    assert.equal(summary.body, {
      branch: 'b1',
      org: 'acme',
      customers: 2,
      erased: 0,
      duplicateGroups: 1,
      pointsLiability: 40,
      overdrawn: 0,
      overdrawnPoints: 0,
    });
    const personal = await call(
      base,
      '/v1/reports/customers?branch=b1&personal=1',
      dashboard,
    );
    assert.ok(personal.body.list.some((c: Json) => c.name === 'Ana Secret'));
    for (const path of [
      '/v1/reports/customers?branch=b1&personal=1',
      '/v1/reports/stock?branch=b1',
    ]) {
      assert.is(
        (await call(base, path, tillToken)).status,
        403,
        `a till token reads ${path}`,
      );
    }
    const otherOrg = token({ role: 'dashboard', branches: ['b9'] });
    assert.is(
      (await call(base, '/v1/reports/customers?branch=b1', otherOrg)).status,
      403,
    );
    const bad = await call(
      base,
      '/v1/reports/customers?branch=b1&personal=yes',
      dashboard,
    );
    assert.equal([bad.status, bad.body.error.field], [400, 'personal']);

    // Erasure: refused for a dashboard, done for an admin.
    const body = { customerId: ana };
    assert.is(
      (
        await call(base, '/v1/customers/erase', dashboard, {
          method: 'POST',
          body,
        })
      ).status,
      403,
    );
    const unknown = await call(
      base,
      '/v1/customers/erase',
      token({ role: 'admin', device: 'ops' }),
      {
        method: 'POST',
        body: { customerId: 'cu-none' },
      },
    );
    assert.is(unknown.status, 404);
    assert.ok(storedText(relay).includes('Ana Secret'), 'stored before');
    // Erased at the relay while both tills are connected: they see it at once.
    const erased = await call(
      base,
      '/v1/customers/erase',
      token({ role: 'admin', device: 'ops' }),
      { method: 'POST', body },
    );
    assert.equal([erased.status, erased.body.erased], [200, [ana]]);
    await until(
      () =>
        otherBook.customer(ana)?.erased === true &&
        book.customer(ana)?.erased === true,
    );
    const after = await call(
      base,
      '/v1/reports/customers?branch=b1&personal=1',
      dashboard,
    );
    assert.is(after.body.erased, 1);
    assert.is(after.body.pointsLiability, 40, 'points stay, without a name');
    assert.not.ok(JSON.stringify(after.body).includes('Secret'));
    for (const b of [book, otherBook]) assert.is(b.customer(ana)!.name, '');
    for (const device of [bookTill, otherTill]) {
      const bytes = new TextDecoder().decode(Y.encodeStateAsUpdate(device.doc));
      assert.not.ok(bytes.includes('Ana Secret'), 'the name is on a device');
    }
    assert.not.ok(
      storedText(relay).includes('Ana Secret'),
      'on the relay disk',
    );
    assert.not.ok(
      JSON.stringify(lines).includes('Ana Secret'),
      'personal data in the logs',
    );
    assert.not.ok(
      JSON.stringify(lines).includes('7700900123'),
      'a phone number in the logs',
    );
  } finally {
    stockTill.destroy();
    bookTill.destroy();
    otherTill.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test('a kitchen screen token may not open the customer book', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir);
  try {
    const kds = token({ role: 'kds', device: 'kds-1' });
    const refused = new RawClient(docUrl(relay, 'b1/customers', kds));
    assert.is(await refused.closed, CLOSE.forbidden);
    assert.is(refused.messages.length, 0);
    const menu = new RawClient(docUrl(relay, 'b1/menu', kds));
    await menu.opened;
    menu.close();
  } finally {
    await relay.stop();
    removeDir(dir);
  }
});

test.run();
