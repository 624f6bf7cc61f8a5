import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoMenu, type OrderId } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateBranchKey } from '../src/cli/keygen.ts';
import { localBusinessDate } from '../src/core/business-date.ts';
import { Till } from '../src/till.ts';
import { tillOptions } from './test-till.ts';

test('moves to the next business day and carries the open orders over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  let now = new Date(2026, 11, 3, 23, 50);
  const till = await Till.start(
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
    { menu: demoMenu, clock: () => now },
  );
  try {
    assert.is(till.status().businessDate, '2026-12-03');
    const open = till.core.openOrder('5', 2);
    till.core.addLine(open, { itemId: 'burger', modifiers: ['medium'] });
    const paid = till.core.openOrder('6');
    till.core.addLine(paid, { itemId: 'chips' });
    till.fiscal.settle(paid, [{ method: 'cash', amount: 450 }], 'till-1');
    assert.is(till.checkBusinessDate(), false, 'same day: nothing to do');

    now = new Date(2026, 11, 4, 0, 5);
    assert.is(till.checkBusinessDate(), true);
    assert.is(till.status().businessDate, '2026-12-04');
    assert.ok(till.docs.names().includes('b1/day/2026-12-04'));
    const carried = till.core.orders('open');
    assert.equal(
      carried.map((o) => o.id),
      [open],
    );
    assert.is(carried[0]?.lines[0]?.itemId, 'burger');
    till.core.addLine(open, { itemId: 'chips' });
    const settled = till.fiscal.settle(
      open as OrderId,
      [{ method: 'card', amount: 2100 }],
      'till-1',
    );
    assert.is(settled.totals.total, 2100);
    assert.is(till.store.journal.last()?.businessDate, '2026-12-04');
  } finally {
    await till.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a business day may start after midnight, counted on the calendar', () => {
  const at = (d: number, h: number, m = 0) => new Date(2026, 11, d, h, m);
  assert.is(localBusinessDate(at(4, 1, 30)), '2026-12-04');
  assert.is(localBusinessDate(at(4, 1, 30), 240), '2026-12-03');
  assert.is(localBusinessDate(at(4, 3, 59), 240), '2026-12-03');
  assert.is(localBusinessDate(at(4, 4, 0), 240), '2026-12-04');
  // Across a month and a year.
  assert.is(localBusinessDate(new Date(2027, 0, 1, 2, 0), 180), '2026-12-31');
  assert.is(localBusinessDate(new Date(2026, 2, 1, 0, 10), 30), '2026-02-28');
});

test('a bar whose day starts at 04:00 keeps the night on one day', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  let now = new Date(2026, 11, 3, 23, 50);
  const till = await Till.start(tillOptions(dir, { dayStartsAt: 240 }), {
    menu: demoMenu,
    clock: () => now,
  });
  try {
    assert.is(till.status().businessDate, '2026-12-03');
    now = new Date(2026, 11, 4, 1, 30);
    assert.is(till.checkBusinessDate(), false, '01:30 is still the 3rd');
    const late = till.core.openOrder('9');
    till.core.addLine(late, { itemId: 'chips' });
    till.fiscal.settle(late, [{ method: 'cash', amount: 450 }], 'till-1');
    assert.is(till.store.journal.last()?.businessDate, '2026-12-03');
    now = new Date(2026, 11, 4, 4, 1);
    assert.is(till.checkBusinessDate(), true);
    assert.is(till.status().businessDate, '2026-12-04');
  } finally {
    await till.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a till started after midnight carries the last day it held', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const start = (date: Date) =>
    Till.start(
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
      { menu: demoMenu, clock: () => date },
    );
  try {
    const first = await start(new Date(2026, 11, 3, 22, 0));
    const open = first.core.openOrder('8');
    first.core.addLine(open, { itemId: 'soup' });
    await first.stop();
    const second = await start(new Date(2026, 11, 5, 9, 0));
    try {
      assert.is(second.status().businessDate, '2026-12-05');
      assert.equal(
        second.core.orders('open').map((o) => o.id),
        [open],
      );
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an order carried into the next day keeps its customer, and settling it there earns points', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  let now = new Date(2026, 11, 3, 23, 30);
  const till = await Till.start(
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
    { menu: demoMenu, clock: () => now },
  );
  const post = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${till.httpUrl}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads loose JSON
    return { status: res.status, body: (await res.json()) as any };
  };
  try {
    const open = till.core.openOrder('5', 2);
    till.core.addLine(open, { itemId: 'burger', modifiers: ['medium'] });
    const late = till.core.openOrder('7');
    till.core.addLine(late, { itemId: 'soup' });
    const ana = await post('/api/customers', { name: 'Ana' });
    const attached = await post(`/api/orders/${open}/customer`, {
      customerId: ana.body.id,
    });
    assert.is(attached.status, 200);

    now = new Date(2026, 11, 4, 0, 5);
    assert.is(till.checkBusinessDate(), true);
    const book = till.docs.customers;
    assert.is(book.customerOfOrder(`b1/2026-12-04/${open}`), ana.body.id);
    const paid = await post(`/api/orders/${open}/settle`, {
      payments: [{ method: 'card', amount: 1650 }],
    });
    assert.is(paid.status, 201, JSON.stringify(paid.body));
    assert.equal(paid.body.loyalty, {
      customerId: ana.body.id,
      earned: 16,
      balance: 16,
    });

    // Another till linked a guest to an order under the old date, and the
    // link arrived after this till rolled over: it still counts.
    const ben = await post('/api/customers', { name: 'Ben' });
    book.attachOrder({
      customerId: ben.body.id,
      orderRef: `b1/2026-12-03/${late}`,
    });
    const soup = await post(`/api/orders/${late}/settle`, {
      payments: [{ method: 'card', amount: 650 }],
    });
    assert.is(soup.status, 201, JSON.stringify(soup.body));
    assert.is(soup.body.loyalty.customerId, ben.body.id);
    assert.is(soup.body.loyalty.earned, 6);
  } finally {
    await till.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
