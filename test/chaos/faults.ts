/**
 * The fault schedule: which fault, when, on whom and for how long, all
 * drawn from the run's seed before the run starts, so a seed names one
 * schedule. Every kind the network allows comes once early in a shuffled
 * order (so a short run cannot pass without them), then faults follow at
 * random. A fault waits for the previous one on the same target to be
 * undone, so a till is never partitioned while it is down.
 */
import type { Cluster } from './cluster.ts';
import type { Lan } from './network.ts';
import type { Rng } from './rng.ts';

export type FaultKind =
  | 'kill-till'
  | 'power-cut'
  | 'partition-till'
  | 'packet-loss'
  | 'split-lan'
  | 'kill-relay'
  | 'cut-relay';

export interface Fault {
  atMs: number;
  kind: FaultKind;
  /** Till index; null for the relay. */
  till: number | null;
  holdMs: number;
  /** For packet loss: the share dropped, in per cent. */
  percent: number;
}

export function faultKinds(lan: Lan): FaultKind[] {
  const kinds: FaultKind[] = ['kill-till', 'power-cut', 'kill-relay'];
  if (lan.canPartition) kinds.push('partition-till', 'cut-relay');
  if (lan.canDropPackets) kinds.push('packet-loss', 'split-lan');
  return kinds;
}

/** How often each kind comes after the first round: till kills most. */
const WEIGHT: Record<FaultKind, number> = {
  'kill-till': 3,
  'power-cut': 0.5,
  'partition-till': 2,
  'packet-loss': 2,
  'split-lan': 1,
  'kill-relay': 1,
  'cut-relay': 1,
};

/** How long each kind lasts, in ms: [min, max]. */
const HOLD: Record<FaultKind, [number, number]> = {
  'kill-till': [300, 3_000],
  'power-cut': [500, 4_000],
  'partition-till': [2_000, 9_000],
  'packet-loss': [4_000, 10_000],
  'split-lan': [3_000, 10_000],
  'kill-relay': [1_000, 6_000],
  'cut-relay': [2_000, 9_000],
};

/** A till's start-up after a kill, as the planner counts it. */
const RESTART_ESTIMATE_MS = 4_000;

/** What a fault takes hold of: the relay, one till, or every till. */
export function targetsOf(
  kind: FaultKind,
  till: number | null,
  tills: number,
): string[] {
  if (kind === 'power-cut') {
    return Array.from({ length: tills }, (_, i) => `till-${i}`);
  }
  return [till === null ? 'relay' : `till-${till}`];
}

/**
 * Faults over `[startMs, endMs)`, about one every `meanGapMs`. The plan
 * keeps track of when each target is free again, so a fault is set for
 * a moment its till (or the relay) is not already broken, and the first
 * round of every kind fits in a short run.
 */
