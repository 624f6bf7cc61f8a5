/**
 * The short chaos run (`npm run chaos -- --short`) as part of the suite:
 * real tills and relay, real faults, and every invariant must hold. It
 * also checks that the run did something, so it cannot pass by doing
 * nothing: faults of every kind the machine allows were injected, and
 * sales, credit notes and concurrent +1s were acknowledged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHAOS_DEFAULTS, runChaos } from './chaos.ts';
import { randomSeed } from './rng.ts';
import { summary } from './summary.ts';

test('a short chaos run keeps every invariant', async () => {
  const seed = Number(process.env.CHAOS_SEED ?? randomSeed());
  const report = await runChaos({
    seed,
    durationS: CHAOS_DEFAULTS.shortDurationS,
    quietTimeoutMs: 60_000,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const text = summary(report);
  process.stdout.write(`${text}\n`);
  assert.ok(report.ok, text);

  const expected = ['kill-till', 'power-cut', 'kill-relay'];
  if (report.mode === 'netns') expected.push('partition-till', 'cut-relay');
  if (report.packetLoss) expected.push('packet-loss', 'split-lan');
  for (const kind of expected) {
    const n = report.injected[kind as keyof typeof report.injected] ?? 0;
    assert.ok(n > 0, `no ${kind} injected (seed ${seed})`);
  }
  assert.ok(report.ledger.sales().length >= 10, 'sales acknowledged');
  assert.ok(report.ledger.total('credit') >= 1, 'credit notes acknowledged');
  assert.ok(report.ledger.total('double-plus-one') >= 10, 'concurrent +1s');
  assert.ok(report.journalEntries > 0, 'journals read');
});

test.run();
