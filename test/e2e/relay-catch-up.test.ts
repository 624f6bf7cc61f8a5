/**
 * Issue 6, test 2: with the relay down, 100 settlements across two tills;
 * once the relay starts, every journal entry reaches it exactly once
 * within seconds, both chains verify there, and `GET /v1/devices` shows
 * both tails; the `offline` entry each till journalled reaches it too.
 * And the sales of a till that died before the relay came back reach it
 * through the peer that holds its journal as a replica.
 */
import { checkNext, type JournalEntry } from '@brigade/store';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Cleanup,
  eventually,
  freePort,
  randomSecret,
  relayToken,
  sellOne,
  startLanPair,
  startRelay,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

const BRANCH = 'catch1';

async function relayGet(url: string, token: string) {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

async function chainAtRelay(httpUrl: string, token: string, device: string) {
  const entries: JournalEntry[] = [];
  for (let after = 0; ; ) {
    const page = await relayGet(
      `${httpUrl}/v1/journal?branch=${BRANCH}&device=${device}&after=${after}`,
      token,
    );
    entries.push(...(page.entries as JournalEntry[]));
    if (page.nextAfter === null) return entries;
    after = page.nextAfter as number;
  }
}

test('every entry made while the relay was down reaches it exactly once', async () => {
  const secret = randomSecret();
  const relayPort = await freePort();
  const relay = {
    wsUrl: `ws://127.0.0.1:${relayPort}`,
    httpUrl: `http://127.0.0.1:${relayPort}`,
  };
  const devices = ['till-a', 'till-b'];
  const tokens = await Promise.all(
    devices.map((d) => relayToken(secret, BRANCH, d)),
  );
  // A short debounce: each till journals the outage, and that entry
  // must reach the relay like the sales.
  const [a, b] = await startLanPair(cleanup, BRANCH, (device) => ({
    relay: { ...relay, token: tokens[devices.indexOf(device)]! },
    connectivityDebounceMs: 1_000,
  }));

  const heads: Record<string, number> = {};
  await Promise.all(
    [a, b].map(async (till) => {
      for (let i = 0; i < 50; i++) {
        const sale = await sellOne(till, `${i}`);
        heads[till.spec.device] = sale.seq;
      }
    }),
  );
  const { body: before } = await a.api('GET', '/api/status');
  assert.is(before.state, 'lan-only');
  assert.ok((before.outbox as { pending: number }).pending >= 50);

  const started = Date.now();
  await startRelay(cleanup, { secret, port: relayPort });
  const reader = await relayToken(secret, BRANCH, 'auditor', 'admin');
  const listed = await eventually(
    async () => {
      const { devices: list } = await relayGet(
        `${relay.httpUrl}/v1/devices?branch=${BRANCH}`,
        reader,
      );
      const tails = list as {
        device: string;
        lastSeq: number;
        lastHash: string;
      }[];
      // An `offline` entry may follow the last sale (the relay was down
      // longer than the connectivity debounce): at least the last sale.
      const done = devices.every(
        (d) => (tails.find((t) => t.device === d)?.lastSeq ?? 0) >= heads[d]!,
      );
      return done ? tails : null;
    },
    'both tails at the relay',
    60_000,
  );
  const seconds = (Date.now() - started) / 1000;
  // Seconds on a quiet machine; the bound leaves room for a loaded one.
  assert.ok(seconds < 30, `caught up in ${seconds} s`);

  for (const device of devices) {
    const chain = await chainAtRelay(relay.httpUrl, reader, device);
    assert.ok(chain.length >= heads[device]!, `${device}: every sale`);
    assert.ok(
      chain.some((e) => e.kind === 'offline' && e.payload.from === null),
      `${device}: the outage journalled`,
    );
    assert.equal(
      chain.map((e) => e.seq),
      Array.from({ length: chain.length }, (_, i) => i + 1),
      `${device}: every entry once, in order`,
    );
    chain.forEach((entry, i) => {
      const fault = checkNext(chain[i - 1] ?? null, entry);
      assert.is(fault, null, `${device} seq ${entry.seq}`);
    });
    const tail = listed.find((t) => t.device === device)!;
    assert.is(tail.lastHash, chain[tail.lastSeq - 1]?.hash);
  }

  for (const till of [a, b]) {
    await eventually(async () => {
      const { body } = await till.api('GET', '/api/status');
      return body.state === 'online' ? body : null;
    }, `${till.spec.device} online with an empty outbox`);
  }
});

test('the sales of a till that died reach the relay through its peer', async () => {
  const secret = randomSecret();
  const relayPort = await freePort();
  const relay = {
    wsUrl: `ws://127.0.0.1:${relayPort}`,
    httpUrl: `http://127.0.0.1:${relayPort}`,
  };
  const devices = ['till-a', 'till-b'];
  const tokens = await Promise.all(
    devices.map((d) => relayToken(secret, BRANCH, d)),
  );
  // Outages are not journalled here, so the outbox counts b's entries only.
  const [a, b] = await startLanPair(cleanup, BRANCH, (device) => ({
    relay: { ...relay, token: tokens[devices.indexOf(device)]! },
    connectivityDebounceMs: 3_600_000,
  }));
  let head = 0;
  for (let i = 0; i < 10; i++) head = (await sellOne(b, `${i}`)).seq;

  // till-a holds till-b's journal as a replica; then till-b's disk dies.
  await eventually(async () => {
    const { body } = await a.api('GET', '/api/status');
    return (body.outbox as { pending: number }).pending === head;
  }, "till-b's entries replicated to till-a");
  await b.proc.stop('SIGKILL');

  await startRelay(cleanup, { secret, port: relayPort });
  const reader = await relayToken(secret, BRANCH, 'auditor', 'admin');
  await eventually(
    async () => {
      const { devices: list } = await relayGet(
        `${relay.httpUrl}/v1/devices?branch=${BRANCH}`,
        reader,
      );
      const tails = list as { device: string; lastSeq: number }[];
      return tails.find((t) => t.device === 'till-b')?.lastSeq === head;
    },
    "till-b's tail at the relay",
    30_000,
  );
  const chain = await chainAtRelay(relay.httpUrl, reader, 'till-b');
  assert.equal(
    chain.map((e) => e.seq),
    Array.from({ length: head }, (_, i) => i + 1),
  );
});

test.run();
