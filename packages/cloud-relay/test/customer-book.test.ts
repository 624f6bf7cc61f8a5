import { CLOSE, customerBookRoom } from '@brigade/cloud-relay';
import { CustomerBook, yjsEngine } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
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

async function call(
  base: string,
  path: string,
  bearer: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function bookOf(p: WebsocketProvider, device: string): CustomerBook {
  return new CustomerBook(yjsEngine(p.doc), { device });
}

test('tills of two branches of one organisation share one customer book; another organisation never sees it', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir);
  const base = relay.url.replace(/^ws/, 'http');
  const b1 = provider(relay, 'b1/customers', token());
  const b2 = provider(
    relay,
    'b2/customers',
    token({ branches: ['b2'], device: 'till-2' }),
  );
  const other = provider(
    relay,
    'x1/customers',
    token({ org: 'other', branches: ['x1'], device: 'till-9' }),
  );
  try {
    await Promise.all([synced(b1), synced(b2), synced(other)]);
    const [one, two, nine] = [
      bookOf(b1, 'till-1'),
      bookOf(b2, 'till-2'),
      bookOf(other, 'till-9'),
    ];
    const ana = one.createCustomer({ name: 'Ana', phone: '+447700900123' });
    const ben = two.createCustomer({ name: 'Ben' });
    nine.createCustomer({ name: 'Olga' });
    await until(() => two.customer(ana) !== undefined, 5000, 'b2 sees Ana');
    await until(() => one.customer(ben) !== undefined, 5000, 'b1 sees Ben');
    two.earn({ customerId: ana, points: 30, ref: 'b2/inv/1' });
    await until(() => one.customer(ana)?.points === 30, 5000, 'points');
    assert.equal(
      nine.customers().map((c) => c.name),
      ['Olga'],
      'the other organisation sees only its own',
    );
    assert.ok(relay.hub.loadedDoc(customerBookRoom('acme')), 'one room');
    assert.is(relay.hub.loadedDoc('b1/customers'), undefined);

    // A token of another organisation naming b1 is refused (b1 is acme's).
    const intruder = new RawClient(
      docUrl(relay, 'b1/customers', token({ org: 'other', device: 'evil' })),
    );
    assert.is(await intruder.closed, CLOSE.forbidden);
    assert.is(intruder.messages.length, 0);

    // Reports and erasure are per organisation, whichever branch is named.
    const dashboard = token({ role: 'dashboard', branches: ['b2'] });
    const summary = await call(base, '/v1/reports/customers', dashboard);
    assert.equal(
      [summary.body.org, summary.body.customers, summary.body.pointsLiability],
      ['acme', 2, 30],
    );
    const viaB2 = await call(
      base,
      '/v1/reports/customers?branch=b2&personal=1',
      dashboard,
    );
    assert.equal(viaB2.body.list.map((c: Json) => c.name).sort(), [
      'Ana',
      'Ben',
    ]);
    const otherAdmin = token({
      org: 'other',
      role: 'admin',
      branches: ['*'],
      device: 'ops-9',
    });
    const theirs = await call(
      base,
      '/v1/reports/customers?personal=1',
      otherAdmin,
    );
    assert.equal(
      theirs.body.list.map((c: Json) => c.name),
      ['Olga'],
    );
    assert.is(
      (await call(base, '/v1/reports/customers?branch=b1', otherAdmin)).status,
      403,
      "another organisation's admin names acme's branch",
    );
    assert.is(
      (await call(base, '/v1/customers/erase', otherAdmin, { customerId: ana }))
        .status,
      404,
      "another organisation's admin erases acme's customer",
    );
    const admin = token({ role: 'admin', branches: ['*'], device: 'ops' });
    const erased = await call(base, '/v1/customers/erase', admin, {
      customerId: ana,
    });
    assert.equal([erased.status, erased.body.erased], [200, [ana]]);
    await until(
      () =>
        one.customer(ana)?.erased === true &&
        two.customer(ana)?.erased === true,
      5000,
      'erasure on both branches',
    );
    assert.is(two.customer(ana)?.phone, null);
  } finally {
    for (const p of [b1, b2, other]) p.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test('an admin of the organisation opens the book through any of its branches; a dashboard only reads it', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir);
  const till = provider(relay, 'b1/customers', token());
  const admin = provider(
    relay,
    'b1/customers',
    token({ role: 'admin', branches: ['*'], device: 'ops' }),
  );
  const dashboard = provider(
    relay,
    'b1/customers',
    token({ role: 'dashboard', device: 'owner' }),
  );
  try {
    await Promise.all([synced(till), synced(admin), synced(dashboard)]);
    const id = bookOf(admin, 'ops').createCustomer({ name: 'Cleo' });
    await until(() => bookOf(till, 'till-1').customer(id) !== undefined);
    bookOf(dashboard, 'owner').createCustomer({ name: 'Ignored' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(
      bookOf(till, 'till-1')
        .customers()
        .map((c) => c.name),
      ['Cleo'],
      "the dashboard's write is not taken",
    );
  } finally {
    for (const p of [till, admin, dashboard]) p.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test('the customer report counts balances overdrawn by tills of two branches redeeming the same points apart', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir);
  const base = relay.url.replace(/^ws/, 'http');
  const north = new Y.Doc();
  const south = new Y.Doc();
  const one = new CustomerBook(yjsEngine(north), { device: 'till-1' });
  const id = one.createCustomer({ name: 'Noor' });
  one.earn({ customerId: id, points: 100, ref: 'b1/inv/1' });
  Y.applyUpdate(south, Y.encodeStateAsUpdate(north));
  const two = new CustomerBook(yjsEngine(south), { device: 'till-2' });
  one.redeem({ customerId: id, points: 80, reason: 'meal', ref: 'b1/r/1' });
  two.redeem({ customerId: id, points: 80, reason: 'meal', ref: 'b2/r/1' });
  const links = [
    provider(relay, 'b1/customers', token(), north),
    provider(
      relay,
      'b2/customers',
      token({ branches: ['b2'], device: 'till-2' }),
      south,
    ),
  ];
  try {
    await until(
      () =>
        one.customer(id)?.points === -60 && two.customer(id)?.points === -60,
      5000,
      'both tills to see both redemptions',
    );
    const dashboard = token({ role: 'dashboard', device: 'owner' });
    const summary = await call(base, '/v1/reports/customers', dashboard);
    assert.equal(
      [
        summary.body.overdrawn,
        summary.body.overdrawnPoints,
        summary.body.pointsLiability,
      ],
      [1, 60, 0],
    );
  } finally {
    for (const p of links) p.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test.run();
