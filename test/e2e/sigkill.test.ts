/**
 * Issue 6, test 3: a till killed with SIGKILL during a settlement loop
 * and restarted, several times: `brigade journal verify` passes, there is
 * no gap, every journalled sale has its claim, and the relay ends with
 * every entry.
 */
import type { JournalEntry } from '@brigade/store';
import { generateBranchKey } from '@brigade/till';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  brigade,
  Cleanup,
  discoveryPort,
  eventually,
  randomSecret,
  relayToken,
  sellOne,
  startRelay,
  startTill,
  type TillSpec,
  tempDir,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

const BRANCH = 'kill1';
const ROUNDS = 3;

test('a till killed mid-settlement loses nothing committed', async () => {
  const relay = await startRelay(cleanup, { secret: randomSecret() });
  const token = await relayToken(relay.secret, BRANCH, 'till-k');
  const spec: TillSpec = {
    branch: BRANCH,
    device: 'till-k',
    branchKey: generateBranchKey(),
    dataDir: tempDir(cleanup),
    discoveryPort: discoveryPort(),
    menu: 'demo',
    relay: { wsUrl: relay.wsUrl, httpUrl: relay.httpUrl, token },
  };

  let acknowledged = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const till = await startTill(cleanup, spec);
    let running = true;
    let firstAnswer: () => void = () => {};
    const answered = new Promise<void>((r) => {
      firstAnswer = r;
    });
    const loop = (async () => {
      for (let i = 0; running; i++) {
        try {
          await sellOne(till, `r${round}-${i}`);
          acknowledged++;
          firstAnswer();
        } catch {
          return;
        }
      }
    })();
    // Kill at a random moment once the loop is settling.
    await answered;
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
    running = false;
    assert.is(await till.proc.stop('SIGKILL'), null);
    await loop;
  }
  assert.ok(acknowledged > 0, 'some settlements answered before the kills');

  // Back once more: sell one, and wait for the relay to hold everything.
  const till = await startTill(cleanup, spec);
  const last = await sellOne(till, 'final');
  const reader = await relayToken(relay.secret, BRANCH, 'auditor', 'admin');
  const tail = await eventually(async () => {
    const res = await fetch(`${relay.httpUrl}/v1/devices?branch=${BRANCH}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    const { devices } = (await res.json()) as {
      devices: { device: string; lastSeq: number; lastHash: string }[];
    };
    const t = devices?.find((d) => d.device === 'till-k');
    return t?.lastSeq === last.seq ? t : null;
  }, 'the relay to hold every entry');
  assert.is(tail.lastHash, last.hash);

  // Every journalled sale has its settlement claim in the day document.
  const exported = await brigade(['journal', 'export', '--data', spec.dataDir]);
  assert.is(exported.code, 0, exported.stderr);
  const entries = exported.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);
  assert.equal(
    entries.map((e) => e.seq),
    Array.from({ length: last.seq }, (_, i) => i + 1),
    'no gap',
  );
  for (const sale of entries.filter((e) => e.kind === 'sale')) {
    const orderId = (sale.payload as { orderId: string }).orderId;
    const { body } = await till.api('GET', `/api/orders/${orderId}`);
    assert.is(body.status, 'settled', `order of ${sale.docNo}`);
  }

  assert.is(await till.proc.stop('SIGTERM'), 0);
  const verified = await brigade([
    'journal',
    'verify',
    '--data',
    spec.dataDir,
    '--anchor',
    `till-k:${tail.lastSeq}:${tail.lastHash}`,
  ]);
  assert.is(verified.code, 0, verified.stdout + verified.stderr);
});

test.run();
