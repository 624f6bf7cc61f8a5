import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import type { PeerDisconnected, PeerInfo } from '../src/events.ts';
import {
  allSynced,
  BRANCH,
  branchKey,
  type Device,
  devices,
  freeTcpPort,
  fullyConnected,
  sleep,
  stopAll,
  waitFor,
} from './helpers.ts';

const MENU = `${BRANCH}/menu`;
let running: Device[] = [];

test.after.each(async () => {
  await stopAll(running);
  running = [];
});

function converged(list: Device[]): boolean {
  const [first, ...rest] = list.map((d) => Y.encodeStateVector(d.doc));
  return rest.every((sv) => Buffer.compare(sv, first as Uint8Array) === 0);
}

function sameContent(list: Device[]): void {
  const json = list.map((d) => d.doc.getMap('items').toJSON());
  const text = list.map((d) => d.doc.getText('notes').toString());
  for (const j of json) assert.equal(j, json[0]);
  for (const t of text) assert.is(t, text[0]);
}

test('five peers editing at once all converge', async () => {
  running = await devices(5, branchKey());
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor('full mesh', () => fullyConnected(running));
  for (let round = 0; round < 20; round++) {
    running.forEach((d, i) => {
      d.doc
        .getMap('items')
        .set(`item-${i}-${round}`, { price: round * 10 + i });
      d.doc.getText('notes').insert(0, `${i}`);
    });
    await sleep(5);
  }
  await waitFor('convergence', () => converged(running));
  await waitFor('synced state', () => allSynced(running));
  sameContent(running);
  assert.is(running[0]?.doc.getMap('items').size, 100);
  assert.is(running[0]?.doc.getText('notes').length, 100);
});

test('keeps exactly one connection per pair', async () => {
  running = await devices(4, branchKey());
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor('full mesh', () => fullyConnected(running));
  await sleep(500);
  for (const d of running) {
    const peers = d.provider.peers().map((p) => p.device);
    assert.is(new Set(peers).size, 3);
    assert.is(peers.length, 3);
  }
});

test('static peers connect where broadcast is off', async () => {
  const key = branchKey();
  const [a, b] = await devices(2, key, () => ({ discovery: false }));
  running = [a as Device, b as Device];
  await Promise.all(running.map((d) => d.provider.start()));
  const at = (d: Device) => `127.0.0.1:${d.provider.port}`;
  const [c] = await devices(1, key, () => ({
    discovery: false,
    device: 'dev-2',
    staticPeers: [at(a as Device), at(b as Device)],
  }));
  running.push(c as Device);
  await c?.provider.start();
  await waitFor('c reached a and b', () => c?.provider.peers().length === 2);
  c?.doc.getMap('items').set('from-c', 1);
  await waitFor('edit arrives', () =>
    [a, b].every((d) => d?.doc.getMap('items').get('from-c') === 1),
  );
  assert.is(a?.provider.peers().length, 1, 'a and b do not know each other');
});

test('two devices listing each other keep one connection', async () => {
  const key = branchKey();
  const ports = [await freeTcpPort(), await freeTcpPort()];
  running = await devices(2, key, (i) => ({
    discovery: false,
    port: ports[i] as number,
    staticPeers: [`127.0.0.1:${ports[1 - i]}`],
  }));
  const events: string[] = [];
  for (const d of running) {
    d.provider.on('peer-connected', (p) => events.push(`+${p.device}`));
    d.provider.on('peer-disconnected', (p) => events.push(`-${p.device}`));
  }
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor('connected', () => fullyConnected(running));
  await sleep(800);
  for (const d of running) assert.is(d.provider.peers().length, 1);
  const joined = running.map((d) => d.provider.peers()[0]?.connectedAt);
  await sleep(500);
  assert.equal(
    running.map((d) => d.provider.peers()[0]?.connectedAt),
    joined,
  );
  assert.equal(events.sort(), ['+dev-0', '+dev-1'], 'one join each, no leave');
});

test('a late joiner catches up with everything it missed', async () => {
  running = await devices(4, branchKey());
  const [a, b, c, late] = running as [Device, Device, Device, Device];
  await Promise.all([a, b, c].map((d) => d.provider.start()));
  await waitFor('three connected', () => fullyConnected([a, b, c]));
  for (let i = 0; i < 300; i++) a.doc.getMap('items').set(`a${i}`, i);
  for (let i = 0; i < 300; i++) b.doc.getText('notes').insert(0, 'b');
  await late.provider.start();
  await waitFor('late joiner caught up', () => converged(running));
  await waitFor('synced', () => allSynced(running));
  sameContent(running);
  assert.is(late.doc.getMap('items').size, 300);
});

