import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Relay, signToken, startRelay } from '@brigade/cloud-relay';
import { demoMenu } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateBranchKey } from '../src/cli/keygen.ts';
import { Till } from '../src/till.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
type Json = Record<string, any>;

const secret = 'r'.repeat(40);
const dirs: string[] = [];
let relay: Relay | undefined;
let till: Till | undefined;

test.after(async () => {
  await till?.stop();
  await relay?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  dirs.push(dir);
  return dir;
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function get(url: string, bearer?: string): Promise<Json> {
  const res = await fetch(url, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  return (await res.json()) as Json;
}

async function post(url: string, body: unknown): Promise<Json> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as Json) };
}

test('a sale with a customer reaches the relay: stock movement, loyalty entry without personal data, and erasure', async () => {
  relay = await startRelay({ dataDir: temp(), secret, port: 0 });
  const http = relay.url.replace(/^ws/, 'http');
  const tillToken = signToken(
    { org: 'acme', branches: ['b1'], device: 'till-r', role: 'till' },
    secret,
  );
  const dashboard = signToken(
    { org: 'acme', branches: ['b1'], device: 'owner', role: 'dashboard' },
    secret,
  );
  till = await Till.start(
    {
      dataDir: temp(),
      branch: 'b1',
      device: 'till-r',
      httpHost: '127.0.0.1',
      httpPort: 0,
      lanPort: 0,
      discoveryPort: 40000 + Math.floor(Math.random() * 20000),
      broadcast: '127.255.255.255',
      peers: [],
      relay: { wsUrl: relay.url, httpUrl: http, token: tillToken },
      branchKey: generateBranchKey(),
      menu: { kind: 'demo' },
    },
    { menu: demoMenu },
  );
  const api = till.httpUrl;
  await post(`${api}/api/stock`, {
    id: 'beef',
    name: 'Rib-eye',
    unit: 'gram',
    initial: 900,
    threshold: 300,
  });
  await post(`${api}/api/recipes/steak`, { base: { beef: 300 } });
  const guest = await post(`${api}/api/customers`, {
    name: 'Noor Private',
    phone: '+966 50 123 4567',
  });
  const order = (await post(`${api}/api/orders`, { table: '5' })).id;
  await post(`${api}/api/orders/${order}/lines`, {
    itemId: 'steak',
    qty: 2,
    modifiers: ['rare'],
  });
  await post(`${api}/api/orders/${order}/send`, {});
  await post(`${api}/api/orders/${order}/customer`, { customerId: guest.id });
  const settled = await post(`${api}/api/orders/${order}/settle`, {
    payments: [{ method: 'card', amount: 5990 }],
  });
  assert.is(settled.status, 201);
  assert.is(settled.loyalty.balance, 59);

  await until(async () => {
    const r = await get(`${http}/v1/reports/stock?branch=b1`, dashboard);
    return r.stock?.[0]?.level === 300;
  }, 'stock report at the relay');
  const stock = await get(`${http}/v1/reports/stock?branch=b1`, dashboard);
  assert.equal(stock.alerts, [
    { stockId: 'beef', kind: 'low-stock', level: 300, threshold: 300 },
  ]);

  await until(async () => {
    const r = await get(
      `${http}/v1/journal?branch=b1&device=till-r`,
      dashboard,
    );
    return (r.entries ?? []).some((e: Json) => e.kind === 'loyalty');
  }, 'loyalty entry at the relay');
  const journal = await get(
    `${http}/v1/journal?branch=b1&device=till-r`,
    dashboard,
  );
  const loyalty = journal.entries.find((e: Json) => e.kind === 'loyalty');
  assert.equal(loyalty.payload, {
    customerId: guest.id,
    points: 59,
    balance: 59,
    ref: settled.docNo,
    reason: 'settlement',
  });
  assert.not.ok(
    JSON.stringify(journal).includes('Noor'),
    'a name in the journal',
  );

  await until(async () => {
    const r = await get(`${http}/v1/reports/customers?branch=b1`, dashboard);
    return r.pointsLiability === 59;
  }, 'customer summary at the relay');
  const onDisk = () => {
    const db = till!.store.database;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all() as { name: string }[];
    return tables
      .flatMap(({ name }) =>
        (db.prepare(`SELECT * FROM "${name}"`).all() as object[]).flatMap((r) =>
          Object.values(r),
        ),
      )
      .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
      .join('\n');
  };
  assert.ok(onDisk().includes('Noor'), 'stored before');
  const admin = signToken(
    { org: 'acme', branches: ['b1'], device: 'ops', role: 'admin' },
    secret,
  );
  const erase = await fetch(`${http}/v1/customers/erase`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${admin}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ branch: 'b1', customerId: guest.id }),
  });
  assert.is(erase.status, 200);
  await until(
    async () => till!.docs.customers.customer(guest.id)?.erased === true,
    'erasure at the till',
  );
  await until(
    async () => !onDisk().includes('Noor'),
    "the name leaves the till's disk",
  );
  await until(async () => {
    const r = await get(
      `${http}/v1/reports/customers?branch=b1&personal=1`,
      dashboard,
    );
    return r.erased === 1 && !JSON.stringify(r).includes('Noor');
  }, 'erasure at the relay');
  const after = await get(
    `${http}/v1/journal?branch=b1&device=till-r`,
    dashboard,
  );
  assert.ok(
    after.entries.some((e: Json) => e.kind === 'sale'),
    'the journal keeps the sale',
  );
});

test.run();
