import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Deliver,
  type JournalEntry,
  migrateOutbox,
  Outbox,
  OutboxSender,
  type OutboxSenderOptions,
  type SenderEvents,
} from '../src/index.ts';
import { FakeClock, settle } from './fixtures/fake-clock.ts';
import { memoryRelay, serve } from './fixtures/memory-relay.ts';
import { journalEntry } from './fixtures/outbox-entries.ts';

const dirs: string[] = [];
const dbs: Database.Database[] = [];
const senders: OutboxSender[] = [];
const servers: Server[] = [];

function setup(deliver: Deliver, options: Partial<OutboxSenderOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  migrateOutbox(db);
  dbs.push(db);
  const clock = new FakeClock();
  const outbox = new Outbox(db, { now: () => clock.now() });
  const sender = new OutboxSender({
    outbox,
    deliver,
    clock,
    random: () => 0.5,
    batchSize: 2,
    ...options,
  });
  senders.push(sender);
  const events = record(sender);
  return { outbox, sender, clock, events };
}

function record(sender: OutboxSender) {
  const events: { [K in keyof SenderEvents]: SenderEvents[K][0][] } = {
    delivered: [],
    refused: [],
    'dead-letter': [],
    'delivery-failed': [],
    status: [],
  };
  for (const name of Object.keys(events) as (keyof SenderEvents)[]) {
    const push = (payload: unknown) =>
      (events[name] as unknown[]).push(payload);
    sender.on(name, push as never);
  }
  return events;
}

function enqueueAll(outbox: Outbox, device: string, seqs: number[]) {
  for (const seq of seqs) outbox.enqueue(journalEntry(device, seq), 'own');
}

const seqsOf = (batches: JournalEntry[][]) =>
  batches.map((batch) => batch.map((e) => `${e.device}:${e.seq}`));

