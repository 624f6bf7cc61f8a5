/**
 * Issue 7: customers are per organisation. Two tills in two branches of
 * one organisation, each connected only to the relay, see a customer
 * created at the other; a till of another organisation never does; an
 * erasure at one till removes the personal data at the other and at the
 * relay, and one made at the relay removes it at both tills. The bytes
 * of every file in the other till's and the relay's data folders are
 * read too: the personal data is in them before the erasure and gone
 * after, while the journal keeps the sale and still verifies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBranchKey } from '@brigade/till';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type BrigadeProcess,
  brigade,
  Cleanup,
  discoveryPort,
  eventually,
  type RelayHandle,
  relayToken,
  startRelay,
  startTill,
  type TillHandle,
  tempDir,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

interface Listed {
  customers: { id: string; name: string; phone: string | null }[];
}

async function tokenOf(
  secret: string,
  org: string,
  branch: string,
  device: string,
  role = 'till',
): Promise<string> {
  if (org === 'e2e') return relayToken(secret, branch, device, role);
  const args = ['token', '--org', org, '--branch', branch];
  const result = await brigade([...args, '--device', device, '--role', role], {
    BRIGADE_RELAY_SECRET: secret,
  });
  if (result.code !== 0) throw new Error(`brigade token: ${result.stderr}`);
  return result.stdout.trim();
}

async function tillAt(
  relay: RelayHandle,
  org: string,
  branch: string,
  device: string,
): Promise<TillHandle> {
  return startTill(cleanup, {
    branch,
    device,
    branchKey: generateBranchKey(),
    dataDir: tempDir(cleanup),
    discoveryPort: discoveryPort(),
    menu: 'demo',
    relay: {
      wsUrl: relay.wsUrl,
      httpUrl: relay.httpUrl,
      token: await tokenOf(relay.secret, org, branch, device),
    },
  });
}

async function names(till: TillHandle, q = ''): Promise<string[]> {
  const { body } = await till.api<Listed>('GET', `/api/customers?q=${q}`);
  return body.customers.map((c) => c.name).sort();
}

test('two branches of one organisation share customers through the relay; another organisation never sees them', async () => {
  const relay = await startRelay(cleanup);
  const [north, south, stranger] = await Promise.all([
    tillAt(relay, 'e2e', 'north', 'till-n'),
    tillAt(relay, 'e2e', 'south', 'till-s'),
    tillAt(relay, 'rival', 'east', 'till-e'),
  ]);

  const created = await north.api<{ id: string }>('POST', '/api/customers', {
    name: 'Zed Private',
    phone: '+44 7700 900123',
  });
  assert.is(created.status, 201);
  const id = created.body.id;
  await south.api('POST', '/api/customers', { name: 'Yan South' });
  await stranger.api('POST', '/api/customers', { name: 'Rita Rival' });

  await eventually(
    async () => (await names(south)).includes('Zed Private'),
    'the south till to see the customer created in the north',
  );
  await eventually(
    async () => (await names(north)).includes('Yan South'),
    'the north till to see the customer created in the south',
  );
  // The rival's till has synced its own book by now: it holds only its own.
  await eventually(async () => {
    const { body } = await stranger.api<{
      relay: { state: string; docs: number; docsSynced: number };
    }>('GET', '/api/status');
    const { state, docs, docsSynced } = body.relay;
    return state === 'connected' && docs === docsSynced;
  }, 'the rival till to be connected');
  assert.equal(await names(stranger), ['Rita Rival']);
  assert.not.ok((await names(north)).includes('Rita Rival'));

  // Erased at the south till: gone at the north till and at the relay.
  const erased = await south.api('POST', `/api/customers/${id}/erase`);
  assert.is(erased.status, 200);
  await eventually(
    async () => !(await names(north)).includes('Zed Private'),
    'the erasure to reach the north till',
  );
  const dashboard = await tokenOf(
    relay.secret,
    'e2e',
    'north',
    'owner',
    'dashboard',
  );
  const report = await eventually(async () => {
    const res = await fetch(
      `${relay.httpUrl}/v1/reports/customers?personal=1`,
      { headers: { authorization: `Bearer ${dashboard}` } },
    );
    const body = (await res.json()) as {
      erased: number;
      list: Listed['customers'];
    };
    return body.erased === 1 ? body : null;
  }, 'the relay to hold the erasure');
  assert.equal(
    report.list.map((c) => c.name),
    ['Yan South'],
  );
  assert.not.ok(JSON.stringify(report).includes('7700900123'));

  // Erased at the relay by an admin: gone at both tills.
  const yan = (await south.api<Listed>('GET', '/api/customers?q=Yan')).body
    .customers[0]!.id;
  const admin = await tokenOf(relay.secret, 'e2e', 'north', 'ops', 'admin');
  const res = await fetch(`${relay.httpUrl}/v1/customers/erase`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${admin}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ customerId: yan }),
  });
  assert.is(res.status, 200);
  for (const till of [north, south]) {
    await eventually(
      async () => (await names(till)).length === 0,
      `the relay's erasure to reach ${till.spec.device}`,
    );
  }
});

/** Every file of a data folder (database, -wal, -shm...) as bytes. */
function filesOf(dir: string): Buffer {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true });
  return Buffer.concat(
    files
      .filter((f) => f.isFile())
      .map((f) => readFileSync(join(f.parentPath, f.name))),
  );
}

