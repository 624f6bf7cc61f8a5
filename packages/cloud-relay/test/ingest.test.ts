import { silentLogger } from '@brigade/log';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openRelayDatabase } from '../src/db.ts';
import { JournalIngest } from '../src/journal/ingest.ts';
import { migrateJournal } from '../src/journal/schema.ts';
import { parseBatch } from '../src/journal/validate.ts';
import { type Harness, startApi } from './support/api.ts';
import { batch, ChainBuilder, type InvoiceSpec } from './support/chain.ts';
import { removeDir, tempDir } from './support/relay.ts';

const coffee: InvoiceSpec = {
  lines: [
    {
      itemId: 'coffee',
      name: 'Coffee',
      qty: 1,
      unitPrice: 1150,
      taxRate: 1500,
    },
  ],
  payments: [{ method: 'cash', amount: 1150 }],
};

let api: Harness;
let till: string;

test.before.each(async () => {
  api = await startApi();
  till = api.token('till');
});

test.after.each(async () => {
  await api.close();
});

function post(body: unknown, token = till) {
  return api.call('/v1/journal', { token, body });
}

function refs(n: number[], device = 'till-1') {
  return n.map((seq) => ({ device, seq }));
}

function storedCount(): number {
  return api.db
    .prepare('SELECT count(*) FROM journal_entries')
    .pluck()
    .get() as number;
}

test('stores a genuine chain and acknowledges every entry', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  chain.drawerOpen();
  chain.sale(coffee);
  const res = await post(batch(chain.entries));
  assert.is(res.status, 200);
  assert.equal(res.body, {
    stored: refs([1, 2, 3]),
    duplicate: [],
    refused: [],
  });
  assert.is(storedCount(), 3);
});

test('acknowledges a re-sent entry as a duplicate and stores it once', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  chain.sale(coffee);
  await post(batch(chain.entries.slice(0, 1)));
  const res = await post(batch(chain.entries));
  assert.equal(res.body, {
    stored: refs([2]),
    duplicate: refs([1]),
    refused: [],
  });
  const again = await post(batch(chain.entries));
  assert.equal(again.body, {
    stored: [],
    duplicate: refs([1, 2]),
    refused: [],
  });
  assert.is(storedCount(), 2);
});

test('counts the same entry twice in one batch as stored then duplicate', async () => {
  const chain = new ChainBuilder('till-1');
  const sale = chain.sale(coffee);
  const res = await post(batch([sale, sale]));
  assert.equal(res.body, {
    stored: refs([1]),
    duplicate: refs([1]),
    refused: [],
  });
});

test('refuses a different entry at a stored seq as a fork and keeps the stored one', async () => {
  const honest = new ChainBuilder('till-1');
  honest.sale(coffee);
  honest.sale(coffee);
  await post(batch(honest.entries));

  // Same device, rebuilt chain: seq 2 now holds another sale.
  const rewritten = new ChainBuilder('till-1').adopt(
    honest.entries.slice(0, 1),
  );
  rewritten.sale({
    ...coffee,
    lines: [{ ...coffee.lines[0]!, qty: 2 }],
    payments: [{ method: 'cash', amount: 2300 }],
  });
  const res = await post(batch(rewritten.entries));
  assert.is(res.status, 200);
  assert.equal(res.body.duplicate, refs([1]));
  assert.equal(res.body.stored, []);
  assert.is(res.body.refused.length, 1);
  assert.is(res.body.refused[0].seq, 2);
  assert.is(res.body.refused[0].code, 'fork');
  assert.ok(res.body.refused[0].reason.includes('another hash'));

  const kept = api.db
    .prepare('SELECT hash FROM journal_entries WHERE seq = 2')
    .pluck()
    .get();
  assert.is(kept, honest.entries[1]!.hash);
  const forks = api.db
    .prepare("SELECT seq, count FROM journal_alerts WHERE kind = 'fork'")
    .all();
  assert.equal(forks, [{ seq: 2, count: 1 }]);

  // The same fork sent again counts up rather than adding a row.
  await post(batch(rewritten.entries));
  const count = api.db
    .prepare("SELECT count FROM journal_alerts WHERE kind = 'fork'")
    .pluck()
    .get();
  assert.is(count, 2);
});

