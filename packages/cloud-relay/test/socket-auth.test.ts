import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Relay } from '../src/server.ts';
import { CLOSE } from '../src/sync/close-codes.ts';
import {
  docUrl,
  provider,
  RawClient,
  removeDir,
  sleep,
  synced,
  tempDir,
  testRelay,
  token,
  until,
} from './support/relay.ts';

let dir = '';
let relay: Relay;

test.before.each(async () => {
  dir = tempDir();
  relay = await testRelay(dir);
});

test.after.each(async () => {
  await relay.stop();
  removeDir(dir);
});

/** Connects raw and resolves to the close code and the bytes received. */
async function refusal(docName: string, tokenValue?: string) {
  const client = new RawClient(docUrl(relay, docName, tokenValue));
  const code = await client.closed;
  return { code, received: client.messages.length };
}

/** Binds b1 to acme the way production does: a till connects first. */
async function bindBranch(branch = 'b1', org = 'acme') {
  const p = provider(
    relay,
    `${branch}/menu`,
    token({ branches: [branch], org }),
  );
  await synced(p);
  p.destroy();
}

test('refuses a missing, malformed, forged or expired token with 4401', async () => {
  const good = token();
  const [head, mac] = good.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(head, 'base64url').toString());
  claims.branches = ['b2'];
  const forged = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
  const expired = token({ now: 1000, ttlSeconds: 60 });
  for (const t of [undefined, 'nonsense', forged, expired]) {
    const result = await refusal('b2/menu', t);
    assert.equal(result, { code: CLOSE.unauthorised, received: 0 }, String(t));
  }
});

for (const role of ['till', 'kds', 'waiter', 'dashboard'] as const) {
  test(`refuses a ${role} token another branch with 4403 before any byte`, async () => {
    await bindBranch('b2', 'acme');
    const result = await refusal('b2/menu', token({ role, branches: ['b1'] }));
    assert.equal(result, { code: CLOSE.forbidden, received: 0 });
  });
}

test('refuses a branch bound to another organisation', async () => {
  await bindBranch('b1', 'acme');
  const result = await refusal('b1/menu', token({ org: 'other' }));
  assert.equal(result, { code: CLOSE.forbidden, received: 0 });
});

test('lets an admin with * open only its own organisation branches', async () => {
  const admin = token({ role: 'admin', branches: ['*'] });
  assert.is((await refusal('b1/menu', admin)).code, CLOSE.forbidden);
  await bindBranch('b1', 'acme');
  await bindBranch('b9', 'other');
  assert.is((await refusal('b9/menu', admin)).code, CLOSE.forbidden);
  const p = provider(relay, 'b1/menu', admin);
  await synced(p);
  p.destroy();
});

test('lets an admin naming one branch open every branch of its organisation', async () => {
  const admin = token({ role: 'admin', branches: ['b1'] });
  await bindBranch('b2', 'acme');
  await bindBranch('b9', 'other');
  assert.is((await refusal('b9/menu', admin)).code, CLOSE.forbidden);
  assert.is((await refusal('b3/menu', admin)).code, CLOSE.forbidden, 'unbound');
  for (const branch of ['b1', 'b2']) {
    const p = provider(relay, `${branch}/menu`, admin);
    await synced(p);
    p.destroy();
  }
});

test('refuses a bad document path with 4400', async () => {
  assert.is((await refusal('b1', token())).code, CLOSE.badRequest);
  assert.is((await refusal('b1/../x', token())).code, CLOSE.badRequest);
});

for (const role of ['till', 'kds', 'waiter', 'admin'] as const) {
  test(`lets a ${role} token write its branch`, async () => {
    await bindBranch();
    const observer = provider(relay, 'b1/day/2026-12-03', token());
    const writer = provider(
      relay,
      'b1/day/2026-12-03',
      token({
        role,
        device: role,
        branches: role === 'admin' ? ['*'] : ['b1'],
      }),
    );
    try {
      await Promise.all([synced(observer), synced(writer)]);
      writer.doc.getMap('orders').set('o1', role);
      await until(() => observer.doc.getMap('orders').get('o1') === role);
    } finally {
      observer.destroy();
      writer.destroy();
    }
  });
}

test('lets a dashboard read but drops its updates', async () => {
  const till = provider(relay, 'b1/day/2026-12-03', token());
  const dashboard = provider(
    relay,
    'b1/day/2026-12-03',
    token({ role: 'dashboard', device: 'office' }),
  );
  try {
    await Promise.all([synced(till), synced(dashboard)]);
    till.doc.getMap('orders').set('o1', 'from till');
    await until(() => dashboard.doc.getMap('orders').get('o1') === 'from till');

    dashboard.doc.getMap('orders').set('o2', 'from dashboard');
    await sleep(200);
    assert.is(till.doc.getMap('orders').get('o2'), undefined);
    assert.ok(dashboard.wsconnected, 'the dashboard stays connected');
    const dropped = await relay.metrics.registry
      .getSingleMetric('brigade_relay_writes_dropped_total')
      ?.get();
    assert.ok((dropped?.values[0]?.value ?? 0) >= 1);
  } finally {
    till.destroy();
    dashboard.destroy();
  }
});

test('counts refused handshakes by reason', async () => {
  await refusal('b1/menu', 'nonsense');
  const text = await relay.metrics.registry.metrics();
  assert.match(
    text,
    /brigade_relay_auth_failures_total\{reason="token-malformed"\} 1/,
  );
});

test.run();
