import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomerBook, demoMenu, yjsEngine } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { generateBranchKey } from '../src/cli/keygen.ts';
import { Till } from '../src/till.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
type Json = Record<string, any>;

async function startTill(dir: string): Promise<Till> {
  return Till.start(
    {
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
    },
    { menu: demoMenu },
  );
}

async function api(till: Till, method: string, path: string, body?: unknown) {
  const res = await fetch(`${till.httpUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function orderFor(till: Till, customerId: string): Promise<string> {
  const order = (await api(till, 'POST', '/api/orders', { table: '3' })).body;
  await api(till, 'POST', `/api/orders/${order.id}/lines`, {
    itemId: 'steak',
    modifiers: ['rare'],
  });
  await api(till, 'POST', `/api/orders/${order.id}/customer`, { customerId });
  return order.id;
}

test('redemptions made on two tills apart leave the balance below zero: listed as overdrawn, and no further redemption is taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const till = await startTill(dir);
  try {
    const created = await api(till, 'POST', '/api/customers', { name: 'Noor' });
    const id = created.body.id as string;
    till.docs.customers.earn({ customerId: id, points: 100, ref: 'seed' });

    // Another till of the branch holds the same book, then goes offline.
    const peerDoc = new Y.Doc();
    Y.applyUpdate(peerDoc, Y.encodeStateAsUpdate(till.docs.customersDoc));
    const peer = new CustomerBook(yjsEngine(peerDoc), { device: 'till-2' });
    peer.redeem({ customerId: id, points: 80, reason: 'meal', ref: 'p/1' });

    const here = await orderFor(till, id);
    const redeemed = await api(till, 'POST', `/api/orders/${here}/redeem`, {
      points: 80,
      reason: 'meal',
    });
    assert.equal([redeemed.status, redeemed.body.balance], [200, 20]);
    assert.equal((await api(till, 'GET', '/api/customers/overdrawn')).body, {
      overdrawn: [],
    });

    // They meet: 100 - 80 - 80.
    Y.applyUpdate(till.docs.customersDoc, Y.encodeStateAsUpdate(peerDoc));
    const listed = (await api(till, 'GET', '/api/customers/overdrawn')).body
      .overdrawn;
    assert.is(listed.length, 1);
    assert.equal(
      [listed[0].customerId, listed[0].balance, listed[0].redemptions.length],
      [id, -60, 2],
    );
    assert.is(listed[0].uncovered.length, 1);

    const next = await orderFor(till, id);
    const refused = await api(till, 'POST', `/api/orders/${next}/redeem`, {
      points: 1,
      reason: 'meal',
    });
    assert.equal(
      [refused.status, refused.body.error.code],
      [409, 'insufficient-points'],
    );
  } finally {
    await till.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Every file of the till's data folder (database, -wal, -shm), as bytes. */
function onDisk(dir: string): Buffer {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true });
  return Buffer.concat(
    files
      .filter((f) => f.isFile())
      .map((f) => readFileSync(join(f.parentPath, f.name))),
  );
}

test('an erasure at the counter leaves the name, phone and e-mail in none of the store files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const till = await startTill(dir);
  const personal = ['Philippa Osei-Brandt', '7700900812', 'pob@example.org'];
  try {
    const created = await api(till, 'POST', '/api/customers', {
      name: personal[0],
      phone: `+44 ${personal[1]}`,
      email: personal[2],
    });
    const id = created.body.id as string;
    // Edits and compactions, as a day brings: old snapshots freed on disk.
    for (let i = 0; i < 4; i++) {
      till.docs.customers.updateCustomer(id, { notes: `visit ${i}` });
      till.store.updateLog.compact(till.docs.customersName);
    }
    const before = onDisk(dir);
    for (const text of personal) {
      assert.ok(before.includes(text), `${text} is on disk before`);
    }

    const erased = await api(till, 'POST', `/api/customers/${id}/erase`);
    assert.is(erased.status, 200);
    const after = onDisk(dir);
    for (const text of personal) {
      assert.not.ok(after.includes(text), `${text} left the disk`);
    }
    assert.ok(till.store.verify().ok);
  } finally {
    await till.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
