import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isCalendarDate } from '../src/journal/validate.ts';
import { type Harness, startApi } from './support/api.ts';
import { ChainBuilder } from './support/chain.ts';

let api: Harness;
let till: string;

const chain = new ChainBuilder('till-1');
const sale = chain.sale({
  lines: [
    { itemId: 'tea', name: 'Tea', qty: 1, unitPrice: 500, taxRate: 1500 },
  ],
  payments: [{ method: 'cash', amount: 500 }],
});
const drawer = chain.drawerOpen();

test.before(async () => {
  api = await startApi();
  till = api.token('till');
});

test.after(async () => {
  await api.close();
});

/** A copy of the sale with one change made by `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: see above
function saleWith(edit: (e: any) => void) {
  const copy = structuredClone(sale);
  edit(copy);
  return { entries: [copy] };
}

function storedCount() {
  return api.db.prepare('SELECT count(*) FROM journal_entries').pluck().get();
}

const FIELDS = [
  'device',
  'seq',
  'kind',
  'ts',
  'businessDate',
  'user',
  'docNo',
  'payload',
  'total',
  'tax',
  'running',
  'prevHash',
  'hash',
];

/** [body, field the 400 must name] */
const CASES: [unknown, string][] = [
  [{}, 'entries'],
  [{ entries: [] }, 'entries'],
  [{ entries: 'all of them' }, 'entries'],
  [null, 'body'],
  ['entries', 'body'],
  [{ entries: [5] }, 'entries[0]'],
  [{ entries: [null] }, 'entries[0]'],
  [{ entries: [{}] }, 'entries[0].kind'],
  [{ entries: [sale], extra: 1 }, 'extra'],
  [saleWith((e) => (e.colour = 'red')), 'entries[0].colour'],
  ...FIELDS.map((f): [unknown, string] => [
    saleWith((e) => delete e[f]),
    `entries[0].${f}`,
  ]),
  [saleWith((e) => (e.device = '')), 'entries[0].device'],
  [saleWith((e) => (e.device = 7)), 'entries[0].device'],
  [saleWith((e) => (e.device = 'x'.repeat(129))), 'entries[0].device'],
  [saleWith((e) => (e.device = ' till-1')), 'entries[0].device'],
  [saleWith((e) => (e.device = 'till\n1')), 'entries[0].device'],
  [saleWith((e) => (e.seq = 0)), 'entries[0].seq'],
  [saleWith((e) => (e.seq = -3)), 'entries[0].seq'],
  [saleWith((e) => (e.seq = 1.5)), 'entries[0].seq'],
  [saleWith((e) => (e.seq = '1')), 'entries[0].seq'],
  [saleWith((e) => (e.seq = 2 ** 53)), 'entries[0].seq'],
  [saleWith((e) => (e.kind = 'refund')), 'entries[0].kind'],
  [saleWith((e) => (e.ts = '2026-03-01 09:00:01')), 'entries[0].ts'],
  [saleWith((e) => (e.ts = '2026-03-01T09:00:01Z')), 'entries[0].ts'],
  [saleWith((e) => (e.ts = '2026-02-30T09:00:01.000Z')), 'entries[0].ts'],
  [saleWith((e) => (e.ts = '2026-03-01T09:00:01.000+03:00')), 'entries[0].ts'],
  [saleWith((e) => (e.businessDate = '2026-13-01')), 'entries[0].businessDate'],
  [saleWith((e) => (e.businessDate = '20260301')), 'entries[0].businessDate'],
  [saleWith((e) => (e.businessDate = '2026-02-29')), 'entries[0].businessDate'],
  [saleWith((e) => (e.ts = '2026-03-01T24:00:00.000Z')), 'entries[0].ts'],
  [saleWith((e) => (e.ts = '2026-03-01T09:60:00.000Z')), 'entries[0].ts'],
  [saleWith((e) => (e.ts = '2026-03-01T09:00:60.000Z')), 'entries[0].ts'],
  [saleWith((e) => (e.user = 5)), 'entries[0].user'],
  [saleWith((e) => (e.user = 'u'.repeat(129))), 'entries[0].user'],
  [saleWith((e) => (e.docNo = null)), 'entries[0].docNo'],
  [saleWith((e) => (e.docNo = 'b1-till-1-12')), 'entries[0].docNo'],
  [{ entries: [{ ...drawer, docNo: 'b1-till-1-000009' }] }, 'entries[0].docNo'],
  [saleWith((e) => (e.payload = [])), 'entries[0].payload'],
  [saleWith((e) => (e.payload.extra = 1.5)), 'entries[0].payload.extra'],
  [
    saleWith((e) => (e.payload.extra = deep(20))),
    `entries[0].payload.extra${'.v'.repeat(15)}`,
  ],
  [saleWith((e) => delete e.payload.lines), 'entries[0].payload.lines'],
  [
    saleWith((e) => (e.payload.lines[0].qty = 0)),
    'entries[0].payload.lines[0].qty',
  ],
  [
    saleWith((e) => (e.payload.lines[0].itemId = '')),
    'entries[0].payload.lines[0].itemId',
  ],
  [
    saleWith((e) => (e.payload.lines[0].lineTotal = -1)),
    'entries[0].payload.lines[0].lineTotal',
  ],
  [
    saleWith((e) => (e.payload.taxes[0].rate = -1)),
    'entries[0].payload.taxes[0].rate',
  ],
  [saleWith((e) => (e.payload.taxes = {})), 'entries[0].payload.taxes'],
  [
    saleWith((e) => (e.payload.payments[0].method = '')),
    'entries[0].payload.payments[0].method',
  ],
  [
    saleWith((e) => (e.payload.payments[0] = 'cash')),
    'entries[0].payload.payments[0]',
  ],
  [saleWith((e) => (e.payload.currency = 3)), 'entries[0].payload.currency'],
  [saleWith((e) => (e.total = -1)), 'entries[0].total'],
  [saleWith((e) => (e.total = 5.5)), 'entries[0].total'],
  [saleWith((e) => (e.tax = e.total + 1)), 'entries[0].tax'],
  [saleWith((e) => (e.running = 'lots')), 'entries[0].running'],
  [saleWith((e) => delete e.running.net), 'entries[0].running.net'],
  [saleWith((e) => (e.running.gross = 1)), 'entries[0].running.gross'],
  [saleWith((e) => (e.running.sales = 0.1)), 'entries[0].running.sales'],
  [saleWith((e) => (e.prevHash = 'abc')), 'entries[0].prevHash'],
  [saleWith((e) => (e.hash = e.hash.toUpperCase())), 'entries[0].hash'],
  [{ ...saleWith(() => {}), branch: '*' }, 'branch'],
  [
    saleWith((e) => (e.payload[`k${'x'.repeat(500)}`] = 1.5)),
    `entries[0].payload.k${'x'.repeat(180)}…`,
  ],
  [{ ...saleWith(() => {}), branch: '' }, 'branch'],
  [{ ...saleWith(() => {}), branch: ['b1'] }, 'branch'],
  [{ ...saleWith(() => {}), pending: 3 }, 'pending'],
  [
    { ...saleWith(() => {}), pending: { count: -1, oldestSaleTs: null } },
    'pending.count',
  ],
  [
    { ...saleWith(() => {}), pending: { count: 1, oldestSaleTs: 'yesterday' } },
    'pending.oldestSaleTs',
  ],
  [
    { ...saleWith(() => {}), pending: { count: 1, oldestSaleTs: null, x: 1 } },
    'pending.x',
  ],
];

