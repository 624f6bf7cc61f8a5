/**
 * Verification in segments, on several threads: each chain is cut after
 * Z closings into segments that threads verify at once; the main thread
 * then checks what crosses segments and chains (the anchors past a
 * chain's end, the credit notes and reprints) and joins the summaries.
 *
 * It only ever proves a store clean. At the first sign of a fault it
 * gives up and returns null, and the caller runs the sequential verifier,
 * which then finds and names the first broken entry: the report of a
 * broken store is the sequential one by construction.
 */
import type { Database } from 'better-sqlite3';
import { type Anchor, anchorBeyond } from './chain-verifier.ts';
import { joinDocuments } from './reference-recorder.ts';
import { replayReferences, type VerifiedChain } from './reference-replay.ts';
import type { SegmentResult, SegmentTask } from './segment.ts';
import {
  type ChainToVerify,
  planSegments,
  type SegmentSize,
} from './segment-plan.ts';
import { runSegments } from './segment-pool.ts';
import type { VerifyReport } from './verify.ts';

/** How the work is shared out. */
export interface SegmentedOptions {
  /** Threads besides the main one. */
  workers: number;
  /** Entries per segment, about, or how to size each. */
  segmentEntries: SegmentSize;
  mmapBytes: number;
  stallMs: number;
}

/**
 * Verifies every chain in segments; the report when every check passes,
 * null when a fault was seen (the sequential verifier then names it).
 */
export function verifyInSegments(
  db: Database,
  chains: ChainToVerify[],
  anchors: Anchor[],
  options: SegmentedOptions,
): VerifyReport | null {
  if (unreachableRows(db)) return null;
  const tasks = planSegments(db, chains, options.segmentEntries, anchors);
  const { results, faulty } = runSegments(db, tasks, options);
  if (faulty) return null;

  const verified = joinSegments(chains, tasks, results);
  const held = new Set(chains.map((c) => c.device));
  const cutShort = verified.some((chain) => {
    const mine = anchors.filter((a) => a.device === chain.device);
    return anchorBeyond(
      mine.map((a) => a.seq),
      chain.summary,
    );
  });
  if (cutShort || anchors.some((a) => !held.has(a.device))) return null;

  const book = replayReferences(verified);
  if (book.fault) return null;
  return {
    ok: true,
    devices: verified.map((c) => ({ ...c.summary, replica: c.replica })),
    fault: null,
    unresolvedReferences: book.unresolved,
  };
}

/**
 * True when a replica row has no sequence number, which only an edited
 * schema allows (no STRICT, no NOT NULL): no range of sequence numbers
 * reads it, while the sequential verifier meets it and names it. The
 * own journal's `seq` is its rowid, never null. One look-up in the
 * primary-key index, through which both verifiers read replicas.
 */
function unreachableRows(db: Database): boolean {
  return (
    db
      .prepare(
        'SELECT EXISTS (SELECT 1 FROM replica_journal WHERE seq IS NULL)',
      )
      .pluck()
      .get() === 1
  );
}

type JoinedChain = VerifiedChain &
  ChainToVerify & { summary: SegmentResult['summary'] };

/** Each chain's segments as one: entries summed, the last state kept. */
function joinSegments(
  chains: ChainToVerify[],
  tasks: SegmentTask[],
  results: SegmentResult[],
): JoinedChain[] {
  return chains.map((chain) => {
    const mine = results.filter(
      (_, i) =>
        tasks[i]?.device === chain.device &&
        tasks[i]?.replica === chain.replica,
    );
    const last = mine.at(-1) as SegmentResult;
    return {
      ...chain,
      lastDocNo: last.summary.lastDocNo,
      references: mine.flatMap((r) => r.references),
      documents: joinDocuments(mine.map((r) => r.documents)),
      summary: {
        ...last.summary,
        entries: mine.reduce((n, r) => n + r.summary.entries, 0),
      },
    };
  });
}
