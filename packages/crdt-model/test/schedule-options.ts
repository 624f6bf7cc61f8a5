import type { ScheduleOptions } from '@brigade/crdt-model/testing';

/**
 * `SCHEDULES=n` runs n random schedules per engine (default 200);
 * `SEED=s` starts at seed s, so `SEED=1234 SCHEDULES=1` replays one failure.
 */
export function scheduleOptions(): ScheduleOptions {
  const count = Number(process.env.SCHEDULES ?? 200);
  const firstSeed = Number(process.env.SEED ?? 1);
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(
      `SCHEDULES must be a whole number, not ${process.env.SCHEDULES}`,
    );
  }
  if (!Number.isInteger(firstSeed)) {
    throw new Error(`SEED must be an integer, not ${process.env.SEED}`);
  }
  return { count, firstSeed };
}
