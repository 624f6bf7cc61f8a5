/**
 * `@brigade/crdt-model/testing`: the conformance suite that every engine
 * runs, the simulated network, and the busy-day generator shared with the
 * benchmarks.
 *
 * @example
 * import { test } from 'uvu';
 * import { conformance, yjsFactory } from '@brigade/crdt-model/testing';
 * conformance(test, yjsFactory, { count: 200 });
 * test.run();
 */
import type { Test } from 'uvu';
import { customerExamples } from './examples-customers.ts';
import { engineExamples } from './examples-engine.ts';
import { errorExamples } from './examples-errors.ts';
import { inventoryExamples } from './examples-inventory.ts';
import { kitchenExamples } from './examples-kitchen.ts';
import { menuExamples } from './examples-menu.ts';
import { orderExamples } from './examples-orders.ts';
import { settlementExamples } from './examples-settlement.ts';
import { totalsExamples } from './examples-totals.ts';
import { voidExamples } from './examples-voids.ts';
import type { EngineFactory } from './factories.ts';
import { randomSchedules, type ScheduleOptions } from './schedules.ts';
import { stockSchedules } from './schedules-stock.ts';

export {
  BUSY_DAY_DEVICES,
  type BuiltBusyDay,
  type BusyDayCounts,
  type BusyDayOptions,
  type BusyDayUpdate,
  buildBusyDay,
  busyDayDevices,
  type DayClock,
  playBusyDay,
} from './busy-day.ts';
export { books } from './examples-customers.ts';
export { stockBurgers, stockTills } from './examples-inventory.ts';
export {
  automergeFactory,
  type EngineFactory,
  yjsFactory,
} from './factories.ts';
export {
  allViews,
  type Replicas,
  refuses,
  replicas,
  singleDay,
} from './harness.ts';
export { pakistanMenu, saudiMenu, ukCafeMenu } from './menus.ts';
export { type NetworkOptions, SimNetwork } from './network.ts';
export { Prng } from './prng.ts';
export { randomModifiers, randomOperation } from './random-ops.ts';
export {
  randomSchedules,
  runSchedule,
  type ScheduleOptions,
  type ScheduleReport,
} from './schedules.ts';
export { runStockSchedule, stockSchedules } from './schedules-stock.ts';

/** Registers every worked example on `test` for one engine. */
export function workedExamples(test: Test, factory: EngineFactory): void {
  engineExamples(test, factory);
  orderExamples(test, factory);
  voidExamples(test, factory);
  kitchenExamples(test, factory);
  settlementExamples(test, factory);
  totalsExamples(test, factory);
  errorExamples(test, factory);
  menuExamples(test, factory);
  inventoryExamples(test, factory);
  customerExamples(test, factory);
}

/**
 * The whole conformance suite for one engine: every worked example, then
 * `options.count` seeded random schedules (default 200).
 */
export function conformance(
  test: Test,
  factory: EngineFactory,
  options: ScheduleOptions = {},
): void {
  workedExamples(test, factory);
  randomSchedules(test, factory, options);
  stockSchedules(test, factory, options);
}