test.after.each(async () => {
  for (const sender of senders.splice(0)) await sender.stop();
  for (const server of servers.splice(0)) server.close();
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

test('delivers the queue in order, in batches, and marks it sent', async () => {
  const relay = memoryRelay();
  const { outbox, sender, events } = setup(async (e) => relay.ingest(e));
  enqueueAll(outbox, 'till-1', [1, 2, 3]);
  outbox.enqueue(journalEntry('till-2', 1), 'replica');
  enqueueAll(outbox, 'till-1', [4]);

  const status = await sender.flush();
  assert.equal(seqsOf(relay.batches), [
    ['till-1:1', 'till-1:2'],
    ['till-1:3', 'till-2:1'],
    ['till-1:4'],
  ]);
  assert.is(status.pending, 0);
  assert.equal(
    events.delivered.map((d) => d.stored),
    [['till-1:1', 'till-1:2'], ['till-1:3', 'till-2:1'], ['till-1:4']],
  );
});

test('counts an entry the relay already holds as sent', async () => {
  const relay = memoryRelay();
  relay.chains.set('till-1', new Map([[1, journalEntry('till-1', 1).hash]]));
  const { outbox, sender, events } = setup(async (e) => relay.ingest(e));
  enqueueAll(outbox, 'till-1', [1, 2]);

  await sender.flush();
  assert.equal(events.delivered[0]?.duplicate, ['till-1:1']);
  assert.equal(events.delivered[0]?.stored, ['till-1:2']);
  assert.is(outbox.status().pending, 0);
});

test('moves an entry refused for good to the dead letters and says so', async () => {
  const relay = memoryRelay();
  relay.refuse = (e) =>
    e.seq === 2
      ? { code: 'hash-mismatch', reason: 'hash does not match' }
      : undefined;
  const { outbox, sender, events } = setup(async (e) => relay.ingest(e), {
    batchSize: 10,
  });
  enqueueAll(outbox, 'till-1', [1, 2, 3, 4]);

  const status = await sender.flush();
  assert.equal(
    outbox.deadLetters().map((d) => [d.key, d.code, d.reason]),
    [['till-1:2', 'hash-mismatch', 'hash does not match']],
  );
  assert.equal(
    events['dead-letter'].map((d) => d.key),
    ['till-1:2'],
  );
  // The entries behind it wait for the chain to be repaired, and one
  // batch's refusals count as one failure of the device.
  assert.equal(
    events.refused.map((r) => [r.key, r.code, r.expectedSeq, r.retryInMs]),
    [
      ['till-1:3', 'gap', 2, 750],
      ['till-1:4', 'gap', 2, 750],
    ],
  );
  assert.is(status.pending, 2);
  assert.is(status.deadLetters, 1);
  const last = events.status.at(-1);
  assert.is(last?.outbox.deadLetters, 1);
});

test('a gap holds back only its own device, which is retried after a back-off', async () => {
  const relay = memoryRelay();
  const { outbox, sender, clock, events } = setup(
    async (e) => relay.ingest(e),
    { batchSize: 10 },
  );
  // till-2's first entry has not reached this till yet.
  outbox.enqueue(journalEntry('till-2', 2), 'replica');
  enqueueAll(outbox, 'till-1', [1, 2]);
  sender.start();
  await settle();

  assert.equal(relay.chains.get('till-1')?.size, 2);
  assert.equal(
    events.refused.map((r) => [r.key, r.retryInMs]),
    [['till-2:2', 750]],
  );
  assert.equal(clock.timers, [750]);

  // Meanwhile till-2 uploads its first entry itself; the retry fits.
  relay.chains.get('till-2')?.set(1, journalEntry('till-2', 1).hash);
  await clock.advance(749);
  assert.is(relay.batches.length, 1);
  await clock.advance(1);
  assert.equal(seqsOf(relay.batches), [
    ['till-2:2', 'till-1:1', 'till-1:2'],
    ['till-2:2'],
  ]);
  assert.is(outbox.status().pending, 0);
});

test('retries a failed delivery with jittered exponential back-off', async () => {
  let up = false;
  const relay = memoryRelay();
  const random = [0, 0.5, 0.999, 0, 0];
  const { outbox, sender, clock, events } = setup(
    async (e) => {
      if (!up) throw new Error('connect ECONNREFUSED');
      return relay.ingest(e);
    },
    {
      random: () => random.shift() ?? 0,
      backoff: { initialMs: 1000, maxMs: 5000, factor: 2, jitter: 0.5 },
    },
  );
  enqueueAll(outbox, 'till-1', [1]);
  sender.start();
  await settle();
  for (const wait of [1000, 1500, 2002, 5000]) {
    assert.equal(clock.timers, [wait]);
    assert.is(sender.state, 'backing-off');
    await clock.advance(wait);
  }
  assert.equal(
    events['delivery-failed'].map((f) => [f.attempt, f.retryInMs]),
    [
      [1, 1000],
      [2, 1500],
      [3, 2002],
      [4, 5000],
      [5, 5000],
    ],
  );

  up = true;
  await clock.advance(5000);
  assert.is(outbox.status().pending, 0);
  assert.is(sender.state, 'idle');
  assert.equal(clock.timers, [5000]);
});

test('flush sends at once when the relay is back, skipping the back-off', async () => {
  let up = false;
  const relay = memoryRelay();
  const { outbox, sender, clock } = setup(async (e) => {
    if (!up) throw new Error('offline');
    return relay.ingest(e);
  });
  enqueueAll(outbox, 'till-1', [1, 2, 3]);
  sender.start();
  await settle();
  assert.equal(clock.timers, [750]);

  up = true;
  const status = await sender.flush();
  assert.is(status.pending, 0);
  assert.equal(clock.timers, [5000]);
});

test('treats a malformed answer as a failed delivery and marks nothing', async () => {
  const answers: unknown[] = [
    { stored: 'all of them' },
    null,
    { stored: [{ device: 'till-1' }], duplicate: [], refused: [] },
    { stored: [], duplicate: [], refused: [{ device: 'till-1', seq: 1 }] },
  ];
  const { outbox, sender, events } = setup(
    async () => answers.shift() as never,
  );
  enqueueAll(outbox, 'till-1', [1]);
  for (let i = 0; i < 4; i++) await sender.flush();
  assert.equal(
    events['delivery-failed'].map((f) => (f.error as { code?: string }).code),
    Array(4).fill('ERR_DELIVERY_RESULT'),
  );
  assert.is(outbox.status().pending, 1);
  assert.is(outbox.status().deadLetters, 0);
});

test('retries entries the answer left out, and ignores ones not sent', async () => {
  const { outbox, sender, events } = setup(async () => ({
    stored: [
      { device: 'till-1', seq: 1 },
      { device: 'till-9', seq: 1 },
    ],
    duplicate: [],
    refused: [],
  }));
  enqueueAll(outbox, 'till-1', [1, 2]);
  await sender.flush();
  assert.equal(events.delivered[0]?.stored, ['till-1:1']);
  assert.equal(events.delivered[0]?.unanswered, ['till-1:2']);
  assert.equal(
    outbox.nextBatch(10).map((r) => r.key),
    ['till-1:2'],
  );
});

test('aborts a delivery that outlives its timeout and retries it', async () => {
  let signals = 0;
  const { outbox, sender, clock, events } = setup(
    (_, { signal }) =>
      new Promise((_resolve, reject) => {
        signals += 1;
        signal.addEventListener('abort', () => reject(signal.reason));
      }),
    { timeoutMs: 10_000 },
  );
  enqueueAll(outbox, 'till-1', [1]);
  sender.start();
  await settle();
  await clock.advance(10_000);
  assert.is(signals, 1);
  assert.match(String(events['delivery-failed'][0]?.error), /timed out/);
  assert.equal(clock.timers, [750]);
});

test('starts and stops idempotently, aborting what is in flight', async () => {
  let aborted = false;
  const { outbox, sender, clock, events } = setup(
    (_, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(signal.reason);
        });
      }),
  );
  enqueueAll(outbox, 'till-1', [1]);
  sender.start();
  sender.start();
  await settle();
  await sender.stop();
  await sender.stop();
  assert.ok(aborted);
  assert.is(sender.state, 'stopped');
  assert.equal(clock.timers, []);
  assert.is(events['delivery-failed'].length, 0);
  assert.is(outbox.status().pending, 1);
  assert.is(events.status.at(-1)?.state, 'stopped');
});

