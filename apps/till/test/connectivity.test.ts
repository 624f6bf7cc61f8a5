import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Relay, signToken, startRelay } from '@brigade/cloud-relay';
import { demoMenu } from '@brigade/crdt-model';
import type { JournalEntry } from '@brigade/store';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Till } from '../src/till.ts';
import { tillOptions } from './test-till.ts';

/** Long enough for a relay restart to be a flap on a loaded machine. */
const DEBOUNCE_MS = 2_000;
const secret = 'c'.repeat(40);
const dirs: string[] = [];
let relay: Relay | undefined;
let till: Till | undefined;

test.after(async () => {
  await till?.stop();
  await relay?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  dirs.push(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

function transitions(): [string, unknown, unknown][] {
  return till!.store.journal
    .entriesAfter(0, 1_000)
    .filter((e: JournalEntry) => e.kind === 'offline' || e.kind === 'online')
    .map((e) => [e.kind, e.payload.from, e.payload.to]);
}

const connected = () => till!.status().relay.state === 'connected';

test('journals a real relay outage and its end once each, not its flaps or restarts', async () => {
  const relayDir = temp();
  relay = await startRelay({ dataDir: relayDir, secret, port: 0 });
  const port = Number(new URL(relay.url).port);
  const reopenRelay = async () => {
    relay = await startRelay({ dataDir: relayDir, secret, port });
  };
  const tillDir = temp();
  const token = signToken(
    { org: 'acme', branches: ['b1'], device: 'till-1', role: 'till' },
    secret,
  );
  const options = tillOptions(tillDir, {
    relay: {
      wsUrl: relay.url,
      httpUrl: relay.url.replace(/^ws/, 'http'),
      token,
    },
    connectivityDebounceMs: DEBOUNCE_MS,
  });
  const restartTill = async () => {
    await till?.stop();
    till = await Till.start(options, { menu: demoMenu });
  };

  // Start-up: the link connects within the debounce; nothing is journalled.
  await restartTill();
  await until(connected, 'relay connected');
  await sleep(DEBOUNCE_MS + 700);
  assert.equal(transitions(), [], 'start-up journalled nothing');

  // A relay restart the link rides out: a flap, not an outage.
  const flapStart = Date.now();
  await relay.stop();
  await reopenRelay();
  await until(connected, 'relay connected again');
  const flapMs = Date.now() - flapStart;
  assert.ok(flapMs < DEBOUNCE_MS, `the flap took ${flapMs} ms`);
  await sleep(DEBOUNCE_MS - flapMs + 700);
  assert.equal(transitions(), [], 'a flap journalled nothing');

  // A real outage: journalled once, from what the till showed before.
  await relay.stop();
  await until(() => transitions().length === 1, 'offline journalled');
  const [kind, from, to] = transitions()[0]!;
  assert.is(kind, 'offline');
  assert.ok(from === 'online' || from === 'syncing', String(from));
  assert.is(to, 'offline');
  const entry = till!.store.journal.lastOf(['offline'])!;
  assert.match(String(entry.payload.reason), /^relay /);
  assert.is(entry.user, 'till-1');

  // The till restarts while the relay is still down: no second offline.
  await restartTill();
  await sleep(DEBOUNCE_MS + 700);
  assert.is(transitions().length, 1, 'a restart repeated nothing');

  // The relay returns: one online entry, from the state read back.
  await reopenRelay();
  await until(() => transitions().length === 2, 'online journalled');
  const [back, backFrom, backTo] = transitions()[1]!;
  assert.is(back, 'online');
  assert.is(backFrom, 'offline');
  assert.ok(backTo === 'online' || backTo === 'syncing', String(backTo));

  // A restart while the relay is up journals nothing either.
  await restartTill();
  await until(connected, 'relay connected after the restart');
  await sleep(DEBOUNCE_MS + 700);
  assert.is(transitions().length, 2, 'a restart online journalled nothing');

  // The transitions reach the relay like every other entry.
  await until(() => till!.status().outbox.pending === 0, 'outbox drained');
});

test.run();
