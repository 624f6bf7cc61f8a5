/**
 * Verifying every chain a store holds: the own journal and each replica,
 * entry by entry, then the references between chains and the anchors
 * given from outside. Reads only.
 *
 * Large stores are verified in segments on several threads
 * (`segmented-verify.ts`); the sequential verifier here is the reference
 * and names the fault whenever there is one. See `npm run bench -- store`.
 */
import { availableParallelism } from 'node:os';
import type { Database } from 'better-sqlite3';
import {
  type Anchor,
  type ChainSummary,
  ChainVerifier,
} from './chain-verifier.ts';
import type { ChainFault } from './faults.ts';
import { ReferenceBook } from './reference-book.ts';
import { ENTRY_COLUMNS, type EntryRow, rowToCheckedEntry } from './rows.ts';
import { chainsOf, guidedSize } from './segment-plan.ts';
import { type SegmentedOptions, verifyInSegments } from './segmented-verify.ts';

/** Options of {@link verifyDatabase}; defaults in {@link VERIFY_DEFAULTS}. */
export interface VerifyOptions {
  /**
   * Stores with at least this many entries (all chains together) are
   * verified in segments on several threads; smaller ones on the calling
   * thread alone, where a worker's start-up (60-90 ms, then code not
   * yet optimised) would cost more than it saves. Default 20,000;
   * `Infinity` turns the threads off.
   */
  parallelFrom?: number;
  /**
   * Worker threads besides the calling one, which verifies segments too.
   * Default: one fewer than `os.availableParallelism()`, at most 3; with
   * none, verification is sequential.
   */
  workers?: number;
  /**
   * Entries per segment, about. Default 0: shrinking segments, each a
   * share of what is left (see `guidedSize`).
   */
  segmentEntries?: number;
  /**
   * How long the calling thread waits for a worker's segment before it
   * verifies that segment itself. Default 5,000 ms.
   */
  stallMs?: number;
}

/** Defaults of {@link VerifyOptions}. */
export const VERIFY_DEFAULTS: Readonly<Required<VerifyOptions>> = {
  parallelFrom: 20_000,
  workers: Math.max(0, Math.min(availableParallelism(), 4) - 1),
  segmentEntries: 0,
  stallMs: 5_000,
};

/** The outcome of verifying a store. */
export interface VerifyReport {
  ok: boolean;
  /** The own chain first, then replicas by device id. */
  devices: (ChainSummary & { replica: boolean })[];
  /** The first fault found, or null. */
  fault: ChainFault | null;
  /** Credit notes and reprints whose original is on a chain not held. */
  unresolvedReferences: number;
}

/**
 * Verifies every chain in `db`. Stops at the first fault, which names
 * the device and entry; the summaries then cover what was read so far.
 * A large store is verified on several threads; the report is the same
 * as {@link verifySequentially}'s.
 *
 * @example
 * const report = verifyDatabase(db, 'till-1', [
 *   { device: 'till-1', seq: 812, hash: 'ab12…' }, // the relay's acknowledged tail
 * ]);
 */
export function verifyDatabase(
  db: Database,
  ownDevice: string,
  anchors: Anchor[] = [],
  options: VerifyOptions = {},
): VerifyReport {
  return withMemoryMap(db, () => {
    const o = { ...VERIFY_DEFAULTS, ...options };
    const chains = chainsOf(db, ownDevice);
    const size = chains.reduce((n, c) => n + c.lastSeq, 0);
    const shared = !db.memory && !db.inTransaction;
    // A sequence number that is not an integer (an edited schema) is
    // for the sequential verifier to name.
    const plain = chains.every((c) => Number.isSafeInteger(c.lastSeq));
    if (!shared || !plain || o.workers < 1 || size < o.parallelFrom) {
      return verifyChains(db, ownDevice, anchors);
    }
    const segmented: SegmentedOptions = {
      workers: o.workers,
      segmentEntries: o.segmentEntries || guidedSize(o.workers + 1),
      mmapBytes: VERIFY_MMAP_BYTES,
      stallMs: o.stallMs,
    };
    return (
      segmentedOrNull(db, chains, anchors, segmented) ??
      verifyChains(db, ownDevice, anchors)
    );
  });
}