test('refuses options it cannot run with', () => {
  const { outbox } = setup(async () => ({
    stored: [],
    duplicate: [],
    refused: [],
  }));
  const deliver: Deliver = async () => ({
    stored: [],
    duplicate: [],
    refused: [],
  });
  const bad: Partial<OutboxSenderOptions>[] = [
    { batchSize: 0 },
    { batchSize: 1.5 },
    { pollMs: -5 },
    { timeoutMs: Number.NaN },
    { backoff: { initialMs: 0 } },
    { backoff: { factor: 0.5 } },
    { backoff: { jitter: 2 } },
    { deliver: 'http://relay' as unknown as Deliver },
  ];
  for (const options of bad) {
    try {
      new OutboxSender({ outbox, deliver, ...options });
      assert.unreachable(JSON.stringify(options));
    } catch (error) {
      assert.is((error as { code?: string }).code, 'ERR_OUTBOX_ARGUMENT');
    }
  }
});

test('goes on sending when started again before a stop has finished', async () => {
  const relay = memoryRelay();
  let hang = true;
  const { outbox, sender, clock } = setup((entries, { signal }) =>
    hang
      ? new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        })
      : Promise.resolve(relay.ingest(entries)),
  );
  enqueueAll(outbox, 'till-1', [1]);
  sender.start();
  await settle();
  hang = false;
  const stopped = sender.stop();
  sender.start();
  await stopped;
  await clock.advance(0);
  assert.is(outbox.status().pending, 0);
  assert.is(sender.state, 'idle');
});

test('a flush on a stopped sender leaves it stopped', async () => {
  const relay = memoryRelay();
  const { outbox, sender, clock } = setup(async (e) => relay.ingest(e));
  enqueueAll(outbox, 'till-1', [1, 2, 3]);
  const status = await sender.flush();
  assert.is(status.pending, 0);
  assert.is(sender.state, 'stopped');
  assert.equal(clock.timers, []);
});

test('polls for new entries while idle', async () => {
  const relay = memoryRelay();
  const { outbox, sender, clock } = setup(async (e) => relay.ingest(e), {
    pollMs: 2000,
  });
  sender.start();
  await settle();
  enqueueAll(outbox, 'till-1', [1]);
  assert.is(relay.batches.length, 0);
  await clock.advance(2000);
  assert.is(relay.batches.length, 1);
  assert.is(outbox.status().pending, 0);
});

test('survives a relay that goes away and a lost answer, over real HTTP', async () => {
  const relay = memoryRelay();
  let dropNext = false;
  const first = await serve(relay, { dropAnswers: () => dropNext });
  servers.push(first.server);
  let url = first.url;
  const deliver: Deliver = async (entries, { signal }) => {
    const response = await fetch(url, {
      method: 'POST',
      signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entries }),
    });
    if (!response.ok) throw new Error(`relay answered ${response.status}`);
    return response.json();
  };
  const { outbox, sender, events } = setup(deliver, { batchSize: 10 });

  // Stored by the relay, but the answer never arrives.
  enqueueAll(outbox, 'till-1', [1, 2]);
  dropNext = true;
  await sender.flush();
  assert.is(events['delivery-failed'].length, 1);
  assert.is(outbox.status().pending, 2);

  // The relay goes down: connection refused.
  await new Promise((resolve) => first.server.close(resolve));
  enqueueAll(outbox, 'till-1', [3]);
  await sender.flush();
  assert.is(events['delivery-failed'].length, 2);

  // Back on another port: the repeat is a duplicate, the rest is stored.
  const second = await serve(relay);
  servers.push(second.server);
  url = second.url;
  const status = await sender.flush();
  assert.is(status.pending, 0);
  assert.equal(events.delivered.at(-1)?.duplicate, ['till-1:1', 'till-1:2']);
  assert.equal(events.delivered.at(-1)?.stored, ['till-1:3']);
  assert.equal([...(relay.chains.get('till-1')?.keys() ?? [])], [1, 2, 3]);
});

test.run();
