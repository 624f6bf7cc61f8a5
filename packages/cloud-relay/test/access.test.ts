import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROLES, type Role } from '../src/auth/token.ts';
import { ACCESS, type Action } from '../src/http/index.ts';
import { type Harness, recordingLogger, startApi } from './support/api.ts';
import { batch, ChainBuilder } from './support/chain.ts';

let api: Harness;

test.before.each(async () => {
  api = await startApi();
});

test.after.each(async () => {
  await api.close();
});

/** One request per action against branch `branch`, with a fresh chain. */
function request(action: Action, token: string, branch = 'b1') {
  switch (action) {
    case 'post-journal': {
      const chain = new ChainBuilder('till-1', branch);
      chain.drawerOpen();
      return api.call('/v1/journal', {
        token,
        body: batch(chain.entries, { branch }),
      });
    }
    case 'read-journal':
      return api.call(`/v1/journal?branch=${branch}&device=till-1`, { token });
    case 'read-devices':
      return api.call(`/v1/devices?branch=${branch}`, { token });
    case 'read-reports':
      return api.call(
        `/v1/reports/sales?branch=${branch}&from=2026-03-01&to=2026-03-01`,
        { token },
      );
    case 'read-alerts':
      return api.call(`/v1/alerts?branch=${branch}`, { token });
  }
}

const ACTIONS = Object.keys(ACCESS) as Action[];

/** The matrix the README documents, written out by hand. */
const EXPECTED: Record<Role, Record<Action, number>> = {
  till: {
    'post-journal': 200,
    'read-journal': 200,
    'read-devices': 200,
    'read-reports': 403,
    'read-alerts': 403,
  },
  kds: {
    'post-journal': 200,
    'read-journal': 200,
    'read-devices': 200,
    'read-reports': 403,
    'read-alerts': 403,
  },
  waiter: {
    'post-journal': 200,
    'read-journal': 200,
    'read-devices': 200,
    'read-reports': 403,
    'read-alerts': 403,
  },
  dashboard: {
    'post-journal': 403,
    'read-journal': 200,
    'read-devices': 200,
    'read-reports': 200,
    'read-alerts': 200,
  },
  admin: {
    'post-journal': 403,
    'read-journal': 200,
    'read-devices': 200,
    'read-reports': 200,
    'read-alerts': 200,
  },
};

for (const role of ROLES) {
  test(`lets a ${role} token do exactly what the matrix allows on its branch`, async () => {
    for (const action of ACTIONS) {
      // A fresh device per call so a repeated post is not a duplicate.
      const res = await request(action, api.token(role));
      assert.is(res.status, EXPECTED[role][action], `${role} ${action}`);
      if (res.status === 403) assert.is(res.body.error.code, 'forbidden');
    }
  });

  if (role === 'admin') continue;
  test(`refuses a ${role} token on a branch it does not hold with 403`, async () => {
    for (const action of ACTIONS) {
      const res = await request(action, api.token(role), 'b2');
      assert.is(res.status, 403, `${role} ${action}`);
    }
  });
}

for (const branches of [['*'], ['b1']]) {
  test(`lets an admin token naming ${branches} read every branch of its organisation`, async () => {
    const admin = api.token('admin', { branches });
    for (const action of ACTIONS.filter((a) => a !== 'post-journal')) {
      const res = await request(action, admin, 'b9');
      assert.is(res.status, 200, action);
    }
  });
}

test('does not let a device token with * open other branches', async () => {
  const res = await request(
    'read-devices',
    api.token('till', { branches: ['*'] }),
    'b9',
  );
  assert.is(res.status, 403);
});

test('answers 401 to a missing, malformed, forged or expired token on every endpoint', async () => {
  const expired = api.token('admin', { ttlSeconds: 60 });
  const forged = api.token('admin', { secret: 'f'.repeat(40) });
  const cases: [string | undefined, string][] = [
    [undefined, 'token-missing'],
    ['not-a-token', 'token-malformed'],
    [forged, 'token-forged'],
    [expired, 'token-expired'],
  ];
  api.clock.now += 120_000;
  for (const action of ACTIONS) {
    for (const [token, code] of cases) {
      const res = await request(action, token as string);
      assert.is(res.status, 401, `${action} ${code}`);
      assert.is(res.body.error.code, code, `${action} ${code}`);
      assert.is(res.headers.get('www-authenticate'), 'Bearer');
    }
  }
  const stored = api.db
    .prepare('SELECT count(*) FROM journal_entries')
    .pluck()
    .get();
  assert.is(stored, 0);
});

test('answers 401 to an Authorization header that is not Bearer', async () => {
  const res = await api.call('/v1/devices?branch=b1', {
    headers: { authorization: `Basic ${api.token('admin')}` },
  });
  assert.is(res.status, 401);
  assert.is(res.body.error.code, 'token-malformed');
});

test('keeps organisations apart: an admin sees only its own', async () => {
  const chain = new ChainBuilder('till-1');
  chain.drawerOpen();
  await api.call('/v1/journal', {
    token: api.token('till'),
    body: batch(chain.entries),
  });
  const own = await api.call('/v1/devices?branch=b1', {
    token: api.token('admin'),
  });
  const other = await api.call('/v1/devices?branch=b1', {
    token: api.token('admin', { org: 'rival', branches: ['*'] }),
  });
  assert.is(own.body.devices.length, 1);
  assert.equal(other.body.devices, []);
});

test('counts token failures', async () => {
  await api.call('/v1/alerts?branch=b1', { token: 'x.y' });
  const text = await api.registry.metrics();
  assert.match(
    text,
    /brigade_http_auth_failures_total\{reason="token-forged"\} 1/,
  );
});

test('logs refusals, batches and alerts but never a token', async () => {
  const logger = recordingLogger();
  const logged = await startApi(undefined, logger);
  try {
    const till = logged.token('till');
    const forged = logged.token('admin', { secret: 'f'.repeat(40) });
    const chain = new ChainBuilder('till-1');
    chain.drawerOpen();
    chain.drawerOpen();
    await logged.call('/v1/journal', {
      token: till,
      body: batch(chain.entries.slice(1)),
    });
    await logged.call('/v1/journal', {
      token: till,
      body: batch(chain.entries),
    });
    await logged.call('/v1/alerts?branch=b1', { token: forged });
    await logged.call('/v1/alerts?branch=b1', { token: till });
    const text = logger.lines.join('\n');
    assert.match(text, /journal batch/);
    assert.match(text, /journal alert/);
    assert.match(text, /request refused: token/);
    assert.match(text, /"reason":"token-forged"/);
    assert.match(text, /"status":403/);
    for (const token of [till, forged]) {
      assert.not.ok(text.includes(token));
      assert.not.ok(text.includes(token.split('.')[1]!));
    }
    assert.not.match(text, /Bearer/i);
  } finally {
    await logged.close();
  }
});

test.run();
