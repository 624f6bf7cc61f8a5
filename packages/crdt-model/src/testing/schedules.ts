import type { Test } from 'uvu';
import { snapshotOf } from '../day/day-state.ts';
import { ServiceDay } from '../day/service-day.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { EngineFactory } from './factories.ts';
import { allViews } from './harness.ts';
import { SimNetwork } from './network.ts';
import { Prng } from './prng.ts';
import { randomOperation } from './random-ops.ts';

export interface ScheduleOptions {
  /** How many schedules; default 200. */
  count?: number;
  /** Seed of the first schedule; the others follow it. Default 1. */
  firstSeed?: number;
}

/** What one schedule did, for the test's own sanity checks. */
export interface ScheduleReport {
  seed: number;
  replicas: number;
  done: number;
  refused: number;
  delivered: number;
}

/**
 * One seeded random schedule: 3 to 5 replicas apply random operations while
 * a {@link SimNetwork} delays, reorders, duplicates, drops and partitions
 * their updates; then the network heals and every replica must derive the
 * same views, equal to those of a replica rebuilt from scratch and of one
 * loaded from the encoded document. Throws an error naming the seed.
 */
export function runSchedule(
  factory: EngineFactory,
  seed: number,
): ScheduleReport {
  const prng = new Prng(seed);
  const count = prng.int(3, 5);
  const engines = Array.from({ length: count }, (_, i) => factory.create(i));
  let step = 0;
  const days = engines.map(
    (engine, i) =>
      new ServiceDay(engine, {
        device: `till-${i + 1}`,
        menu: demoMenu,
        now: () => 1_796_000_000_000 + step * 1000 + i,
        newId: idMaker(`r${i}s${seed}`),
      }),
  );
  const network = new SimNetwork(engines, prng);
  const report = { seed, replicas: count, done: 0, refused: 0, delivered: 0 };
  const fail = (why: string): never => {
    throw new Error(`${factory.name} schedule seed ${seed} failed: ${why}`);
  };

  const steps = prng.int(30, 75);
  for (step = 0; step < steps; step++) {
    const action = prng.weighted([
      [6, 'operate'],
      [3, 'deliver'],
      [0.4, 'partition'],
      [0.4, 'heal'],
    ] as const);
    if (action === 'operate') {
      const r = prng.int(0, count - 1);
      let sent = 0;
      const stop = engines[r]!.onUpdate(() => sent++);
      const outcome = randomOperation(prng, days[r]!, demoMenu);
      stop();
      if (outcome === 'refused' && sent > 0) fail('a refused operation wrote');
      if (outcome === 'done') report.done++;
      if (outcome === 'refused') report.refused++;
    } else if (action === 'deliver') network.step();
    else if (action === 'partition') network.partition();
    else network.heal(prng.chance(0.3));
  }
  network.heal();
  report.delivered = network.delivered;
  network.close();

  const expected = JSON.stringify(allViews(days[0]!.snapshot()));
  days.forEach((day, i) => {
    if (JSON.stringify(allViews(day.snapshot())) !== expected) {
      fail(`replica ${i} derives different views from replica 0`);
    }
  });
  if (JSON.stringify(allViews(snapshotOf(engines[count - 1]!))) !== expected) {
    fail('live views differ from views rebuilt from the document');
  }
  const loaded = factory.load(engines[0]!.encodeState(), 99);
  if (JSON.stringify(allViews(snapshotOf(loaded))) !== expected) {
    fail('a replica loaded from the encoded document differs');
  }
  return report;
}

/** Registers one test per seeded schedule. */
export function randomSchedules(
  test: Test,
  factory: EngineFactory,
  options: ScheduleOptions = {},
): void {
  const count = options.count ?? 200;
  const first = options.firstSeed ?? 1;
  const reports: ScheduleReport[] = [];
  for (let seed = first; seed < first + count; seed++) {
    test(`schedule seed ${seed}: every replica derives the same views`, () => {
      reports.push(runSchedule(factory, seed));
    });
  }
  test('schedules exercise real concurrency, not only refusals', () => {
    const done = reports.reduce((a, r) => a + r.done, 0);
    const delivered = reports.reduce((a, r) => a + r.delivered, 0);
    if (reports.length > 0 && (done < reports.length * 10 || delivered === 0)) {
      throw new Error(
        `too little happened: ${done} operations, ${delivered} messages`,
      );
    }
  });
}

function idMaker(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${(n++).toString(36)}`;
}