test('refuses an entry beyond a gap with the seq it expects next', async () => {
  const chain = new ChainBuilder('till-1');
  for (let i = 0; i < 5; i++) chain.sale(coffee);
  await post(batch(chain.entries.slice(0, 2)));
  const res = await post(batch(chain.entries.slice(3)));
  assert.equal(res.body.stored, []);
  assert.equal(res.body.refused, [
    {
      device: 'till-1',
      seq: 4,
      code: 'gap',
      reason: 'expected seq 3 before seq 4',
      expectedSeq: 3,
    },
    {
      device: 'till-1',
      seq: 5,
      code: 'gap',
      reason: 'expected seq 3 before seq 5',
      expectedSeq: 3,
    },
  ]);
  assert.is(storedCount(), 2);

  // Filling the gap lets the rest through.
  const filled = await post(batch(chain.entries.slice(2)));
  assert.equal(filled.body.stored, refs([3, 4, 5]));
});

test('expects seq 1 from a device it has never seen', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  chain.sale(coffee);
  const res = await post(batch(chain.entries.slice(1)));
  assert.is(res.body.refused[0].expectedSeq, 1);
});

test('sorts an out-of-order batch before checking the chain', async () => {
  const chain = new ChainBuilder('till-1');
  for (let i = 0; i < 6; i++) chain.sale(coffee);
  const shuffled = [4, 1, 5, 0, 3, 2].map((i) => chain.entries[i]!);
  const res = await post(batch(shuffled));
  assert.equal(res.body, {
    stored: refs([1, 2, 3, 4, 5, 6]),
    duplicate: [],
    refused: [],
  });
});

test('refuses an edited entry with the chain fault code and stores nothing after it', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  chain.sale(coffee);
  chain.sale(coffee);
  const edited = { ...chain.entries[1]!, total: 1, tax: 0 };
  const res = await post(batch([chain.entries[0]!, edited, chain.entries[2]!]));
  assert.equal(res.body.stored, refs([1]));
  assert.is(res.body.refused[0].seq, 2);
  assert.is(res.body.refused[0].code, 'hash-mismatch');
  assert.equal(res.body.refused[1], {
    device: 'till-1',
    seq: 3,
    code: 'gap',
    reason: 'expected seq 2 before seq 3',
    expectedSeq: 2,
  });
  const kinds = api.db
    .prepare('SELECT kind, code FROM journal_alerts ORDER BY id')
    .all();
  assert.equal(kinds, [{ kind: 'verification-failed', code: 'hash-mismatch' }]);
});

test('refuses a chain rebuilt with fresh hashes against the stored tail', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  chain.sale(coffee);
  await post(batch(chain.entries));

  // A rewritten history whose third entry links to a forged second.
  const forged = new ChainBuilder('till-1');
  forged.sale(coffee);
  forged.drawerOpen();
  forged.sale(coffee);
  const res = await post(batch([forged.entries[2]!]));
  assert.is(res.body.refused[0].code, 'broken-link');
});

test('stores replicas of other devices that a till forwards', async () => {
  const own = new ChainBuilder('till-1');
  const peer = new ChainBuilder('till-2');
  own.sale(coffee);
  peer.sale(coffee);
  peer.sale(coffee);
  const res = await post(batch([...peer.entries, ...own.entries]));
  assert.equal(res.body.stored, [...refs([1]), ...refs([1, 2], 'till-2')]);
  const devices = await api.call('/v1/devices?branch=b1', { token: till });
  assert.equal(
    devices.body.devices.map((d: { device: string; lastSeq: number }) => [
      d.device,
      d.lastSeq,
    ]),
    [
      ['till-1', 1],
      ['till-2', 2],
    ],
  );
});

test('does not list a device whose only entries failed verification', async () => {
  const chain = new ChainBuilder('till-7');
  chain.sale(coffee);
  const tampered = { ...chain.entries[0]!, user: 'mallory' };
  const res = await post(batch([tampered]));
  assert.is(res.body.refused[0].code, 'hash-mismatch');
  const devices = await api.call('/v1/devices?branch=b1', { token: till });
  assert.equal(
    devices.body.devices.map((d: { device: string }) => d.device),
    ['till-1'],
  );
});