test('a restarted peer resumes and both sides keep their offline edits', async () => {
  running = await devices(3, branchKey());
  const [a, b, c] = running as [Device, Device, Device];
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor('mesh', () => fullyConnected(running));
  await c.provider.stop();
  await waitFor('c gone', () => a.provider.peers().length === 1);
  a.doc.getMap('items').set('while-c-away', 1);
  c.doc.getMap('items').set('c-offline', 2);
  await c.provider.start();
  await waitFor('converged after restart', () => converged(running));
  sameContent(running);
  assert.is(b.doc.getMap('items').get('c-offline'), 2);
  assert.is(c.doc.getMap('items').get('while-c-away'), 1);
});

test('reports peers joining and leaving with device, role and address', async () => {
  running = await devices(2, branchKey());
  const [a, b] = running as [Device, Device];
  const joined: PeerInfo[] = [];
  const left: PeerDisconnected[] = [];
  a.provider.on('peer-connected', (p) => joined.push(p));
  a.provider.on('peer-disconnected', (p) => left.push(p));
  await a.provider.start();
  await b.provider.start();
  await waitFor('joined', () => joined.length === 1);
  assert.is(joined[0]?.device, 'dev-1');
  assert.is(joined[0]?.role, 'kds');
  assert.is(joined[0]?.address, '127.0.0.1');
  assert.is(joined[0]?.port, b.provider.port);
  await b.provider.stop();
  await waitFor('left', () => left.length === 1);
  assert.is(left[0]?.device, 'dev-1');
  assert.is(left[0]?.codeName, 'NORMAL');
  assert.ok(left[0]?.byPeer);
});

test('reports syncing, then synced, per peer and overall', async () => {
  running = await devices(2, branchKey());
  const [a, b] = running as [Device, Device];
  for (let i = 0; i < 2000; i++) b.doc.getMap('items').set(`k${i}`, i);
  const states: string[] = [];
  a.provider.on('sync-state', (s) =>
    states.push(`${s.state}:${JSON.stringify(s.peers)}`),
  );
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor(
    'synced',
    () => a.doc.getMap('items').size === 2000 && allSynced(running),
  );
  assert.ok(states.includes('syncing:{"dev-1":"syncing"}'), states.join(' '));
  assert.is(states.at(-1), 'synced:{"dev-1":"synced"}');
});

test('adds and removes documents at run time without reconnecting', async () => {
  running = await devices(3, branchKey());
  const [a, b, c] = running as [Device, Device, Device];
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor('mesh', () => fullyConnected(running));
  let reconnects = 0;
  for (const d of running) d.provider.on('peer-connected', () => reconnects++);
  const day = `${BRANCH}/day/2026-12-03`;
  const dayA = new Y.Doc();
  const dayB = new Y.Doc();
  dayA.getMap('orders').set('o1', { table: 4 });
  a.provider.addDoc(day, dayA);
  await sleep(50);
  dayB.getMap('orders').set('o2', { table: 7 });
  b.provider.addDoc(day, dayB);
  await waitFor(
    'day synced',
    () => dayA.getMap('orders').size === 2 && dayB.getMap('orders').size === 2,
  );
  assert.is(c.provider.doc(day), undefined);

  // After removal, b's edits stay local and a's no longer arrive.
  b.provider.removeDoc(day);
  await sleep(50);
  dayA.getMap('orders').set('o3', {});
  dayB.getMap('orders').set('o4', {});
  await sleep(300);
  assert.not.ok(dayB.getMap('orders').has('o3'));
  assert.not.ok(dayA.getMap('orders').has('o4'));
  assert.is(reconnects, 0);
  assert.ok(allSynced(running));
});

test("shares awareness and forgets a peer's states when it leaves", async () => {
  running = await devices(2, branchKey());
  const [a, b] = running as [Device, Device];
  await Promise.all(running.map((d) => d.provider.start()));
  await waitFor('mesh', () => fullyConnected(running));
  const awarenessB = b.provider.awareness(MENU);
  awarenessB?.setLocalStateField('user', { name: 'Ana', till: 'dev-1' });
  const awarenessA = a.provider.awareness(MENU);
  const clientB = awarenessB?.clientID ?? -1;
  await waitFor('state arrives', () => {
    const state = awarenessA?.getStates().get(clientB) as
      | { user?: { name: string } }
      | undefined;
    return state?.user?.name === 'Ana';
  });
  await b.provider.stop();
  await waitFor('state removed', () => !awarenessA?.getStates().has(clientB));
});

test('start and stop are idempotent and leave no timer or socket behind', async () => {
  running = await devices(2, branchKey());
  const [a, b] = running as [Device, Device];
  await Promise.all([
    a.provider.start(),
    a.provider.start(),
    b.provider.start(),
  ]);
  await waitFor('mesh', () => fullyConnected(running));
  await Promise.all([a.provider.stop(), a.provider.stop(), b.provider.stop()]);
  await b.provider.stop();
  await sleep(700);
  const left = process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
  assert.equal(left, []);
  assert.not.ok(a.provider.running);
});

test.run();
