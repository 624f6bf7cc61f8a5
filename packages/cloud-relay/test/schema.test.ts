import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@brigade/log';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signToken } from '../src/auth/token.ts';
import { createApiHandler } from '../src/http/index.ts';
import { migrateJournal } from '../src/journal/schema.ts';
import { SECRET } from './support/api.ts';
import { batch, ChainBuilder } from './support/chain.ts';

let dir: string;

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'brigade-'));
});

test.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the database file and serves the API on it until `stop()`. */
async function open() {
  const db = new Database(join(dir, 'relay.sqlite'));
  const api = createApiHandler({
    db,
    secret: SECRET,
    logger: silentLogger,
    registry: new Registry(),
  });
  const server = createServer((req, res) => {
    if (!api(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => {
        db.close();
        r();
      });
    });
  return { db, url, stop };
}

const token = signToken(
  { org: 'acme', branches: ['b1'], device: 'till-1', role: 'till' },
  SECRET,
);

function post(url: string, body: unknown) {
  return fetch(`${url}/v1/journal`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  }).then((r) => r.json());
}

test('migrates once and is safe to run again', () => {
  const db = new Database(join(dir, 'relay.sqlite'));
  migrateJournal(db);
  migrateJournal(db);
  const names = db.prepare('SELECT name FROM journal_migrations').pluck().all();
  assert.equal(names, ['001-journal', '002-credits']);
  db.close();
});

test('keeps acknowledged entries and chain tails across a restart', async () => {
  const chain = new ChainBuilder('till-1');
  chain.drawerOpen();
  chain.drawerOpen();
  chain.drawerOpen();

  const first = await open();
  const stored = await post(first.url, batch(chain.entries.slice(0, 2)));
  assert.is(stored.stored.length, 2);
  await first.stop();

  const second = await open();
  try {
    const again = await post(second.url, batch(chain.entries));
    assert.equal(again.duplicate, [
      { device: 'till-1', seq: 1 },
      { device: 'till-1', seq: 2 },
    ]);
    assert.equal(again.stored, [{ device: 'till-1', seq: 3 }]);
  } finally {
    await second.stop();
  }
});

test.run();
