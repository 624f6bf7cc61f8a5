import { Writable } from 'node:stream';
import { main } from '@brigade/cli';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Relay, startRelay } from '../src/server.ts';
import { CLOSE } from '../src/sync/close-codes.ts';
import {
  docUrl,
  provider,
  RawClient,
  removeDir,
  secret,
  synced,
  tempDir,
  token,
  until,
} from './support/relay.ts';

let dir = '';
let relay: Relay;

test.before.each(async () => {
  dir = tempDir();
  relay = await startRelay({
    dataDir: dir,
    secret,
    port: 0,
    revocationSweepMs: 50,
  });
});

test.after.each(async () => {
  await relay.stop();
  removeDir(dir);
});

/** `brigade token revoke ...` in this process, as an operator runs it. */
function revoke(argv: string[]) {
  return brigade(['token', 'revoke', ...argv]);
}

/** A `brigade` command in this process. */
async function brigade(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (into: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        into(String(chunk));
        done();
      },
    });
  const code = await main({
    argv,
    stdout: sink((t) => {
      stdout += t;
    }),
    stderr: sink((t) => {
      stderr += t;
    }),
    env: {},
  });
  return { code, stdout, stderr };
}

function httpUrl(): string {
  return relay.url.replace(/^ws/, 'http');
}

async function devices(
  tokenValue: string,
): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${httpUrl()}/v1/devices?branch=b1`, {
    headers: { authorization: `Bearer ${tokenValue}` },
  });
  const body = (await res.json()) as { error?: { code: string } };
  return {
    status: res.status,
    ...(body.error ? { code: body.error.code } : {}),
  };
}

test('a revoked device is refused everywhere, its open socket closed, and a new token works', async () => {
  const now = Math.floor(Date.now() / 1000);
  const leaked = token({ device: 'till-3', now: now - 60 });
  const other = token({ device: 'till-1', now: now - 60 });
  const open = new RawClient(docUrl(relay, 'b1/menu', leaked));
  await open.opened;
  assert.is((await devices(leaked)).status, 200);

  const done = await revoke([
    '--data',
    dir,
    '--org',
    'acme',
    '--device',
    'till-3',
  ]);
  assert.is(done.code, 0, done.stderr);
  assert.equal(JSON.parse(done.stdout).device, 'till-3');

  // The socket that was open is closed with 4401; new ones are refused
  // before any document byte, HTTP with 401 token-revoked.
  assert.is(await open.closed, CLOSE.unauthorised);
  const again = new RawClient(docUrl(relay, 'b1/menu', leaked));
  assert.is(await again.closed, CLOSE.unauthorised);
  assert.is(again.messages.length, 0);
  assert.equal(await devices(leaked), { status: 401, code: 'token-revoked' });

  // Other devices, and a token issued after the revocation, still work.
  assert.is((await devices(other)).status, 200);
  const fresh = token({ device: 'till-3', now: now + 2 });
  const p = provider(relay, 'b1/menu', fresh);
  await synced(p);
  p.destroy();
  assert.is((await devices(fresh)).status, 200);
  await until(() =>
    relay.metrics.registry
      .getSingleMetricAsString('brigade_relay_auth_failures_total')
      .then((text) => text.includes('token-revoked')),
  );
});

test('a revocation only moves forward, and --at sets its moment', async () => {
  const at = '2026-01-01T00:00:00.000Z';
  const kdsAt = (time: string) =>
    revoke(['--data', dir, '--org', 'acme', '--device', 'kds-1', '--at', time]);
  assert.is((await kdsAt(at)).code, 0);
  const seconds = Date.parse(at) / 1000;
  assert.ok(relay.revocations.revoked(claims('kds-1', seconds)));
  assert.not.ok(relay.revocations.revoked(claims('kds-1', seconds + 1)));
  assert.not.ok(
    relay.revocations.revoked({ ...claims('kds-1', seconds), org: 'other' }),
  );
  await kdsAt('2025-01-01T00:00:00Z');
  assert.ok(
    relay.revocations.revoked(claims('kds-1', seconds)),
    'not moved back',
  );
});

test('bad input is a usage error (exit 2) and revokes nothing', async () => {
  const cases = [
    ['--org', 'acme', '--device', 'd'],
    ['--data', dir, '--device', 'd'],
    ['--data', dir, '--org', 'acme'],
    ['--data', dir, '--org', 'acme', '--device', 'd', '--at', 'yesterday'],
    ['--data', `${dir}/missing`, '--org', 'acme', '--device', 'd'],
  ];
  for (const argv of cases) {
    const result = await revoke(argv);
    assert.is(result.code, 2, argv.join(' '));
    assert.ok(result.stderr.length > 0, argv.join(' '));
  }
  assert.equal(relay.revocations.list(), []);
});

test('brigade relay bind pre-binds and moves a branch while the relay runs', async () => {
  const bind = (branch: string, org: string) =>
    brigade(['relay', 'bind', '--data', dir, '--branch', branch, '--org', org]);
  const first = await bind('b7', 'other');
  assert.is(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout), {
    branch: 'b7',
    org: 'other',
    previous: null,
  });

  // Bound before any device: acme's token naming b7 is refused.
  const refused = new RawClient(
    docUrl(relay, 'b7/menu', token({ branches: ['b7'] })),
  );
  assert.is(await refused.closed, CLOSE.forbidden);

  // Moved to acme: the running relay follows without a restart.
  const moved = await bind('b7', 'acme');
  assert.equal(JSON.parse(moved.stdout).previous, 'other');
  const p = provider(relay, 'b7/menu', token({ branches: ['b7'] }));
  await synced(p);
  p.destroy();

  for (const argv of [
    ['--data', dir, '--branch', 'b7'],
    ['--data', dir, '--branch', 'b/7', '--org', 'acme'],
    ['--data', `${dir}/missing`, '--branch', 'b7', '--org', 'acme'],
  ]) {
    assert.is(
      (await brigade(['relay', 'bind', ...argv])).code,
      2,
      argv.join(' '),
    );
  }
});

function claims(device: string, iat: number) {
  return {
    org: 'acme',
    branches: ['b1'],
    device,
    role: 'till' as const,
    iat,
    exp: iat + 3600,
  };
}

test.run();
