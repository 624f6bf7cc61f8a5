import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { badRequest, type ErrorBody } from '../src/http/api-error.ts';
import { EventStream } from '../src/http/event-stream.ts';
import { Router } from '../src/http/router.ts';
import { TillHttpServer } from '../src/http/server.ts';

async function withServer(
  fn: (base: string, events: EventStream) => Promise<void>,
  authorize?: (token: string | null) => boolean,
) {
  const events = new EventStream('status');
  const router = new Router()
    .on('POST', '/api/echo', (req) => ({ status: 201, body: req.body }))
    .on('POST', '/api/refuse', () => {
      throw badRequest('bad-qty', 'qty must be positive', 'qty');
    });
  const server = new TillHttpServer({
    host: '127.0.0.1',
    port: 0,
    router,
    events,
    ...(authorize ? { authorize } : {}),
  });
  const address = await server.start();
  try {
    await fn(`http://127.0.0.1:${address.port}`, events);
  } finally {
    await server.stop();
  }
}

test('answers JSON and names the field of a refused request', async () => {
  await withServer(async (base) => {
    const echo = await fetch(`${base}/api/echo`, {
      method: 'POST',
      body: JSON.stringify({ a: 1 }),
    });
    assert.is(echo.status, 201);
    assert.equal(await echo.json(), { a: 1 });
    const refused = await fetch(`${base}/api/refuse`, { method: 'POST' });
    assert.is(refused.status, 400);
    assert.equal(await refused.json(), {
      error: { code: 'bad-qty', message: 'qty must be positive', field: 'qty' },
    });
    const bad = await fetch(`${base}/api/echo`, { method: 'POST', body: '{' });
    assert.is(bad.status, 400);
    assert.is(((await bad.json()) as ErrorBody).error.code, 'bad-json');
  });
});

test('streams each new status as a server-sent event', async () => {
  await withServer(async (base, events) => {
    events.publish({ state: 'offline' });
    const url = new URL(`${base}/api/events`);
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(url, (res) => {
        let data = '';
        res.on('data', (chunk) => {
          data += chunk;
          if (data.includes('online')) {
            req.destroy();
            resolve(data);
          }
        });
        setTimeout(() => events.publish({ state: 'online' }), 20);
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(text, 'data: {"state":"offline"}');
    assert.match(text, 'data: {"state":"online"}');
  });
});

test('refuses requests without a valid token when asked to', async () => {
  await withServer(
    async (base) => {
      const none = await fetch(`${base}/api/echo`, { method: 'POST' });
      assert.is(none.status, 401);
      const good = await fetch(`${base}/api/echo?token=good`, {
        method: 'POST',
        body: '1',
      });
      assert.is(good.status, 201);
      const header = await fetch(`${base}/api/echo`, {
        method: 'POST',
        body: '2',
        headers: { authorization: 'Bearer good' },
      });
      assert.is(header.status, 201);
    },
    (token) => token === 'good',
  );
});

test.run();
