import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../src/http/api-error.ts';
import { Router } from '../src/http/router.ts';

const ok = () => ({ status: 200, body: null });

test('captures and decodes path parameters', () => {
  const router = new Router().on('POST', '/api/invoices/:docNo/credit', ok);
  const match = router.match('POST', '/api/invoices/b1-t1%2F1/credit');
  assert.equal(match.params, { docNo: 'b1-t1/1' });
});

test('answers 405 for a known path with another method', () => {
  const router = new Router().on('GET', '/api/menu', ok);
  try {
    router.match('DELETE', '/api/menu');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ApiError);
    assert.is((error as ApiError).status, 405);
  }
});

test('answers 404 for an unknown path', () => {
  const router = new Router().on('GET', '/api/orders/:id', ok);
  try {
    router.match('GET', '/api/orders/1/extra');
    assert.unreachable();
  } catch (error) {
    assert.is((error as ApiError).status, 404);
    assert.is((error as ApiError).code, 'not-found');
  }
});

test.run();
