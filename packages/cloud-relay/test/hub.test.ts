/**
 * The sync hub on its own, as the till host uses it: its own HTTP server,
 * its own path prefix and authorisation, its own `Y.Doc`s in memory.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { CLOSE } from '../src/sync/close-codes.ts';
import { refuse, SyncHub } from '../src/sync/hub.ts';
import { parseDocPath } from '../src/sync/path.ts';
import { stockProvider, synced, until } from './support/relay.ts';

interface Host {
  server: Server;
  hub: SyncHub;
  docs: Map<string, Y.Doc>;
  url: string;
}

/** A minimal host: `?key=w` writes, `?key=r` reads, anything else 4401. */
async function host(): Promise<Host> {
  const docs = new Map<string, Y.Doc>();
  const hub = new SyncHub({
    docs: {
      open: (name) => {
        const doc = docs.get(name) ?? new Y.Doc();
        docs.set(name, doc);
        return doc;
      },
    },
    limits: { evictAfterMs: 50 },
  });
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const url = new URL(req.url ?? '/', 'ws://till');
      const address = parseDocPath(url.pathname, '/sync/');
      const key = url.searchParams.get('key');
      if (!address) return refuse(ws, 'badRequest');
      if (key !== 'w' && key !== 'r') return refuse(ws, 'unauthorised');
      hub.attach(ws, {
        docName: address.docName,
        access: key === 'w' ? 'write' : 'read',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, hub, docs, url: `ws://127.0.0.1:${port}/sync` };
}

async function stop(h: Host) {
  await h.hub.stop();
  h.server.closeAllConnections();
  await new Promise((resolve) => h.server.close(resolve));
}

function client(h: Host, name: string, key: string) {
  return stockProvider(h.url, name, { key });
}

test('serves the host own documents at its own prefix', async () => {
  const h = await host();
  const hostDoc = new Y.Doc();
  hostDoc.getMap('items').set('soup', 450);
  h.docs.set('b1/menu', hostDoc);
  const waiter = client(h, 'b1/menu', 'w');
  try {
    await synced(waiter);
    assert.is(waiter.doc.getMap('items').get('soup'), 450);
    waiter.doc.getMap('items').set('bread', 120);
    await until(() => hostDoc.getMap('items').get('bread') === 120);
    hostDoc.getMap('items').set('tea', 90);
    await until(() => waiter.doc.getMap('items').get('tea') === 90);
  } finally {
    waiter.destroy();
    await stop(h);
  }
});

test('applies the host decision: read drops writes, refusal closes', async () => {
  const h = await host();
  const writer = client(h, 'b1/day/x', 'w');
  const reader = client(h, 'b1/day/x', 'r');
  const refused = new WebSocket(`${h.url}/b1/day/x?key=nope`);
  try {
    const code = await new Promise((resolve) =>
      refused.on('close', (c) => resolve(c)),
    );
    assert.is(code, CLOSE.unauthorised);
    await Promise.all([synced(writer), synced(reader)]);
    reader.doc.getMap('orders').set('o1', 'sneaky');
    writer.doc.getMap('orders').set('o2', 'real');
    await until(() => reader.doc.getMap('orders').get('o2') === 'real');
    assert.is(h.docs.get('b1/day/x')?.getMap('orders').get('o1'), undefined);
  } finally {
    writer.destroy();
    reader.destroy();
    await stop(h);
  }
});

test('lets go of a document after its last client, without destroying it', async () => {
  const h = await host();
  const waiter = client(h, 'b1/menu', 'w');
  await synced(waiter);
  waiter.destroy();
  await until(() => h.hub.loadedDocuments().length === 0);
  assert.ok(h.docs.has('b1/menu'), 'the host keeps its document');
  await stop(h);
});

test.run();