function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { v: value };
  return value;
}

test('refuses every malformed field with a 400 naming it, storing nothing', async () => {
  for (const [body, field] of CASES) {
    const res = await api.call('/v1/journal', { token: till, body });
    const label = `${field}: ${JSON.stringify(body).slice(0, 120)}`;
    assert.is(res.status, 400, label);
    assert.is(res.body.error.field, field, label);
    assert.is(res.body.error.code, 'invalid-field', label);
  }
  assert.is(storedCount(), 0);
});

test('knows real calendar days, leap days included', () => {
  assert.ok(isCalendarDate('2028-02-29'));
  assert.ok(isCalendarDate('2026-12-31'));
  assert.not.ok(isCalendarDate('2026-02-29'));
  assert.not.ok(isCalendarDate('2026-04-31'));
  assert.not.ok(isCalendarDate('2026-00-10'));
  assert.not.ok(isCalendarDate('2026-01-00'));
});

test('refuses text that is not JSON', async () => {
  const res = await api.call('/v1/journal', {
    token: till,
    raw: '{"entries": [',
  });
  assert.is(res.status, 400);
  assert.equal(res.body.error, {
    code: 'invalid-json',
    message: 'body is not JSON',
    field: 'body',
  });
});

test('refuses a body that is not sent as JSON with 415', async () => {
  const res = await api.call('/v1/journal', {
    token: till,
    raw: JSON.stringify({ entries: [sale] }),
    headers: { 'content-type': 'text/plain' },
  });
  assert.is(res.status, 415);
  assert.is(res.body.error.field, 'content-type');
});

test('refuses more entries than one batch may hold', async () => {
  const res = await api.call('/v1/journal', {
    token: till,
    body: { entries: Array.from({ length: 5001 }, () => drawer) },
  });
  assert.is(res.status, 400);
  assert.is(res.body.error.field, 'entries');
  assert.match(res.body.error.message, /at most 5000/);
});

test('refuses a body over the size limit with 413', async () => {
  const res = await api.call('/v1/journal', {
    token: till,
    raw: `{"entries":["${'x'.repeat(17 * 1024 * 1024)}"]}`,
  });
  assert.is(res.status, 413);
  assert.is(res.body.error.code, 'body-too-large');
  assert.is(storedCount(), 0);
});

test('still stores the valid batch after all of that', async () => {
  const res = await api.call('/v1/journal', {
    token: till,
    body: { entries: [sale, drawer] },
  });
  assert.is(res.body.stored.length, 2);
});

test.run();
