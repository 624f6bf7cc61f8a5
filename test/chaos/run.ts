/**
 * `npm run chaos`: a relay and three tills broken the way a restaurant
 * breaks them, then checked. See "Chaos run" in the README.
 *
 *   npm run chaos                      five minutes of chaos, a fresh seed
 *   npm run chaos -- --short           about 70 s in all (what CI runs)
 *   npm run chaos -- --duration 600    ten minutes
 *   CHAOS_SEED=1234 npm run chaos      replays seed 1234's schedule
 *   npm run chaos -- --loopback        no namespaces even as root
 *   npm run chaos -- --fault-gap 1500  a fault every 1.5 s on average
 */
import { parseArgs } from 'node:util';
import { CHAOS_DEFAULTS, runChaos } from './chaos.ts';
import { randomSeed } from './rng.ts';
import { summary } from './summary.ts';

function options() {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      duration: { type: 'string' },
      seed: { type: 'string' },
      loopback: { type: 'boolean', default: false },
      'fault-gap': { type: 'string' },
    },
  });
  const seedText = values.seed ?? process.env.CHAOS_SEED;
  const durationText = values.duration ?? process.env.CHAOS_DURATION_S;
  const seed = seedText === undefined ? randomSeed() : Number(seedText);
  const durationS =
    durationText === undefined
      ? values.short
        ? CHAOS_DEFAULTS.shortDurationS
        : CHAOS_DEFAULTS.durationS
      : Number(durationText);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(
      `the seed must be a non-negative integer (got ${seedText})`,
    );
  }
  if (!Number.isFinite(durationS) || durationS < 10) {
    throw new Error(`the duration must be at least 10 s (got ${durationText})`);
  }
  const gapText = values['fault-gap'] ?? process.env.CHAOS_FAULT_GAP_MS;
  const meanFaultGapMs =
    gapText === undefined ? CHAOS_DEFAULTS.meanFaultGapMs : Number(gapText);
  if (!Number.isFinite(meanFaultGapMs) || meanFaultGapMs < 200) {
    throw new Error(`the fault gap must be at least 200 ms (got ${gapText})`);
  }
  return { seed, durationS, meanFaultGapMs, loopback: values.loopback };
}

async function main(): Promise<number> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options();
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n`);
    return 2;
  }
  const started = Date.now();
  const log = (line: string) => {
    const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`[chaos ${t}s] ${line}\n`);
  };
  const report = await runChaos({
    seed: opts.seed,
    durationS: opts.durationS,
    meanFaultGapMs: opts.meanFaultGapMs,
    log,
    network: opts.loopback ? 'loopback' : 'auto',
    keepOnFailure: true,
  });
  process.stdout.write(`\n${summary(report)}\n`);
  return report.ok ? 0 : 1;
}

// Ctrl-C: exit, so the 'exit' handlers remove the namespaces.
process.once('SIGINT', () => process.exit(130));
process.exitCode = await main();
