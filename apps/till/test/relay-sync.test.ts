import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Relay, signToken, startRelay } from '@brigade/cloud-relay';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { Backoff } from '../src/sync/backoff.ts';
import { RelaySync } from '../src/sync/relay-sync.ts';

const secret = 's'.repeat(40);
let dir = '';
let relay: Relay;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  relay = await startRelay({ dataDir: dir, secret, port: 0 });
});

test.after(async () => {
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

function token(branches: string[], device: string): string {
  return signToken({ org: 'o', branches, device, role: 'till' }, secret);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('brings two tills documents together through the relay', async () => {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const syncA = new RelaySync({ url: relay.url, token: token(['b1'], 'a') });
  const syncB = new RelaySync({ url: relay.url, token: token(['b1'], 'b') });
  try {
    syncA.add('b1/menu', a);
    syncB.add('b1/menu', b);
    a.getMap('m').set('x', 1);
    await until(() => b.getMap('m').get('x') === 1, 'update at b');
    await until(() => syncA.summary().docsSynced === 1, 'synced');
    assert.is(syncA.summary().state, 'connected');
  } finally {
    syncA.stop();
    syncB.stop();
  }
});

test('stops retrying once the relay refuses the branch', async () => {
  const doc = new Y.Doc();
  const sync = new RelaySync({ url: relay.url, token: token(['b2'], 'a') });
  let changes = 0;
  try {
    sync.add('b1/menu', doc);
    await until(() => sync.summary().state === 'forbidden', 'forbidden');
    sync.on('change', () => changes++);
    await new Promise((r) => setTimeout(r, 600));
    assert.is(changes, 0, 'no reconnect attempt after forbidden');
    assert.match(sync.summary().lastError ?? '', /4403/);
  } finally {
    sync.stop();
  }
});

test('backs off with jitter up to the ceiling and resets', () => {
  let r = 0;
  const backoff = new Backoff({ baseMs: 100, maxMs: 400, random: () => r });
  assert.equal(
    [backoff.next(), backoff.next(), backoff.next()],
    [50, 100, 200],
  );
  r = 0.999;
  assert.is(backoff.next(), 400);
  assert.is(backoff.next(), 400);
  backoff.reset();
  assert.is(backoff.next(), 100);
});

test.run();
