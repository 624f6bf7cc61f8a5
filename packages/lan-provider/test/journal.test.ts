import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '@brigade/store';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOSE_CODES } from '../src/close-codes.ts';
import { encodeFrame } from '../src/framing/frame.ts';
import { encodeJson, JOURNAL } from '../src/sync/messages.ts';
import {
  BRANCH,
  branchKey,
  type Device,
  devices,
  fullyConnected,
  rawPeer,
  sleep,
  stopAll,
  waitFor,
} from './helpers.ts';

interface Till extends Device {
  store: Store;
}

let dir = '';
let tills: Till[] = [];

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
});

test.after.each(async () => {
  await stopAll(tills);
  for (const t of tills) t.store.close();
  tills = [];
  rmSync(dir, { recursive: true, force: true });
});

async function startTills(
  count: number,
  key: Buffer,
  first = 0,
): Promise<Till[]> {
  const stores = Array.from({ length: count }, (_, i) =>
    Store.open({
      dir: join(dir, `dev-${i}`),
      device: `dev-${i}`,
      branch: BRANCH,
    }),
  );
  const list = await devices(count, key, (i) => ({
    journal: stores[i] as Store,
  }));
  return list.map((d, i) => ({ ...d, store: stores[i] as Store })).slice(first);
}

function drawerOpen(store: Store, n: number): void {
  for (let i = 0; i < n; i++) {
    store.record({
      kind: 'drawer-open',
      reason: `check ${i}`,
      amount: 0,
      user: 'cashier-1',
      businessDate: '2026-12-03',
    });
  }
}

function sameHeads(list: Till[]): boolean {
  const heads = list.map((t) =>
    JSON.stringify(
      Object.entries(t.store.heads())
        .filter(([, seq]) => seq > 0)
        .sort(),
    ),
  );
  return heads.every((h) => h === heads[0]);
}

test('journals of every device replicate to every peer', async () => {
  tills = await startTills(3, branchKey());
  tills.forEach((t, i) => {
    drawerOpen(t.store, 5 + i * 100);
  });
  await Promise.all(tills.map((t) => t.provider.start()));
  await waitFor('mesh', () => fullyConnected(tills));
  await waitFor('heads equal', () => sameHeads(tills), 15_000);
  const heads = tills[0]?.store.heads();
  assert.equal(heads, { 'dev-0': 5, 'dev-1': 105, 'dev-2': 205 });

  // Replicas are the same entries, hash for hash.
  const original = tills[2]?.store.entriesAfter('dev-2', 0, 500) ?? [];
  const replica = tills[0]?.store.entriesAfter('dev-2', 0, 500) ?? [];
  assert.equal(
    replica.map((e) => e.hash),
    original.map((e) => e.hash),
  );
  await waitFor('synced', () =>
    tills.every((t) => t.provider.syncState().state === 'synced'),
  );
});

test('entries written while connected reach the peers', async () => {
  tills = await startTills(2, branchKey());
  await Promise.all(tills.map((t) => t.provider.start()));
  await waitFor('mesh', () => fullyConnected(tills));
  const [a, b] = tills as [Till, Till];
  drawerOpen(a.store, 3);
  a.provider.journalChanged();
  await waitFor('replicated', () => b.store.heads()['dev-0'] === 3);
  drawerOpen(b.store, 2);
  await waitFor('replicated by poll', () => a.store.heads()['dev-1'] === 2);
});

test('a device that was off receives the journals it missed', async () => {
  tills = await startTills(3, branchKey());
  const [a, b, c] = tills as [Till, Till, Till];
  await Promise.all([a, b].map((t) => t.provider.start()));
  drawerOpen(a.store, 40);
  drawerOpen(b.store, 30);
  await waitFor('a and b', () => sameHeads([a, b]));
  await c.provider.start();
  await waitFor('c caught up', () => sameHeads(tills));
  assert.is(c.store.heads()['dev-0'], 40);
});

test('refuses entries that fail verification, storing none of the batch', async () => {
  const key = branchKey();
  tills = await startTills(2, key);
  const [a, b] = tills as [Till, Till];
  drawerOpen(b.store, 4);
  const genuine = b.store.entriesAfter('dev-1', 0, 10);
  await a.provider.start();
  const before = a.store.heads();

  const forged = genuine.map((e) => ({ ...e }));
  const third = forged[2];
  if (third) third.total = 99_999;
  const peer = await rawPeer(a.provider.port, key, 'dev-1');
  peer.write(
    encodeFrame({
      channel: '#journal',
      type: JOURNAL.ENTRIES,
      payload: encodeJson(forged),
    }),
  );
  assert.is(await peer.closed, CLOSE_CODES.JOURNAL_REJECTED);
  assert.equal(a.store.heads(), before);
  assert.is(a.store.entriesAfter('dev-1', 0, 10).length, 0);
  assert.is(a.provider.counters().rejectedInput.JOURNAL_REJECTED, 1);

  // The genuine device still replicates afterwards.
  await b.provider.start();
  await waitFor('genuine entries arrive', () => a.store.heads()['dev-1'] === 4);
});

test('refuses entries out of order before they reach the store', async () => {
  const key = branchKey();
  tills = await startTills(2, key);
  const [a, b] = tills as [Till, Till];
  drawerOpen(b.store, 3);
  const [e1, , e3] = b.store.entriesAfter('dev-1', 0, 10);
  await a.provider.start();
  const peer = await rawPeer(a.provider.port, key, 'dev-1');
  peer.write(
    encodeFrame({
      channel: '#journal',
      type: JOURNAL.ENTRIES,
      payload: encodeJson([e1, e3]),
    }),
  );
  assert.is(await peer.closed, CLOSE_CODES.MESSAGE_MALFORMED);
  await sleep(10);
  assert.is(a.store.entriesAfter('dev-1', 0, 10).length, 0);
});

test.run();
