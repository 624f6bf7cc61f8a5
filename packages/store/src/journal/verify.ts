/**
 * Verifying every chain a store holds: the own journal and each replica,
 * entry by entry, then the references between chains and the anchors
 * given from outside. Reads only.
 *
 * Verification runs on one thread and parses every sale's payload (the Z
 * closings' tax and payment sums need it), so its speed is bound by one
 * core: see `npm run bench -- store`.
 */
import type { Database } from 'better-sqlite3';
import {
  type Anchor,
  type ChainSummary,
  ChainVerifier,
} from './chain-verifier.ts';
import type { ChainFault } from './faults.ts';
import { ReferenceBook } from './reference-book.ts';
import { ENTRY_COLUMNS, type EntryRow, rowToEntry } from './rows.ts';

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
): VerifyReport {
  // Reading every page once through a memory map skips a copy per page;
  // the connection gets its own setting back afterwards.
  const mmap = db.pragma('mmap_size', { simple: true }) as number;
  if (mmap < VERIFY_MMAP_BYTES) db.pragma(`mmap_size = ${VERIFY_MMAP_BYTES}`);
  try {
    return verifyChains(db, ownDevice, anchors);
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
      const { entry, payloadText } = rowToEntry(row);
      if (verifier.push(entry, payloadText)) break;
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
