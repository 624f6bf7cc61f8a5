import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Harness, startApi } from './support/api.ts';
import { batch, ChainBuilder, type InvoiceSpec } from './support/chain.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const tea: InvoiceSpec = {
  lines: [
    { itemId: 'tea', name: 'Tea', qty: 1, unitPrice: 500, taxRate: 1500 },
  ],
  payments: [{ method: 'cash', amount: 500 }],
};

let api: Harness;
let till: string;
let manager: string;

test.before.each(async () => {
  api = await startApi(T0 + HOUR);
  till = api.token('till', { ttlSeconds: 30 * 86_400 });
  manager = api.token('dashboard', { ttlSeconds: 30 * 86_400 });
});

test.after.each(async () => {
  await api.close();
});

const post = (body: unknown) => api.call('/v1/journal', { token: till, body });
const alerts = async () =>
  (await api.call('/v1/alerts?branch=b1', { token: manager })).body.alerts;
const device = async (name = 'till-1') =>
  (
    await api.call('/v1/devices?branch=b1', { token: manager })
  ).body.devices.find((d: { device: string }) => d.device === name);

test('lists each device with its acknowledged tail and last contact', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  chain.sale(tea);
  chain.sale(tea);
  await post(batch(chain.entries));
  const d = await device();
  assert.equal(d, {
    device: 'till-1',
    lastSeq: 2,
    lastHash: chain.entries[1]!.hash,
    lastEntryTs: chain.entries[1]!.ts,
    lastSeenAt: new Date(T0 + HOUR).toISOString(),
    pendingCount: null,
    oldestUnreportedSaleTs: null,
    oldestUnreportedSaleAgeMs: null,
    reportingOverdue: false,
  });
});

test('ages the oldest sale the till says it still holds', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  chain.sale(tea);
  const pendingTs = new Date(T0 + 5_000).toISOString();
  await post(
    batch(chain.entries, { pending: { count: 4, oldestSaleTs: pendingTs } }),
  );
  api.clock.now = T0 + 5_000 + 2 * HOUR;
  const d = await device();
  assert.is(d.pendingCount, 4);
  assert.is(d.oldestUnreportedSaleTs, pendingTs);
  assert.is(d.oldestUnreportedSaleAgeMs, 2 * HOUR);
  assert.is(d.reportingOverdue, false);
  assert.equal(await alerts(), []);

  // Nothing more arrives: first a warning, then the 24-hour limit.
  api.clock.now = T0 + 5_000 + 19 * HOUR;
  const warning = await alerts();
  assert.is(warning.length, 1);
  assert.is(warning[0].kind, 'reporting-at-risk');
  assert.is(warning[0].severity, 'warning');
  api.clock.now = T0 + 5_000 + 25 * HOUR;
  const overdue = await alerts();
  assert.is(overdue[0].kind, 'reporting-overdue');
  assert.is(overdue[0].severity, 'critical');
  assert.is(overdue[0].device, 'till-1');
  assert.is((await device()).reportingOverdue, true);

  // The till catches up and says its outbox is empty: the alert clears.
  await post(
    batch(chain.entries, { pending: { count: 0, oldestSaleTs: null } }),
  );
  assert.equal(await alerts(), []);
  assert.is((await device()).oldestUnreportedSaleAgeMs, null);
});

test('counts a sale refused beyond a gap as unreported until the gap fills', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  chain.sale(tea);
  chain.drawerOpen();
  chain.sale(tea);
  await post(batch([chain.entries[0]!]));
  const res = await post(batch([chain.entries[2]!]));
  assert.is(res.body.refused[0].expectedSeq, 2);

  const d = await device();
  assert.is(d.oldestUnreportedSaleTs, chain.entries[2]!.ts);
  const gap = (await alerts()).find((a: { kind: string }) => a.kind === 'gap');
  assert.equal(
    { ...gap, firstAt: 0, lastAt: 0 },
    {
      kind: 'gap',
      severity: 'warning',
      device: 'till-1',
      seq: 3,
      expectedSeq: 2,
      code: 'gap',
      message: 'expected seq 2 before seq 3',
      hash: chain.entries[2]!.hash,
      count: 1,
      firstAt: 0,
      lastAt: 0,
      open: true,
    },
  );

  await post(batch(chain.entries.slice(1)));
  assert.is((await device()).oldestUnreportedSaleTs, null);
  const closed = (await alerts()).find(
    (a: { kind: string }) => a.kind === 'gap',
  );
  assert.is(closed.open, false);
});

