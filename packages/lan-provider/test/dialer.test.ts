import { createServer } from 'node:net';
import type { Logger } from '@brigade/log';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emptyCounters } from '../src/counters.ts';
import { Dialer } from '../src/transport/dialer.ts';
import { sleep } from './helpers.ts';

/** A port that refuses connections at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function recordingDialer(
  failures: number[],
  connected: Set<string>,
  ports: number[] = [],
) {
  const started = Date.now();
  const log: Logger = {
    child: () => log,
    debug: (o, msg) => {
      if (msg !== 'dial failed') return;
      failures.push(Date.now() - started);
      ports.push((o as { port: number }).port);
    },
    info: () => {},
    warn: () => {},
    error: () => {},
  };
  return new Dialer({
    self: 'a',
    psk: Buffer.alloc(32, 1),
    connectTimeoutMs: 1000,
    dialJitterMs: 200,
    maxConcurrentDials: 4,
    backoffBaseMs: 250,
    backoffMaxMs: 10_000,
    peerExpiryMs: 60_000,
    dialGraceMs: 10_000,
    counters: emptyCounters(),
    log,
    isConnected: (device) => connected.has(device),
    onSecure: () => {},
  });
}

test('twenty peers appearing at once are dialled spread out, and back off', async () => {
  const port = await closedPort();
  const failures: number[] = [];
  const dialer = recordingDialer(failures, new Set());
  dialer.start();
  for (let i = 0; i < 20; i++)
    dialer.seen(`peer-${String(i).padStart(2, '0')}`, '127.0.0.1', port);
  await sleep(1500);
  dialer.stop();
  const first = failures.slice(0, 20);
  assert.ok(first.length === 20, `${first.length} first attempts`);
  assert.ok(
    Math.max(...first) - Math.min(...first) >= 100,
    'first dials spread over the jitter',
  );

  // Per peer: jitter, then 125-250, 250-500, 500-1000 ms: at most four tries in 1.5 s.
  assert.ok(failures.length <= 80, `${failures.length} attempts`);
  const perMs = new Map<number, number>();
  for (const t of failures) perMs.set(t, (perMs.get(t) ?? 0) + 1);
  assert.ok(
    Math.max(...perMs.values()) <= 6,
    'no burst of dials in one millisecond',
  );
});

test('the larger id does not dial a beacon peer until the grace period', async () => {
  const smallerPort = await closedPort();
  const largerPort = await closedPort();
  const ports: number[] = [];
  const dialer = recordingDialer([], new Set(), ports);
  dialer.start();
  assert.not.ok(dialer.seen('0-smaller', '127.0.0.1', smallerPort));
  assert.ok(dialer.seen('z-larger', '127.0.0.1', largerPort));
  await sleep(400);
  dialer.stop();
  assert.ok(ports.length > 0);
  assert.ok(ports.every((p) => p === largerPort));
});

test('a connected device is not dialled, and stop clears every timer', async () => {
  const port = await closedPort();
  const failures: number[] = [];
  const dialer = recordingDialer(failures, new Set(['b']));
  dialer.start();
  assert.not.ok(dialer.seen('b', '127.0.0.1', port));
  dialer.seen('c', '127.0.0.1', port);
  dialer.stop();
  await sleep(300);
  assert.is(failures.length, 0);
  assert.ok(dialer.targets().every((t) => t.timer === undefined));
});

test.run();