test('keeps chains of one device apart per branch and organisation', async () => {
  const b1 = new ChainBuilder('till-1', 'b1');
  const b2 = new ChainBuilder('till-1', 'b2');
  b1.sale(coffee);
  b2.sale(coffee);
  const both = api.token('till', { branches: ['b1', 'b2'] });
  const r1 = await post(batch(b1.entries, { branch: 'b1' }), both);
  const r2 = await post(batch(b2.entries, { branch: 'b2' }), both);
  assert.equal(r1.body.stored, refs([1]));
  assert.equal(r2.body.stored, refs([1]));
  const other = await post(
    batch(b1.entries),
    api.token('till', { org: 'other' }),
  );
  assert.equal(other.body.stored, refs([1]));
  assert.is(storedCount(), 3);
});

test('needs the branch in the body when the token opens several', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  const both = api.token('till', { branches: ['b1', 'b2'] });
  const res = await post(batch(chain.entries), both);
  assert.is(res.status, 400);
  assert.is(res.body.error.field, 'branch');
});

test('takes a bare array of entries as a batch', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  const res = await post(chain.entries);
  assert.equal(res.body.stored, refs([1]));
});

test('answers 503 with Retry-After while another writer holds the database', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  const other = new Database(api.db.name);
  other.exec('BEGIN EXCLUSIVE');
  try {
    const busy = await post(batch(chain.entries));
    assert.is(busy.status, 503);
    assert.is(busy.body.error.code, 'busy');
    assert.is(busy.headers.get('retry-after'), '1');
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  assert.is(storedCount(), 0);
  const res = await post(batch(chain.entries));
  assert.equal(res.body.stored, refs([1]));
});

test('counts ingest results on the registry', async () => {
  const chain = new ChainBuilder('till-1');
  chain.sale(coffee);
  chain.sale(coffee);
  chain.sale(coffee);
  await post(batch(chain.entries.slice(0, 1)));
  await post(batch([chain.entries[0]!, chain.entries[2]!]));
  const text = await api.registry.metrics();
  assert.match(text, /brigade_ingest_entries_total\{result="stored"\} 1/);
  assert.match(text, /brigade_ingest_entries_total\{result="duplicate"\} 1/);
  assert.match(text, /brigade_ingest_entries_total\{result="refused"\} 1/);
  assert.match(text, /brigade_ingest_refused_total\{code="gap"\} 1/);
  assert.match(text, /brigade_journal_alerts_total\{kind="gap"\} 1/);
  assert.match(text, /brigade_ingest_batch_seconds_count 2/);
  assert.match(
    text,
    /brigade_http_requests_total\{route="\/v1\/journal",status="200"\} 2/,
  );
});

test('syncs each batch to disk and then restores the connection level', () => {
  const dir = tempDir();
  const db = openRelayDatabase(dir);
  try {
    migrateJournal(db);
    const ingest = new JournalIngest(db, silentLogger);
    const levels: string[] = [];
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: { simple?: boolean }) => {
      if (source.startsWith('synchronous =')) levels.push(source);
      return pragma(source, options);
    }) as typeof db.pragma;
    const chain = new ChainBuilder('till-1');
    chain.sale(coffee);
    chain.sale(coffee);
    const scope = { org: 'acme', branch: 'b1', sender: 'till-1' };
    const first = parseBatch(batch(chain.entries.slice(0, 1)));
    assert.is(ingest.ingest(scope, first, Date.now()).stored.length, 1);
    assert.equal(levels, ['synchronous = FULL', 'synchronous = 1']);
    assert.is(pragma('synchronous', { simple: true }), 1);

    // Inside the caller's transaction the caller's commit decides.
    const second = parseBatch(batch(chain.entries.slice(1)));
    db.transaction(() => ingest.ingest(scope, second, Date.now()))();
    assert.is(levels.length, 2);
  } finally {
    db.close();
    removeDir(dir);
  }
});

test.run();
