import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Harness, startApi } from './support/api.ts';
import { batch, ChainBuilder } from './support/chain.ts';

let api: Harness;
let chain: ChainBuilder;
let reader: string;

test.before(async () => {
  api = await startApi();
  reader = api.token('dashboard');
  chain = new ChainBuilder('till-1');
  for (let i = 0; i < 25; i++) {
    chain.sale({
      lines: [
        {
          itemId: 'tea',
          name: 'Tea ☕ شاي',
          qty: 1,
          unitPrice: 500,
          taxRate: 1500,
        },
      ],
      payments: [{ method: 'cash', amount: 500 }],
    });
    chain.drawerOpen();
  }
  const res = await api.call('/v1/journal', {
    token: api.token('till'),
    body: batch(chain.entries),
  });
  assert.is(res.body.stored.length, 50);
});

test.after(async () => {
  await api.close();
});

const read = (query: string) =>
  api.call(`/v1/journal?branch=b1&device=till-1${query}`, { token: reader });

test('returns every entry exactly as the till sealed it', async () => {
  const res = await read('');
  assert.is(res.status, 200);
  assert.equal(res.body.entries, chain.entries);
  assert.is(res.body.nextAfter, null);
});

test('pages through the chain with after and limit', async () => {
  const first = await read('&limit=20');
  assert.equal(first.body.entries, chain.entries.slice(0, 20));
  assert.is(first.body.nextAfter, 20);
  const second = await read('&after=20&limit=20');
  assert.equal(second.body.entries, chain.entries.slice(20, 40));
  const last = await read('&after=40&limit=20');
  assert.equal(last.body.entries, chain.entries.slice(40));
  assert.is(last.body.nextAfter, null);
});

test('returns nothing for an unknown device or past the tail', async () => {
  const past = await read('&after=50');
  assert.equal(past.body, { entries: [], nextAfter: null });
  const unknown = await api.call('/v1/journal?branch=b1&device=till-9', {
    token: reader,
  });
  assert.equal(unknown.body, { entries: [], nextAfter: null });
});

test('refuses bad parameters naming each one', async () => {
  const cases: [string, string][] = [
    ['/v1/journal?branch=b1', 'device'],
    ['/v1/journal?device=till-1', 'branch'],
    ['/v1/journal?branch=b1&device=till-1&after=-1', 'after'],
    ['/v1/journal?branch=b1&device=till-1&after=1.5', 'after'],
    ['/v1/journal?branch=b1&device=till-1&limit=0', 'limit'],
    ['/v1/journal?branch=b1&device=till-1&limit=5001', 'limit'],
    ['/v1/journal?branch=b1&device=till-1&seq=3', 'seq'],
  ];
  for (const [path, field] of cases) {
    const res = await api.call(path, { token: reader });
    assert.is(res.status, 400, path);
    assert.is(res.body.error.field, field, path);
  }
});

test('answers 405 with Allow for a method the path does not take', async () => {
  const res = await api.call('/v1/devices?branch=b1', {
    method: 'DELETE',
    token: reader,
  });
  assert.is(res.status, 405);
  assert.is(res.headers.get('allow'), 'GET');
});

test('leaves paths it does not own to the server', async () => {
  const res = await api.call('/v1/nothing', { token: reader });
  assert.is(res.status, 404);
  assert.is(res.body.error.code, 'not-found');
});

test.run();
