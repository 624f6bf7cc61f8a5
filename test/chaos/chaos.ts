/**
 * One chaos run: a relay and three tills as real processes, a seeded
 * service driven through the tills' APIs while faults are injected at
 * random, then everything healed, a wait for quiet, and the invariants.
 *
 * @example
 * const report = await runChaos({ seed: 42, durationS: 35, log: console.log });
 * if (!report.ok) process.exitCode = 1;
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cleanup } from '../e2e/harness.ts';
import { Cluster } from './cluster.ts';
import {
  type FaultKind,
  FaultRunner,
  faultKinds,
  planFaults,
} from './faults.ts';
import { type Check, checkAll, gather } from './invariants.ts';
import { Ledger } from './ledger.ts';
import { Manager } from './manager.ts';
import { type Lan, LoopbackLan, NetnsLan, netnsAvailable } from './network.ts';
import { type OrderLike, waitForQuiet } from './quiescence.ts';
import { Rng } from './rng.ts';
import { Workload } from './workload.ts';

export interface ChaosOptions {
  seed: number;
  /** Length of the phase with workload and faults, seconds. */
  durationS: number;
  log: (line: string) => void;
  /** Mean time between faults, ms; default one every 5 s. */
  meanFaultGapMs?: number;
  /** `loopback` even as root (no namespaces). Default: netns when root. */
  network?: 'auto' | 'loopback';
  /** Keep the run's folder (data, logs) when an invariant fails. */
  keepOnFailure?: boolean;
  /** Longest wait for quiet after healing, ms. */
  quietTimeoutMs?: number;
}

export const CHAOS_DEFAULTS = {
  /** Seconds of chaos by default, and with `--short` (CI). */
  durationS: 300,
  shortDurationS: 55,
  tills: 3,
  workers: 3,
  meanFaultGapMs: 5_000,
  quietTimeoutMs: 90_000,
  /** Longest the phase runs on for a planned fault that has not started. */
  overtimeMs: 20_000,
  /** Faults start this long into the phase and stop this long before its end. */
  faultMarginMs: 2_000,
} as const;

export interface ChaosReport {
  seed: number;
  mode: Lan['mode'];
  packetLoss: boolean;
  totalMs: number;
  chaosMs: number;
  quietMs: number;
  faultsPlanned: number;
  injected: Partial<Record<FaultKind, number>>;
  /** Till kills that landed while a write to that till was in flight. */
  killsMidWrite: number;
  ledger: Ledger;
  journalEntries: number;
  /** Open conflicts the tills report at the end, by kind. */
  conflicts: Record<string, number>;
  checks: Check[];
  ok: boolean;
  /** The run's folder, when it was kept. */
  dir: string | null;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const { log, seed } = options;
  const dir = mkdtempSync(join(tmpdir(), 'brigade-chaos-'));
  const cleanup = new Cleanup();
  const lan: Lan =
    options.network !== 'loopback' && netnsAvailable()
      ? new NetnsLan(CHAOS_DEFAULTS.tills)
      : await LoopbackLan.create(CHAOS_DEFAULTS.tills);
  cleanup.add(() => lan.teardown());
  const onExit = () => lan.teardown();
  process.once('exit', onExit);

  const ledger = new Ledger();
  const cluster = new Cluster(lan, cleanup, dir, CHAOS_DEFAULTS.tills);
  const faults = new FaultRunner(cluster, lan, log);
  const report = newReport(seed, lan, ledger);
  log(
    `seed ${seed} (replay: CHAOS_SEED=${seed}), network ${describeLan(lan, options.network === 'loopback')}, folder ${dir}`,
  );
  try {
    await start(cluster, log);
    await chaosPhase(options, cluster, lan, ledger, faults, report);
    report.checks = await endPhase(options, cluster, lan, ledger, report);
  } catch (error) {
    report.checks.push({
      name: 'harness',
      ok: false,
      detail: (error as Error).stack ?? String(error),
    });
  } finally {
    faults.stop();
    await cluster.stopAll().catch(() => {});
    await cleanup.run();
    process.removeListener('exit', onExit);
  }
  report.injected = Object.fromEntries(faults.injected);
  report.killsMidWrite = faults.midWrite;
  report.ok = report.checks.length > 0 && report.checks.every((c) => c.ok);
  report.totalMs = Date.now() - started;
  if (!report.ok && options.keepOnFailure) report.dir = dir;
  else rmSync(dir, { recursive: true, force: true });
  return report;
}

function newReport(seed: number, lan: Lan, ledger: Ledger): ChaosReport {
  return {
    seed,
    mode: lan.mode,
    packetLoss: lan.canDropPackets,
    totalMs: 0,
    chaosMs: 0,
    quietMs: 0,
    faultsPlanned: 0,
    injected: {},
    killsMidWrite: 0,
    ledger,
    journalEntries: 0,
    conflicts: {},
    checks: [],
    ok: false,
    dir: null,
  };
}

function describeLan(lan: Lan, asked: boolean): string {
  if (lan.mode === 'loopback') {
    const why = asked ? '--loopback' : 'not root or no ip';
    return `loopback (${why}: process kills only, no partitions or packet loss)`;
  }
  const loss = lan.canDropPackets
    ? 'iptables packet loss'
    : 'no packet loss (iptables missing)';
  return `netns (bridge, partitions by link down, ${loss})`;
}

