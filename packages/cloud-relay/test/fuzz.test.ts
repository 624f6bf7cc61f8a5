/**
 * Random WebSocket frames never crash the relay, and never change a
 * document through a connection that may only read. Frames are raw bytes
 * and protocol-shaped messages (a valid type and sub-type around random
 * payloads), which reach deeper into the decoders.
 */
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import type { Relay } from '../src/server.ts';
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

const shaped = fc
  .tuple(
    fc.constantFrom(0, 1, 2, 3, 7, 200),
    fc.nat(4),
    fc.uint8Array({ maxLength: 48 }),
  )
  .map(([type, sub, payload]) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, type);
    if (type === 0) encoding.writeVarUint(encoder, sub);
    encoding.writeVarUint8Array(encoder, payload);
    return encoding.toUint8Array(encoder);
  });

const frames = fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), shaped), {
  minLength: 1,
  maxLength: 6,
});

async function sendAll(relay: Relay, tokenValue: string, batch: Uint8Array[]) {
  const client = new RawClient(docUrl(relay, 'b1/day/fuzz', tokenValue));
  await client.opened;
  for (const frame of batch) client.send(frame);
  await Promise.race([client.closed, sleep(20)]);
  client.close();
  await client.closed;
}

function snapshot(doc: Y.Doc) {
  return {
    state: Array.from(Y.encodeStateVector(doc)),
    lines: doc.getArray('lines').toJSON(),
  };
}

test('random frames from a read-only connection never change the document', async () => {
  const dir = tempDir();
  const relay = await testRelay(dir);
  const writer = provider(relay, 'b1/day/fuzz', token());
  try {
    await synced(writer);
    writer.doc.getArray('lines').push(['soup', 'bread']);
    const observer = provider(relay, 'b1/day/fuzz', token({ device: 'kds' }));
    await synced(observer);
    await until(() => observer.doc.getArray('lines').length === 2);
    const before = snapshot(observer.doc);
    const dashboard = token({ role: 'dashboard', device: 'office' });

    await fc.assert(
      fc.asyncProperty(frames, async (batch) => {
        await sendAll(relay, dashboard, batch);
      }),
      { numRuns: 80 },
    );
    await sleep(50);
    assert.equal(snapshot(observer.doc), before);
    const late = provider(relay, 'b1/day/fuzz', token({ device: 'late' }));
    await synced(late);
    assert.equal(snapshot(late.doc), before);
    late.destroy();
    observer.destroy();
  } finally {
    writer.destroy();
    await relay.stop();
    removeDir(dir);
  }
});

test('random frames from a writer never crash the relay or split its state', async () => {
  const dir = tempDir();
  let relay = await testRelay(dir);
  try {
    const writer = token();
    await fc.assert(
      fc.asyncProperty(frames, async (batch) => {
        await sendAll(relay, writer, batch);
      }),
      { numRuns: 120 },
    );
    const health = await fetch(`${relay.url.replace('ws', 'http')}/healthz`);
    assert.is(health.status, 200);
    const live = provider(relay, 'b1/day/fuzz', token({ device: 'a' }));
    await synced(live);
    const inMemory = snapshot(live.doc);
    live.destroy();
    await relay.stop();

    // What was stored is exactly what was served.
    relay = await testRelay(dir);
    const reloaded = provider(relay, 'b1/day/fuzz', token({ device: 'b' }));
    await synced(reloaded);
    assert.equal(snapshot(reloaded.doc), inMemory);
    reloaded.destroy();
  } finally {
    await relay.stop();
    removeDir(dir);
  }
});

test.run();