test('raises forks and verification failures as critical alerts', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  chain.sale(tea);
  chain.sale(tea);
  await post(batch(chain.entries.slice(0, 1)));
  const forked = new ChainBuilder('till-1', 'b1', T0 + 1);
  forked.sale(tea);
  await post(batch(forked.entries));
  const tampered = { ...chain.entries[1]!, user: 'someone-else' };
  await post(batch([tampered]));

  const list = await alerts();
  const kinds = list.map(
    (a: { kind: string; code: string; severity: string }) => [
      a.kind,
      a.code,
      a.severity,
    ],
  );
  assert.equal(kinds.sort(), [
    ['fork', 'fork', 'critical'],
    ['verification-failed', 'hash-mismatch', 'critical'],
  ]);
  const fork = list.find((a: { kind: string }) => a.kind === 'fork');
  assert.is(fork.hash, forked.entries[0]!.hash);
  assert.is(fork.seq, 1);
  assert.is(fork.open, true);
});

test('stores credit notes that exceed or miss their original, and raises them', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  const sale = chain.sale(tea);
  chain.drawerOpen();
  chain.creditNote(sale, tea);
  chain.creditNote(sale, tea);

  // A sale of a device whose journal never reached the relay.
  const ghost = new ChainBuilder('till-9', 'b1', T0).sale(tea);
  chain.creditNote(ghost, tea);
  const res = await post(batch(chain.entries));
  assert.is(res.body.stored.length, 5);

  const raised = (await alerts())
    .filter((a: { kind: string }) => a.kind === 'verification-failed')
    .map((a: { seq: number; code: string }) => [a.seq, a.code])
    .sort();
  assert.equal(raised, [
    [4, 'credit-exceeds-original'],
    [5, 'missing-original'],
  ]);
});

test('refuses a credit note without its original reference', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  const sale = chain.sale(tea);
  const note = structuredClone(chain.creditNote(sale, tea)) as unknown as {
    payload: Record<string, unknown>;
  };
  delete note.payload.original;
  const res = await post(batch([sale, note as never]));
  assert.is(res.status, 400);
  assert.is(res.body.error.field, 'entries[1].payload.original');
});

test('records sales that reached the relay more than 24 hours late', async () => {
  const chain = new ChainBuilder('till-1', 'b1', T0);
  chain.sale(tea);
  chain.sale(tea);
  chain.drawerOpen();
  api.clock.now = T0 + 30 * HOUR;
  await post(batch(chain.entries));
  const late = (await alerts()).filter(
    (a: { kind: string }) => a.kind === 'reported-late',
  );
  assert.is(late.length, 1);
  assert.is(late[0].count, 2);
  assert.is(late[0].seq, 1);
  assert.match(late[0].message, /up to 29 h after/);
});

test('refuses the wildcard as a branch to read', async () => {
  const admin = api.token('admin', { branches: ['*'] });
  const res = await api.call('/v1/alerts?branch=*', { token: admin });
  assert.is(res.status, 400);
  assert.is(res.body.error.field, 'branch');
});

test('refuses unknown or repeated alert parameters', async () => {
  const bad = await api.call('/v1/alerts?branch=b1&brnch=b2', {
    token: manager,
  });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.field, 'brnch');
  const twice = await api.call('/v1/alerts?branch=b1&branch=b2', {
    token: manager,
  });
  assert.is(twice.status, 400);
  assert.is(twice.body.error.field, 'branch');
});

test.run();