async function start(cluster: Cluster, log: (line: string) => void) {
  const t = Date.now();
  await cluster.startRelay();
  await Promise.all(cluster.tills.map((slot) => cluster.startTill(slot.index)));
  const quiet = await waitForQuiet(cluster, 60_000);
  if (!quiet.reached) throw new Error(`start-up: ${quiet.reason}`);
  log(
    `relay and ${cluster.tills.length} tills up and peered in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}

async function chaosPhase(
  options: ChaosOptions,
  cluster: Cluster,
  lan: Lan,
  ledger: Ledger,
  faults: FaultRunner,
  report: ChaosReport,
): Promise<void> {
  const chaosMs = options.durationS * 1000;
  const margin = CHAOS_DEFAULTS.faultMarginMs;
  const plan = planFaults(
    Rng.stream(options.seed, 'faults'),
    faultKinds(lan),
    cluster.tills.length,
    margin,
    chaosMs - margin,
    options.meanFaultGapMs ?? CHAOS_DEFAULTS.meanFaultGapMs,
  );
  report.faultsPlanned = plan.length;
  options.log(
    `chaos for ${options.durationS} s: ${plan.length} faults planned`,
  );

  const t0 = Date.now();
  const ticker = setInterval(
    () => options.log(progress(cluster, ledger, t0)),
    5_000,
  );
  const faulting = faults.run(plan, t0);
  try {
    const workload = new Workload(cluster, ledger, options.seed);
    // A fault delayed behind a slow restart still gets its turn, with the
    // service running, for up to the overtime.
    await workload.run(CHAOS_DEFAULTS.workers, () => {
      const elapsed = Date.now() - t0;
      if (elapsed > chaosMs + CHAOS_DEFAULTS.overtimeMs) return true;
      return elapsed > chaosMs && faults.allStarted;
    });
  } finally {
    faults.stop();
    clearInterval(ticker);
  }
  await faulting;
  report.chaosMs = Date.now() - t0;
}

function progress(cluster: Cluster, ledger: Ledger, t0: number): string {
  const down = cluster.tills.filter((t) => !t.handle).map((t) => t.device);
  const ops = [...ledger.ops.values()];
  const sum = (k: 'ok' | 'rejected' | 'unreachable' | 'lost') =>
    ops.reduce((n, o) => n + o[k], 0);
  return [
    `t=${((Date.now() - t0) / 1000).toFixed(0)}s`,
    `orders=${ledger.orders.size}`,
    `settled=${ledger.total('settle')}`,
    `credits=${ledger.total('credit')}`,
    `ops ok=${sum('ok')} rejected=${sum('rejected')} unreachable=${sum('unreachable')} lost=${sum('lost')}`,
    `down=[${down.join(',')}]`,
    `relay=${cluster.relayUp ? 'up' : 'down'}`,
  ].join(' ');
}

async function endPhase(
  options: ChaosOptions,
  cluster: Cluster,
  lan: Lan,
  ledger: Ledger,
  report: ChaosReport,
): Promise<Check[]> {
  options.log('healing: links up, loss off, every process running');
  lan.healAll();
  if (!cluster.relayUp) await cluster.startRelay();
  await Promise.all(
    cluster.tills
      .filter((slot) => !slot.handle)
      .map((slot) => cluster.startTill(slot.index)),
  );
  const quiet = await waitForQuiet(
    cluster,
    options.quietTimeoutMs ?? CHAOS_DEFAULTS.quietTimeoutMs,
  );
  report.quietMs = quiet.ms;
  report.conflicts = conflictsOf(quiet.views[0] ?? []);
  options.log(
    quiet.reached
      ? `quiet after ${(quiet.ms / 1000).toFixed(1)} s`
      : `not quiet after ${(quiet.ms / 1000).toFixed(1)} s: ${quiet.reason}`,
  );

  // End of service: each till's Z closing must reach the relay too.
  await closeDays(cluster, ledger);
  const closed = await waitForQuiet(
    cluster,
    options.quietTimeoutMs ?? CHAOS_DEFAULTS.quietTimeoutMs,
  );
  if (!closed.reached)
    quiet.reason ||= `after the Z closings: ${closed.reason}`;
  quiet.reached &&= closed.reached;

  // The tills stop cleanly before their folders are read.
  await Promise.all(
    cluster.tills.map((t) => cluster.stopTill(t.index, 'SIGTERM')),
  );
  const evidence = await gather(cluster, quiet);
  report.journalEntries = evidence.journals.reduce(
    (n, j) => n + j.own.length,
    0,
  );
  return checkAll(cluster, ledger, quiet, evidence);
}

async function closeDays(cluster: Cluster, ledger: Ledger): Promise<void> {
  const manager = new Manager(cluster, ledger);
  for (const slot of cluster.tills) await manager.closeDayOn(slot.index);
}

function conflictsOf(orders: OrderLike[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const conflict of orders.flatMap((o) => o.conflicts)) {
    counts[conflict.kind] = (counts[conflict.kind] ?? 0) + 1;
  }
  return counts;
}
