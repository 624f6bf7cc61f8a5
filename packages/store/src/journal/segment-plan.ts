/**
 * Cutting chains into segments that can be verified apart. A segment
 * always starts right after a Z closing, where the closing's running
 * tally starts again from nothing, so no sum has to cross a seam; a
 * chain with no closing to cut at stays one segment.
 */
import type { Database } from 'better-sqlite3';
import type { Anchor } from './chain-verifier.ts';
import type { SegmentTask } from './segment.ts';

/** One chain to verify, as the main thread sees it before reading it. */
export interface ChainToVerify {
  device: string;
  replica: boolean;
  /** The highest sequence number held. */
  lastSeq: number;
}

/** Every chain of the database: the own journal first, then replicas by device. */
export function chainsOf(db: Database, ownDevice: string): ChainToVerify[] {
  const own = db.prepare('SELECT max(seq) FROM journal').pluck().get();
  const replicas = db
    .prepare(
      'SELECT device, max(seq) AS lastSeq FROM replica_journal GROUP BY device ORDER BY device',
    )
    .all() as { device: string; lastSeq: number }[];
  return [
    { device: ownDevice, replica: false, lastSeq: (own as number) ?? 0 },
    ...replicas.map((r) => ({ ...r, replica: true })),
  ];
}

/**
 * Entries in the next segment, given how many of the chain are left: a
 * number, or a function of what is left.
 */
export type SegmentSize = number | ((remaining: number) => number);

/**
 * Shrinking segments for `threads` threads (guided scheduling): each
 * takes a share of what is left, so the first are long and the last
 * short, and no thread waits long for another's last segment.
 */
export function guidedSize(
  threads: number,
  least = 2_000,
): (remaining: number) => number {
  return (remaining) => Math.max(least, Math.ceil(remaining / (2 * threads)));
}

/**
 * Segments of every chain, in order, each about `size` entries: a cut
 * goes after the first Z closing at or past the point `size` entries on.
 */
export function planSegments(
  db: Database,
  chains: ChainToVerify[],
  size: SegmentSize,
  anchors: Anchor[],
): SegmentTask[] {
  const own = db
    .prepare(
      "SELECT seq FROM journal WHERE kind = 'z-closing' AND seq >= ? AND seq < ? ORDER BY seq LIMIT 1",
    )
    .pluck();
  const replica = db
    .prepare(
      "SELECT seq FROM replica_journal WHERE device = ? AND kind = 'z-closing' AND seq >= ? AND seq < ? ORDER BY seq LIMIT 1",
    )
    .pluck();
  const tasks: SegmentTask[] = [];
  for (const chain of chains) {
    const mine = anchors.filter((a) => a.device === chain.device);
    const nextClosing = chain.replica
      ? (from: number) => replica.get(chain.device, from, chain.lastSeq)
      : (from: number) => own.get(from, chain.lastSeq);
    for (const [after, to] of cuts(chain.lastSeq, size, nextClosing)) {
      tasks.push({ ...chain, after, to, anchors: mine });
    }
  }
  return tasks;
}

/**
 * The ranges of one chain, each past the one before: the first has no
 * lower bound, so a row below seq 1 (possible only in an edited schema)
 * is read, and refused, as the sequential verifier refuses it; and a
 * range ends where the next begins, so no row falls between two.
 */
function* cuts(
  lastSeq: number,
  size: SegmentSize,
  nextClosing: (from: number) => unknown,
): Generator<[after: number, to: number]> {
  let after = Number.NEGATIVE_INFINITY;
  let from = 1;
  for (;;) {
    const remaining = lastSeq - from + 1;
    const next = typeof size === 'number' ? size : size(remaining);
    if (remaining < 2 * next) break;
    const z = nextClosing(from + next - 1) as number | undefined;
    if (z === undefined) break;
    yield [after, z];
    after = z;
    from = z + 1;
  }
  yield [after, lastSeq];
}