export function planFaults(
  rng: Rng,
  kinds: FaultKind[],
  tills: number,
  startMs: number,
  endMs: number,
  meanGapMs: number,
): Fault[] {
  const first = rng.shuffle([...kinds]);
  const faults: Fault[] = [];
  const freeAt = new Map<string, number>();
  const free = (target: string) => freeAt.get(target) ?? 0;
  for (let at = startMs; at < endMs; ) {
    const kind =
      first.shift() ?? rng.weighted(kinds.map((k) => [WEIGHT[k], k] as const));
    const [min, max] = HOLD[kind];
    const holdMs = rng.int(min, max);
    const percent = rng.pick([10, 20, 30, 50]);
    const whole =
      kind === 'kill-relay' || kind === 'cut-relay' || kind === 'power-cut';
    const till = whole ? null : freestTill(rng, tills, at, free);
    const targets = targetsOf(kind, till, tills);
    const atMs = Math.max(at, ...targets.map(free));
    at += Math.round(meanGapMs * (0.4 + rng.next() * 1.2));
    if (atMs >= endMs) continue;
    faults.push({ atMs, kind, till, holdMs, percent });
    const restart =
      kind === 'kill-till' || kind === 'power-cut' ? RESTART_ESTIMATE_MS : 0;
    for (const t of targets) freeAt.set(t, atMs + holdMs + restart);
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

/** A till free at `at`, at random; or the one free soonest. */
function freestTill(
  rng: Rng,
  tills: number,
  at: number,
  free: (target: string) => number,
): number {
  const all = Array.from({ length: tills }, (_, i) => i);
  const idle = all.filter((i) => free(`till-${i}`) <= at);
  if (idle.length > 0) return rng.pick(idle);
  return all.reduce((a, b) => (free(`till-${b}`) < free(`till-${a}`) ? b : a));
}

export function describe(fault: Fault, cluster: Cluster): string {
  const who =
    fault.kind === 'power-cut'
      ? 'every till'
      : fault.till === null
        ? 'relay'
        : cluster.tills[fault.till]!.device;
  const loss = fault.kind === 'packet-loss' ? ` ${fault.percent}%` : '';
  return `${fault.kind}${loss} ${who} for ${(fault.holdMs / 1000).toFixed(1)} s`;
}

/** Runs a schedule against the cluster; `abort` cuts every hold short. */
export class FaultRunner {
  readonly injected = new Map<FaultKind, number>();
  /** Till kills that landed while a write to it was in flight. */
  midWrite = 0;
  #planned = 0;
  #started = 0;
  #cluster: Cluster;
  #lan: Lan;
  #log: (line: string) => void;
  #chains = new Map<string, Promise<void>>();
  #abort = new AbortController();

  constructor(cluster: Cluster, lan: Lan, log: (line: string) => void) {
    this.#cluster = cluster;
    this.#lan = lan;
    this.#log = log;
  }

  /** Injects each fault at its time (from `t0`); resolves when all are undone. */
  async run(faults: Fault[], t0: number): Promise<void> {
    this.#planned = faults.length;
    for (const fault of faults) {
      const wait = t0 + fault.atMs - Date.now();
      if (wait > 0 && !(await this.#sleep(wait))) break;
      const targets = targetsOf(
        fault.kind,
        fault.till,
        this.#cluster.tills.length,
      );
      const before = Promise.all(targets.map((t) => this.#chains.get(t)));
      const done = before.then(() => this.#inject(fault, t0));
      for (const target of targets) this.#chains.set(target, done);
    }
    await Promise.all(this.#chains.values());
  }

  /** Every planned fault has been injected (some may still hold). */
  get allStarted(): boolean {
    return this.#started >= this.#planned;
  }

  /** Ends every hold at once (the run is over). */
  stop(): void {
    this.#abort.abort();
  }

  async #inject(fault: Fault, t0: number): Promise<void> {
    if (this.#abort.signal.aborted) return;
    const at = ((Date.now() - t0) / 1000).toFixed(1);
    this.#log(`t=${at}s fault ${describe(fault, this.#cluster)}`);
    this.injected.set(fault.kind, (this.injected.get(fault.kind) ?? 0) + 1);
    this.#started++;
    const till = fault.till ?? 0;
    switch (fault.kind) {
      case 'kill-till':
        // The kill waits (up to a second) for a write in flight, which is
        // when a till dying at a busy counter loses the most.
        if (await this.#cluster.writeInFlight(till, 1_000)) this.midWrite++;
        await this.#cluster.stopTill(till, 'SIGKILL');
        await this.#sleep(fault.holdMs);
        await this.#cluster.startTill(till);
        break;
      case 'power-cut':
        await Promise.all(
          this.#cluster.tills.map((t) =>
            this.#cluster.stopTill(t.index, 'SIGKILL'),
          ),
        );
        await this.#sleep(fault.holdMs);
        await Promise.all(
          this.#cluster.tills.map((t) => this.#cluster.startTill(t.index)),
        );
        break;
      case 'partition-till':
        this.#lan.partition(till);
        await this.#sleep(fault.holdMs);
        this.#lan.heal(till);
        break;
      case 'packet-loss':
        this.#lan.dropPackets(till, fault.percent);
        await this.#sleep(fault.holdMs);
        this.#lan.stopDropping(till);
        break;
      case 'split-lan':
        this.#lan.splitFromPeers(till);
        await this.#sleep(fault.holdMs);
        this.#lan.stopDropping(till);
        break;
      case 'kill-relay':
        await this.#cluster.killRelay();
        await this.#sleep(fault.holdMs);
        await this.#cluster.startRelay();
        break;
      case 'cut-relay':
        this.#lan.cutRelay();
        await this.#sleep(fault.holdMs);
        this.#lan.restoreRelay();
        break;
    }
  }

  /** Sleeps; false when the run was stopped meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
