/**
 * One segment of a chain: a range of sequence numbers that starts right
 * after a Z closing, verified on its own. Everything an entry needs from
 * before the segment (the previous entry, the last document number, the
 * Z count) is read from the database, where the segments before it are
 * verified at the same time; the verification is sound only once they
 * all pass, which the caller checks. Credit notes and reprints are
 * recorded rather than checked, with the segment's documents: their
 * originals may lie in another segment, so the caller replays them in
 * order through one book.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  type Anchor,
  type ChainStart,
  type ChainSummary,
  ChainVerifier,
} from './chain-verifier.ts';
import { type ChainFault, fault } from './faults.ts';
import {
  type DocumentList,
  type RecordedReference,
  ReferenceRecorder,
} from './reference-recorder.ts';
import {
  ENTRY_COLUMNS,
  type EntryRow,
  rowToCheckedEntry,
  rowToEntry,
} from './rows.ts';

/** A range of one chain to verify: past `after`, up to `to` included. */
export interface SegmentTask {
  device: string;
  replica: boolean;
  /** The Z closing the segment starts after; -Infinity: the chain's start. */
  after: number;
  to: number;
  /** The anchors of this device. */
  anchors: Anchor[];
}

/** What a segment showed. */
export interface SegmentResult {
  /** The first fault inside the segment, or null. */
  fault: ChainFault | null;
  /** The chain's state after the segment's last entry. */
  summary: ChainSummary;
  references: RecordedReference[];
  /** The segment's documents, for references from later segments. */
  documents: DocumentList;
}

/**
 * Reads and verifies one segment.
 *
 * @example
 * const result = verifySegment(db, { device: 'till-1', replica: false,
 *   after: 1000, to: 2000, anchors: [] });
 */
export function verifySegment(db: Database, task: SegmentTask): SegmentResult {
  const sql = new SegmentQueries(db, task.replica);
  const start = sql.start(task.device, task.after);
  if (start === null) return misplaced(task);
  const recorder = new ReferenceRecorder();
  const verifier = new ChainVerifier(task.device, {
    book: recorder,
    anchors: task.anchors,
    start,
  });
  for (const row of sql.rows(task.device, task.after, task.to)) {
    const { entry, payloadText, textChecked } = rowToCheckedEntry(row);
    if (verifier.push(entry, payloadText, textChecked)) break;
  }
  return {
    fault: verifier.fault,
    summary: verifier.summary(),
    references: recorder.references,
    documents: recorder.documents(),
  };
}

/** A segment that does not start after a Z closing cannot be checked alone. */
function misplaced(task: SegmentTask): SegmentResult {
  return {
    fault: {
      ...fault(
        'z-closing',
        task.after,
        `entry ${task.after} is not the Z closing the segment starts after`,
      ),
      device: task.device,
    },
    summary: new ChainVerifier(task.device).summary(),
    references: [],
    documents: new ReferenceRecorder().documents(),
  };
}

/** Sequence numbers read per call while verifying a segment. */
const ROWS_PER_READ = 1024;

/** The statements of one table (own journal or replicas). */
class SegmentQueries {
  #replica: boolean;
  #prev: Statement;
  #lastDoc: Statement;
  #rows: Statement;

  constructor(db: Database, replica: boolean) {
    this.#replica = replica;
    // The own chain is read by its rowid only, as the sequential verifier
    // reads it: an index can be edited apart from the rows it points at.
    const table = replica ? 'replica_journal' : 'journal NOT INDEXED';
    const chain = replica ? 'device = ? AND' : '';
    this.#prev = db
      .prepare(
        `SELECT ${ENTRY_COLUMNS} FROM ${table} WHERE ${chain} seq <= ? ORDER BY seq DESC LIMIT 1`,
      )
      .raw();
    this.#lastDoc = db
      .prepare(
        `SELECT doc_no FROM ${table} WHERE ${chain} seq <= ? AND doc_no IS NOT NULL ORDER BY seq DESC LIMIT 1`,
      )
      .pluck();
    this.#rows = db
      .prepare(
        `SELECT ${ENTRY_COLUMNS} FROM ${table} WHERE ${chain} seq > ? AND seq <= ? ORDER BY seq`,
      )
      .raw();
  }

  /**
   * The state after `after`: undefined at the chain's start, null when
   * the entry at `after` is not a Z closing (the plan no longer fits
   * the chain).
   */
  start(device: string, after: number): ChainStart | null | undefined {
    const row = this.#prev.get(...this.#args(device, after)) as
      | EntryRow
      | undefined;
    if (!row) return undefined;
    const prev = rowToEntry(row).entry;
    if (prev.kind !== 'z-closing') return null;

    // A Z closing that passed carries the count of closings so far.
    const zClosings = prev.payload.zNo;
    if (typeof zClosings !== 'number') return null;
    const lastDocNo = this.#lastDoc.get(...this.#args(device, after));
    return { prev, lastDocNo: (lastDocNo as string) ?? null, zClosings };
  }

  /**
   * The rows past `after` up to `to`, read a range of sequence numbers
   * at a time: one call per range costs less than a step per row, and
   * consecutive ranges leave no gap between them whatever the numbers.
   */
  *rows(device: string, after: number, to: number): Iterable<EntryRow> {
    for (let from = after; from < to; ) {
      // A chain's first segment has no lower bound (-Infinity).
      const step = Number.isFinite(from) ? from + ROWS_PER_READ : ROWS_PER_READ;
      const until = Math.min(step, to);
      yield* this.#rows.all(...this.#args(device, from, until)) as EntryRow[];
      from = until;
    }
  }

  #args(device: string, ...seqs: number[]): unknown[] {
    return this.#replica ? [device, ...seqs] : seqs;
  }
}