/** Which of `texts` are in the folder's files as UTF-8. */
function foundIn(dir: string, texts: string[]): string[] {
  const bytes = filesOf(dir);
  return texts.filter((t) => bytes.includes(Buffer.from(t, 'utf8')));
}

async function stopped(proc: BrigadeProcess): Promise<void> {
  const code = await proc.stop('SIGTERM');
  if (code !== 0) throw new Error(`exit ${code}:\n${proc.output.join('')}`);
}

test('an erasure at one till leaves no byte of the personal data in the files of the other till or the relay; the journal keeps the sale', async () => {
  const relay = await startRelay(cleanup);
  const [north, south] = await Promise.all([
    tillAt(relay, 'e2e', 'north', 'till-n'),
    tillAt(relay, 'e2e', 'south', 'till-s'),
  ]);
  const guest = {
    name: 'Ottoline Vasquez-Brae',
    phone: '+44 7700 900777',
    email: 'ottoline.vb@example.net',
  };
  const personal = [guest.name, '7700900777', guest.email];

  // The guest is created at the north till and buys a steak there.
  const created = await north.api<{ id: string }>(
    'POST',
    '/api/customers',
    guest,
  );
  assert.is(created.status, 201);
  const id = created.body.id;
  const order = await north.api<{ id: string }>('POST', '/api/orders', {
    table: '4',
  });
  await north.api('POST', `/api/orders/${order.body.id}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
  });
  await north.api('POST', `/api/orders/${order.body.id}/customer`, {
    customerId: id,
  });
  const sale = await north.api<{ docNo: string; loyalty: { earned: number } }>(
    'POST',
    `/api/orders/${order.body.id}/settle`,
    { payments: [{ method: 'card', amount: 1650 }] },
  );
  assert.is(sale.status, 201, JSON.stringify(sale.body));
  assert.ok(sale.body.loyalty.earned > 0);

  // Before: the guest is on the south till's disk and on the relay's.
  await eventually(
    async () => (await names(south)).includes(guest.name),
    'the south till to hold the guest',
  );
  await eventually(
    () => foundIn(south.spec.dataDir, personal).length === personal.length,
    'the south till files to hold name, phone and e-mail',
  );
  await eventually(
    () => foundIn(relay.dataDir, personal).length === personal.length,
    'the relay files to hold name, phone and e-mail',
  );

  const erased = await north.api('POST', `/api/customers/${id}/erase`);
  assert.is(erased.status, 200);
  assert.equal(foundIn(north.spec.dataDir, personal), [], 'north files');
  await eventually(
    () => foundIn(south.spec.dataDir, personal).length === 0,
    'the south till files to lose name, phone and e-mail',
  );
  await eventually(
    () => foundIn(relay.dataDir, personal).length === 0,
    'the relay files to lose name, phone and e-mail',
  );

  // Still gone once the processes stopped (their last writes included).
  await Promise.all([stopped(north.proc), stopped(south.proc)]);
  await stopped(relay.proc);
  for (const dir of [north.spec.dataDir, south.spec.dataDir, relay.dataDir]) {
    assert.equal(foundIn(dir, personal), [], dir);
  }

  // The journal still verifies and keeps the sale, with the customer id.
  for (const till of [north, south]) {
    const verified = await brigade([
      'journal',
      'verify',
      '--data',
      till.spec.dataDir,
    ]);
    assert.is(verified.code, 0, verified.stdout + verified.stderr);
  }
  const exported = await brigade([
    'journal',
    'export',
    '--data',
    north.spec.dataDir,
  ]);
  assert.is(exported.code, 0, exported.stderr);
  assert.ok(exported.stdout.includes(sale.body.docNo), 'the sale is kept');
  assert.ok(exported.stdout.includes(id), 'the loyalty entry keeps the id');
  assert.not.ok(personal.some((t) => exported.stdout.includes(t)));
});

test.run();
