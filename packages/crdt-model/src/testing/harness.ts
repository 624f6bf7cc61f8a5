import * as assert from 'uvu/assert';
import { type DaySnapshot, snapshotOf } from '../day/day-state.ts';
import { ServiceDay, type ServiceDayOptions } from '../day/service-day.ts';
import type { Engine } from '../engine/engine.ts';
import { ModelError, type ModelErrorCode } from '../errors.ts';
import type { OrderId } from '../ids.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { Menu } from '../menu/menu.ts';
import { conflicts } from '../views/conflicts.ts';
import { invoiceOf } from '../views/invoice.ts';
import { kdsQueues } from '../views/kds.ts';
import { openTables } from '../views/open-tables.ts';
import { orderView } from '../views/order-view.ts';
import type { EngineFactory } from './factories.ts';

/** Replicas of one day document on one engine, with manual sync. */
export interface Replicas {
  engines: Engine[];
  days: ServiceDay[];
  /** Sends everything `from` has to `to` (a whole-state exchange). */
  sync(from: number, to: number): void;
  /** Brings every replica up to date with every other. */
  syncAll(): void;
}

/** Creates `count` replicas of a day, devices `till-1`, `till-2`, ... */
export function replicas(
  factory: EngineFactory,
  count: number,
  options: Partial<ServiceDayOptions> = {},
): Replicas {
  const engines = Array.from({ length: count }, (_, i) => factory.create(i));
  let clock = 1_796_000_000_000;
  const days = engines.map(
    (engine, i) =>
      new ServiceDay(engine, {
        device: `till-${i + 1}`,
        menu: demoMenu,
        now: () => (clock += 1000),
        ...options,
      }),
  );
  const sync = (from: number, to: number) => {
    engines[to]!.applyUpdate(engines[from]!.encodeState());
  };
  const syncAll = () => {
    for (let round = 0; round < 2; round++) {
      for (let a = 0; a < count; a++) {
        for (let b = 0; b < count; b++) if (a !== b) sync(a, b);
      }
    }
  };
  return { engines, days, sync, syncAll };
}

/** One day on one replica with the given menu. */
export function singleDay(factory: EngineFactory, menu: Menu = demoMenu) {
  return replicas(factory, 1, { menu }).days[0]!;
}

/** Every view of a day, as plain data, for comparing replicas. */
export function allViews(day: DaySnapshot) {
  const ids = [...day.orders.keys()].sort() as OrderId[];
  return {
    orders: ids.map((id) => orderView(day, id)),
    invoices: ids.map((id) => invoiceOf(day, id)),
    openTables: openTables(day),
    kds: kdsQueues(day),
    conflicts: conflicts(day),
  };
}

/**
 * Asserts that `run` throws a ModelError with `code` and leaves the
 * document exactly as it was (same encoded state, no update sent).
 */
export function refuses(
  engine: Engine,
  code: ModelErrorCode,
  run: () => unknown,
): void {
  const before = engine.encodeState();
  const viewsBefore = JSON.stringify(allViews(snapshotOf(engine)));
  let updates = 0;
  const stop = engine.onUpdate(() => updates++);
  try {
    run();
    assert.unreachable(`expected ModelError ${code}`);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    assert.is(error.code, code, error.message);
  } finally {
    stop();
  }
  assert.is(updates, 0, 'a refused operation sent an update');
  assert.equal(engine.encodeState(), before, 'document changed');
  assert.is(JSON.stringify(allViews(snapshotOf(engine))), viewsBefore);
}
