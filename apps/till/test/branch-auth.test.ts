import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@brigade/cloud-relay';
import { demoMenu } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { generateBranchKey } from '../src/cli/keygen.ts';
import { Till } from '../src/till.ts';

const branchKey = generateBranchKey();
let dir = '';
let till: Till;
let base = '';

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  till = await Till.start(
    {
      dataDir: dir,
      branch: 'b1',
      device: 'till-1',
      httpHost: '0.0.0.0',
      httpPort: 0,
      lanPort: 0,
      discoveryPort: 40000 + Math.floor(Math.random() * 20000),
      broadcast: '127.255.255.255',
      peers: [],
      relay: null,
      branchKey,
      menu: { kind: 'demo' },
    },
    { menu: demoMenu },
  );
  base = `http://127.0.0.1:${new URL(till.httpUrl).port}`;
});

test.after(async () => {
  await till.stop();
  rmSync(dir, { recursive: true, force: true });
});

const token = (role: 'kds' | 'dashboard', key = branchKey, branch = 'b1') =>
  signToken({ org: 'o', branches: [branch], device: 'screen', role }, key);

function connect(path: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

test('beyond loopback, every request needs a token signed with the branch key', async () => {
  const none = await fetch(`${base}/api/status`);
  assert.is(none.status, 401);
  assert.is(
    ((await none.json()) as { error: { code: string } }).error.code,
    'unauthorized',
  );
  const forged = await fetch(
    `${base}/api/status?token=${token('kds', generateBranchKey())}`,
  );
  assert.is(forged.status, 401);
  const otherBranch = await fetch(
    `${base}/api/status?token=${token('kds', branchKey, 'b2')}`,
  );
  assert.is(otherBranch.status, 401);
  const good = await fetch(`${base}/api/status`, {
    headers: { authorization: `Bearer ${token('kds')}` },
  });
  assert.is(good.status, 200);
});

test('a dashboard token reads but cannot write', async () => {
  const t = token('dashboard');
  assert.is((await fetch(`${base}/api/orders?token=${t}`)).status, 200);
  const write = await fetch(`${base}/api/orders?token=${t}`, {
    method: 'POST',
    body: JSON.stringify({ table: '1' }),
  });
  assert.is(write.status, 401);
  assert.equal(till.core.orders(), []);
});

test('the /sync endpoint refuses a connection without a valid token', async () => {
  const doc = `/sync/b1/day/${till.docs.businessDate}`;
  assert.is(await connect(doc), 401);
  assert.is(
    await connect(`${doc}?token=${token('kds', generateBranchKey())}`),
    401,
  );
  assert.is(await connect(`${doc}?token=${token('kds')}`), 'open');
});

test.run();
