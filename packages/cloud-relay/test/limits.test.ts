import * as encoding from 'lib0/encoding';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import type { Relay } from '../src/server.ts';
import { CLOSE } from '../src/sync/close-codes.ts';
import type { SyncLimits } from '../src/sync/limits.ts';
import { SYNC, syncMessage } from '../src/sync/protocol.ts';
import {
  captureLogger,
  docUrl,
  type LogLine,
  provider,
  RawClient,
  removeDir,
  synced,
  tempDir,
  testRelay,
  token,
  until,
} from './support/relay.ts';

let dir = '';
let relay: Relay;
let lines: LogLine[] = [];

async function start(limits: Partial<SyncLimits>) {
  dir = tempDir();
  const capture = captureLogger();
  lines = capture.lines;
  relay = await testRelay(dir, limits, capture.logger);
}

test.after.each(async () => {
  await relay.stop();
  removeDir(dir);
});

/** The stored state of `name` as JSON of its `orders` map. */
async function storedOrders(name: string) {
  const p = provider(relay, name, token({ device: 'checker' }));
  await synced(p);
  const json = p.doc.getMap('orders').toJSON();
  p.destroy();
  return json;
}

function updateMessage(key: string, value: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('orders').set(key, value);
  return syncMessage(SYNC.update, Y.encodeStateAsUpdate(doc));
}

function closeLogged(reason: string): boolean {
  return lines.some(
    (l) => l.msg === 'connection closed' && l.reason === reason,
  );
}

test('closes a message over the size limit with 4413', async () => {
  await start({ maxMessageBytes: 1000 });
  const client = new RawClient(docUrl(relay, 'b1/day/x', token()));
  await client.opened;
  client.send(updateMessage('o1', 'x'.repeat(1500)));
  assert.is(await client.closed, CLOSE.tooLarge);
  assert.ok(closeLogged('tooLarge'));
  assert.equal(await storedOrders('b1/day/x'), {});
});

test('refuses a message over twice the limit at the socket (1009)', async () => {
  await start({ maxMessageBytes: 1000 });
  const client = new RawClient(docUrl(relay, 'b1/day/x', token()));
  await client.opened;
  client.send(updateMessage('o1', 'x'.repeat(5000)));
  assert.is(await client.closed, 1009);
  await until(() => closeLogged('tooLarge'));
  assert.equal(await storedOrders('b1/day/x'), {});
});

test('closes a connection over the rate limit with 4529', async () => {
  await start({ messagesPerSecond: 5, messageBurst: 5 });
  const client = new RawClient(docUrl(relay, 'b1/day/x', token()));
  await client.opened;
  for (let i = 0; i < 20; i++) client.send(updateMessage(`o${i}`, 'v'));
  assert.is(await client.closed, CLOSE.rateLimited);
  assert.ok(closeLogged('rateLimited'));
  const stored = await storedOrders('b1/day/x');
  assert.ok(Object.keys(stored).length <= 5, 'nothing past the limit');
});

test('closes a connection over the byte rate with 4529, however few its messages', async () => {
  await start({
    maxMessageBytes: 4096,
    bytesPerSecond: 1000,
    byteBurst: 8000,
  });
  const client = new RawClient(docUrl(relay, 'b1/day/x', token()));
  await client.opened;
  // Each message is under the size limit and few enough for the
  // message rate; together they are far over 8,000 bytes.
  for (let i = 0; i < 6; i++)
    client.send(updateMessage(`o${i}`, 'v'.repeat(3000)));
  assert.is(await client.closed, CLOSE.rateLimited);
  await until(() => closeLogged('rateLimited'));
  const stored = await storedOrders('b1/day/x');
  assert.ok(Object.keys(stored).length <= 2, 'nothing past the limit');
});

test('refuses a document past the memory limit with 4503', async () => {
  await start({ maxDocuments: 2, evictAfterMs: 60_000 });
  const a = provider(relay, 'b1/a', token());
  const b = provider(relay, 'b1/b', token());
  await Promise.all([synced(a), synced(b)]);
  const third = new RawClient(docUrl(relay, 'b1/c', token()));
  assert.is(await third.closed, CLOSE.tooManyDocuments);
  assert.is(third.messages.length, 0);
  assert.ok(closeLogged('tooManyDocuments'));

  // An idle document makes room at once, grace period or not.
  a.destroy();
  await until(() => relay.hub.connectionCount === 1);
  const fourth = provider(relay, 'b1/c', token());
  await synced(fourth);
  assert.equal(relay.hub.loadedDocuments().sort(), ['b1/b', 'b1/c']);
  b.destroy();
  fourth.destroy();
});

test('closes a malformed message with 4400 and keeps the document', async () => {
  await start({});
  const client = new RawClient(docUrl(relay, 'b1/day/x', token()));
  await client.opened;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, new Uint8Array([5, 200, 1, 7, 9]));
  client.send(encoding.toUint8Array(encoder));
  assert.is(await client.closed, CLOSE.badRequest);
  assert.ok(closeLogged('badRequest'));
  assert.equal(await storedOrders('b1/day/x'), {});
});

test.run();
