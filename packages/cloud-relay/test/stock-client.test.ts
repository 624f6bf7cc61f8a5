import * as encoding from 'lib0/encoding';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { awarenessMessage } from '../src/sync/protocol.ts';
import {
  docUrl,
  provider,
  RawClient,
  removeDir,
  synced,
  tempDir,
  testRelay,
  token,
  until,
} from './support/relay.ts';

test('syncs two stock y-websocket clients through the relay', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir);
  const a = provider(relay, 'b1/day/2026-12-03', token());
  const b = provider(relay, 'b1/day/2026-12-03', token({ device: 'kds-1' }));
  try {
    await Promise.all([synced(a), synced(b)]);
    a.doc.getMap('orders').set('o1', 'table 4');
    b.doc.getArray('lines').push(['soup']);
    await until(() => b.doc.getMap('orders').get('o1') === 'table 4');
    await until(() => a.doc.getArray('lines').length === 1);
    assert.equal(a.doc.getArray('lines').toJSON(), ['soup']);
  } finally {
    a.destroy();
    b.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test('shares presence between stock clients', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir, { awarenessFlushMs: 20 });
  const a = provider(relay, 'b1/menu', token());
  const b = provider(relay, 'b1/menu', token({ device: 'waiter-1' }));
  try {
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('user', 'ana');
    await until(
      () => b.awareness.getStates().get(a.doc.clientID)?.user === 'ana',
    );
    a.destroy();
    await until(() => !b.awareness.getStates().has(a.doc.clientID));
  } finally {
    a.destroy();
    b.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

/** An awareness update speaking for `clientId` with `state` (null: gone). */
function presence(clientId: number, clock: number, state: unknown) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return awarenessMessage(encoding.toUint8Array(encoder));
}

test('a connection cannot move or remove presence another one announced', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir, { awarenessFlushMs: 20 });
  const a = provider(relay, 'b1/menu', token());
  const b = provider(relay, 'b1/menu', token({ device: 'waiter-1' }));
  const mallory = new RawClient(
    docUrl(relay, 'b1/menu', token({ device: 'waiter-2' })),
  );
  try {
    await Promise.all([synced(a), synced(b), mallory.opened]);
    a.awareness.setLocalStateField('user', 'ana');
    const id = a.doc.clientID;
    await until(() => b.awareness.getStates().get(id)?.user === 'ana');

    mallory.send(presence(id, 1_000, { user: 'mallory' }));
    mallory.send(presence(id, 1_001, null));
    // Its own presence still goes through, after the refused ones.
    mallory.send(presence(777, 1, { user: 'm' }));
    await until(() => b.awareness.getStates().get(777)?.user === 'm');
    assert.is(b.awareness.getStates().get(id)?.user, 'ana');
    const text = await relay.metrics.registry.metrics();
    assert.match(text, /brigade_relay_awareness_dropped_total 2/);
  } finally {
    a.destroy();
    b.destroy();
    mallory.close();
    await relay.stop();
    removeDir(dir);
  }
});

test('keeps every acknowledged update across a restart', async () => {
  const dir = tempDir();
  let relay = await testRelay(dir);
  const writer = provider(relay, 'b1/day/2026-12-03', token());
  await synced(writer);
  for (let i = 0; i < 50; i++) writer.doc.getArray('lines').push([i]);
  const reader = provider(relay, 'b1/day/2026-12-03', token({ device: 'k' }));
  await synced(reader);
  await until(() => reader.doc.getArray('lines').length === 50);
  writer.destroy();
  reader.destroy();
  await relay.stop();

  relay = await testRelay(dir);
  const fresh = provider(relay, 'b1/day/2026-12-03', token(), new Y.Doc());
  try {
    await synced(fresh);
    assert.equal(
      fresh.doc.getArray('lines').toJSON(),
      Array.from({ length: 50 }, (_, i) => i),
    );
  } finally {
    fresh.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test.run();
