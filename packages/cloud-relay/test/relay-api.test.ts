import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signToken } from '../src/auth/token.ts';
import { type Relay, startRelay } from '../src/server.ts';
import { SECRET } from './support/api.ts';
import { batch, ChainBuilder } from './support/chain.ts';

let dir: string;
let relay: Relay;
let base: string;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  relay = await startRelay({ dataDir: dir, secret: SECRET, port: 0 });
  base = `http://127.0.0.1:${relay.address.port}`;
});

test.after(async () => {
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('serves the journal API from the relay server, with its metrics', async () => {
  const chain = new ChainBuilder('till-1');
  chain.drawerOpen();
  const token = signToken(
    { org: 'acme', branches: ['b1'], device: 'till-1', role: 'till' },
    SECRET,
  );
  const res = await fetch(`${base}/v1/journal`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(batch(chain.entries)),
  });
  assert.is(res.status, 200);
  assert.equal((await res.json()).stored, [{ device: 'till-1', seq: 1 }]);

  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /brigade_ingest_entries_total\{result="stored"\} 1/);
  assert.match(metrics, /brigade_relay_/);
  const missing = await fetch(`${base}/v1/unknown`);
  assert.is(missing.status, 404);
});

test.run();
