/**
 * The fault planner: one seed gives one schedule, every kind the network
 * allows comes early enough for a short run, and no fault is planned on
 * a till or relay that an earlier fault still holds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type FaultKind, planFaults, targetsOf } from './faults.ts';
import { Rng } from './rng.ts';

const KINDS: FaultKind[] = [
  'kill-till',
  'power-cut',
  'kill-relay',
  'partition-till',
  'cut-relay',
  'packet-loss',
  'split-lan',
];

/** The short run's window: faults from 2 s to 53 s, one per 5 s. */
const plan = (seed: number) =>
  planFaults(Rng.stream(seed, 'faults'), KINDS, 3, 2_000, 53_000, 5_000);

test('one seed gives one schedule', () => {
  assert.equal(plan(7), plan(7));
  assert.not.equal(plan(7), plan(8));
});

test('every kind is planned in a short run, for 2,000 seeds', () => {
  for (let seed = 0; seed < 2_000; seed++) {
    const kinds = new Set(plan(seed).map((f) => f.kind));
    for (const kind of KINDS)
      assert.ok(kinds.has(kind), `${kind}, seed ${seed}`);
  }
});

test('no fault is planned on a target an earlier one still holds', () => {
  for (let seed = 0; seed < 500; seed++) {
    const busyUntil = new Map<string, number>();
    for (const fault of plan(seed)) {
      for (const target of targetsOf(fault.kind, fault.till, 3)) {
        assert.ok(
          fault.atMs >= (busyUntil.get(target) ?? 0),
          `seed ${seed}: ${fault.kind} on ${target} at ${fault.atMs}`,
        );
        busyUntil.set(target, fault.atMs + fault.holdMs);
      }
    }
  }
});

test.run();
