/**
 * The failure modes of the usual y-websocket servers, each shown not to
 * happen here: memory behind a slow reader, documents never evicted,
 * awareness traffic growing with the square of the clients, and a large
 * document's first sync arriving as one huge message.
 */
import type { Socket } from 'node:net';
import * as decoding from 'lib0/decoding';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Relay } from '../src/server.ts';
import { CLOSE } from '../src/sync/close-codes.ts';
import type { SyncLimits } from '../src/sync/limits.ts';
import { MESSAGE, SYNC, syncMessage } from '../src/sync/protocol.ts';
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

// Each stock provider adds a process exit listener; a room of 20 is fine.
process.setMaxListeners(50);

let dir = '';
let relay: Relay;
const providers: WebsocketProvider[] = [];

async function start(limits: Partial<SyncLimits>) {
  dir = tempDir();
  relay = await testRelay(dir, limits);
}

function connect(name: string, device = 'till-1'): WebsocketProvider {
  const p = provider(relay, name, token({ device }));
  providers.push(p);
  return p;
}

test.after.each(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await relay.stop();
  removeDir(dir);
});

async function metric(name: string, labels: Record<string, string> = {}) {
  const m = await relay.metrics.registry.getSingleMetric(name)?.get();
  const row = m?.values.find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  );
  return row?.value ?? 0;
}

test('closes a reader that falls behind with 4508; it resyncs on reconnect', async () => {
  await start({ maxBufferedBytes: 512 * 1024, closeTimeoutMs: 10_000 });
  const writer = connect('b1/day/x');
  const reader = connect('b1/day/x', 'kds-1');
  await Promise.all([synced(writer), synced(reader)]);
  const codes: number[] = [];
  reader.on('connection-close', (event) => {
    if (event) codes.push(event.code);
  });

  // The reader stops reading; the kernel buffers fill, then the relay's,
  // which must stop at the limit instead of growing.
  const socket = (reader.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  const lines = writer.doc.getArray<string>('lines');
  let pushed = 0;
  while (relay.hub.connectionCount === 2 && pushed < 1000) {
    lines.push([`${pushed++}:${'x'.repeat(64 * 1024)}`]);
    if (pushed % 8 === 0) await sleep(2);
  }
  await until(
    () => relay.hub.connectionCount === 1,
    10_000,
    'slow reader dropped',
  );
  assert.is(
    await metric('brigade_relay_connections_closed_total', {
      reason: 'tooSlow',
    }),
    1,
  );
  socket.resume();

  await until(() => codes.includes(CLOSE.tooSlow), 10_000, 'close 4508');
  await until(
    () => reader.synced && reader.doc.getArray('lines').length === pushed,
    10_000,
    'resync',
  );
  assert.is(
    reader.doc.getArray<string>('lines').get(pushed - 1),
    lines.get(pushed - 1),
  );
});

test('unloads a document after its last client leaves', async () => {
  await start({ evictAfterMs: 100 });
  const p = connect('b1/menu');
  await synced(p);
  p.doc.getMap('items').set('soup', 450);
  await until(() => relay.hub.loadedDocuments().includes('b1/menu'));
  p.destroy();
  await until(() => relay.hub.loadedDocuments().length === 0, 3000, 'evicted');
  assert.is(await metric('brigade_relay_documents_loaded'), 0);

  // Unloading compacted it: one snapshot, no tail of updates.
  const rows = (table: string) =>
    relay.db
      .prepare(`SELECT count(*) AS n FROM ${table} WHERE name = ?`)
      .get('b1/menu') as { n: number };
  assert.is(rows('doc_update').n, 0, 'no update rows left');
  assert.is(rows('doc_snapshot').n, 1, 'one snapshot');

  const again = connect('b1/menu');
  await synced(again);
  assert.is(again.doc.getMap('items').get('soup'), 450);
});

test('sends awareness as one coalesced message per flush, not one per change', async () => {
  await start({ awarenessFlushMs: 100 });
  const clients = Array.from({ length: 20 }, (_, i) =>
    connect('b1/day/x', `waiter-${i}`),
  );
  await Promise.all(clients.map((c) => synced(c)));
  const observer = new RawClient(docUrl(relay, 'b1/day/x', token()));
  await observer.opened;
  await sleep(150);
  const before = observer.messages.length;

  // 20 clients x 10 cursor moves = 200 changes.
  for (let round = 0; round < 10; round++) {
    for (const c of clients) c.awareness.setLocalStateField('cursor', round);
  }
  await sleep(300);
  const awareness = observer.messages
    .slice(before)
    .filter((m) => m[0] === MESSAGE.awareness);
  assert.ok(
    awareness.length >= 1 && awareness.length <= 3,
    `${awareness.length} messages`,
  );
  for (const c of clients) {
    await until(() =>
      clients.every(
        (other) =>
          c.awareness.getStates().get(other.doc.clientID)?.cursor === 9,
      ),
    );
  }
  observer.close();
});

test('splits a large first sync into bounded messages, last one step 2', async () => {
  await start({ syncChunkBytes: 32 * 1024 });
  const writer = connect('b1/day/big');
  await synced(writer);
  const lines = writer.doc.getArray<string>('lines');
  for (let i = 0; i < 400; i++) lines.push([`${i}:${'y'.repeat(1000)}`]);
  writer.doc.getMap('orders').set('o1', 'open');
  writer.doc.getMap('orders').delete('o1');
  const expected = Y.encodeStateVector(writer.doc);

  const reader = new RawClient(docUrl(relay, 'b1/day/big', token()));
  await reader.opened;
  await sleep(100);
  reader.send(syncMessage(SYNC.step1, Y.encodeStateVector(new Y.Doc())));
  const doc = new Y.Doc();
  const kinds: number[] = [];
  await until(() => {
    for (const message of reader.messages.splice(0)) {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) !== MESSAGE.sync) continue;
      const kind = decoding.readVarUint(decoder);
      if (kind === SYNC.step1) continue;
      kinds.push(kind);
      assert.ok(message.length < 40 * 1024, `message of ${message.length}`);
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
    }
    return kinds.at(-1) === SYNC.step2;
  });
  assert.ok(kinds.length > 10, `${kinds.length} messages`);
  assert.equal(Y.encodeStateVector(doc), expected);
  assert.is(doc.getArray('lines').length, 400);
  assert.is(doc.getMap('orders').has('o1'), false);

  const stock = connect('b1/day/big', 'kds-2');
  await synced(stock);
  assert.is(stock.doc.getArray('lines').length, 400);
  reader.close();
});

test.run();