/**
 * The segmented report, or null when it saw a fault or could not read a
 * segment: the sequential verifier then reports what it finds, the same
 * fault or the same error, at the entry where it meets it first.
 */
function segmentedOrNull(
  ...args: Parameters<typeof verifyInSegments>
): VerifyReport | null {
  try {
    return verifyInSegments(...args);
  } catch {
    return null;
  }
}

/**
 * The reference verifier: every chain entry by entry on the calling
 * thread, stopping at the first fault.
 */
export function verifySequentially(
  db: Database,
  ownDevice: string,
  anchors: Anchor[] = [],
): VerifyReport {
  return withMemoryMap(db, () => verifyChains(db, ownDevice, anchors));
}

/**
 * Runs `fn` with a memory map: reading every page once through it skips
 * a copy per page. The connection gets its own setting back afterwards.
 */
function withMemoryMap<T>(db: Database, fn: () => T): T {
  const mmap = db.pragma('mmap_size', { simple: true }) as number;
  if (mmap < VERIFY_MMAP_BYTES) db.pragma(`mmap_size = ${VERIFY_MMAP_BYTES}`);
  try {
    return fn();
  } finally {
    if (mmap < VERIFY_MMAP_BYTES) db.pragma(`mmap_size = ${mmap}`);
  }
}

/** Memory-map size while verifying: 256 MiB (SQLite caps it by its own limit). */
const VERIFY_MMAP_BYTES = 256 * 1024 * 1024;

function verifyChains(
  db: Database,
  ownDevice: string,
  anchors: Anchor[],
): VerifyReport {
  const book = new ReferenceBook();
  const chains = [
    { device: ownDevice, replica: false },
    ...replicaDevices(db).map((device) => ({ device, replica: true })),
  ];
  const devices: VerifyReport['devices'] = [];
  let problem: ChainFault | null = null;

  for (const chain of chains) {
    const verifier = new ChainVerifier(chain.device, { book, anchors });
    const rows = chain.replica
      ? db
          .prepare(
            `SELECT ${ENTRY_COLUMNS} FROM replica_journal WHERE device = ? ORDER BY seq`,
          )
          .raw()
          .iterate(chain.device)
      : db
          .prepare(`SELECT ${ENTRY_COLUMNS} FROM journal ORDER BY seq`)
          .raw()
          .iterate();
    for (const row of rows as Iterable<EntryRow>) {
      const { entry, payloadText, textChecked } = rowToCheckedEntry(row);
      if (verifier.push(entry, payloadText, textChecked)) break;
    }
    problem = verifier.fault ?? verifier.finish();
    devices.push({ ...verifier.summary(), replica: chain.replica });
    if (problem) break;
  }

  const held = new Set(chains.map((c) => c.device));
  const references = problem
    ? { fault: null, unresolved: 0 }
    : book.finish(held);
  problem ??= references.fault ?? unknownAnchor(anchors, held);
  return {
    ok: problem === null,
    devices,
    fault: problem,
    unresolvedReferences: references.unresolved,
  };
}

function replicaDevices(db: Database): string[] {
  return db
    .prepare('SELECT DISTINCT device FROM replica_journal ORDER BY device')
    .pluck()
    .all() as string[];
}

/** An anchor for a device with no chain here: that chain is missing. */
function unknownAnchor(
  anchors: Anchor[],
  held: ReadonlySet<string>,
): ChainFault | null {
  const lost = anchors.find((a) => !held.has(a.device));
  if (!lost) return null;
  return {
    code: 'truncated',
    seq: lost.seq,
    device: lost.device,
    message: `no chain of ${lost.device} is held, but seq ${lost.seq} was acknowledged`,
  };
}
