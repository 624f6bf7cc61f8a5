import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canRead,
  canWrite,
  signToken,
  TokenError,
  verifyToken,
} from '../src/auth/token.ts';

const secret = 'x'.repeat(32);
const base = { org: 'acme', branches: ['b1'], device: 'till-1' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TokenError ? error.code : 'other';
  }
  return undefined;
}

test('round-trips the claims it signed', () => {
  const token = signToken({ ...base, role: 'till' }, secret, { now: 1000 });
  const claims = verifyToken(token, secret, 1001);
  assert.is(claims.org, 'acme');
  assert.equal(claims.branches, ['b1']);
  assert.is(claims.exp, 1000 + 30 * 86_400);
});

test('refuses missing, malformed, forged and expired tokens', () => {
  const token = signToken({ ...base, role: 'till' }, secret, {
    now: 1000,
    ttlSeconds: 60,
  });
  assert.is(
    codeOf(() => verifyToken('', secret)),
    'token-missing',
  );
  assert.is(
    codeOf(() => verifyToken('abc', secret)),
    'token-malformed',
  );
  assert.is(
    codeOf(() => verifyToken(token, 'y'.repeat(32))),
    'token-forged',
  );
  assert.is(
    codeOf(() => verifyToken(token, secret, 1060)),
    'token-expired',
  );
  const [head] = token.split('.');
  const bumped = Buffer.from(head!, 'base64url')
    .toString()
    .replace('"till"', '"admin"');
  const forged = `${Buffer.from(bumped).toString('base64url')}.${token.split('.')[1]}`;
  assert.is(
    codeOf(() => verifyToken(forged, secret, 1001)),
    'token-forged',
  );
});

test('gives each role its rights on its own branch only', () => {
  const now = 1000;
  const claims = (role: 'till' | 'dashboard' | 'admin', branches = ['b1']) =>
    verifyToken(
      signToken({ ...base, branches, role }, secret, { now }),
      secret,
      now + 1,
    );
  assert.ok(canWrite(claims('till'), 'b1'));
  assert.not.ok(canRead(claims('till'), 'b2'));
  assert.ok(canRead(claims('dashboard'), 'b1'));
  assert.not.ok(canWrite(claims('dashboard'), 'b1'));
  assert.ok(canWrite(claims('admin', ['*']), 'b9'));
});

test.run();
