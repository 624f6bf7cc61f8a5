/**
 * Journals of other devices received from peers, kept in their own table
 * apart from the device's journal. Entries are accepted only when they
 * extend the held chain of their device under the same checks as the
 * own chain, and a batch is stored all or none.
 *
 * On arrival an entry is checked against its neighbour and the device's
 * document series; Z closings and credit-note references of replicas are
 * checked only by a full `verify`.
 */
import type { Database, Statement } from 'better-sqlite3';
import { fromSqliteError, ReplicaError } from '../store/errors.ts';
import { canonicalize } from './canonical.ts';
import { checkNext, checkShape } from './check.ts';
import { parseDocNo } from './doc-number.ts';
import type { JournalEntry } from './entry.ts';
import { type ChainFault, fault } from './faults.ts';
import {
  ENTRY_COLUMNS,
  ENTRY_PLACEHOLDERS,
  type EntryRow,
  entryToRow,
  rowToEntry,
} from './rows.ts';

/** What a batch did. */
export interface AcceptResult {
  stored: number;
  duplicates: number;
}

export interface ReplicasOptions {
  /** This device: its own entries are never stored as replicas. */
  ownDevice: string;
  /** Called inside the accepting transaction with each stored entry. */
  onAppend?: (entry: JournalEntry) => void;
}

/** Held journals of other devices. */
export class Replicas {
  #db: Database;
  #options: ReplicasOptions;
  #sql: Record<
    'heads' | 'last' | 'hashAt' | 'lastDoc' | 'after' | 'insert' | 'ownHash',
    Statement
  >;

  constructor(db: Database, options: ReplicasOptions) {
    this.#db = db;
    this.#options = options;
    const select = `SELECT ${ENTRY_COLUMNS} FROM replica_journal`;
    this.#sql = {
      heads: db.prepare(
        'SELECT device, max(seq) AS seq FROM replica_journal GROUP BY device',
      ),
      last: db
        .prepare(`${select} WHERE device = ? ORDER BY seq DESC LIMIT 1`)
        .raw(),
      hashAt: db
        .prepare(
          'SELECT hash FROM replica_journal WHERE device = ? AND seq = ?',
        )
        .pluck(),
      lastDoc: db
        .prepare(
          'SELECT doc_no FROM replica_journal WHERE device = ? AND doc_no IS NOT NULL ORDER BY seq DESC LIMIT 1',
        )
        .pluck(),
      after: db
        .prepare(`${select} WHERE device = ? AND seq > ? ORDER BY seq LIMIT ?`)
        .raw(),
      insert: db.prepare(
        `INSERT INTO replica_journal (${ENTRY_COLUMNS}) VALUES (${ENTRY_PLACEHOLDERS})`,
      ),
      ownHash: db.prepare('SELECT hash FROM journal WHERE seq = ?').pluck(),
    };
  }

  /** The last sequence held for every replicated device. */
  heads(): Record<string, number> {
    const rows = this.#sql.heads.all() as { device: string; seq: number }[];
    return Object.fromEntries(rows.map((r) => [r.device, r.seq]));
  }

  /** Held entries of `device` after `afterSeq`, in order. */
  entriesAfter(device: string, afterSeq: number, limit: number) {
    const rows = this.#sql.after.all(device, afterSeq, limit) as EntryRow[];
    return rows.map((row) => rowToEntry(row).entry);
  }

  /**
   * Verifies and stores entries of other devices, all or none. Throws a
   * `ReplicaError` (code `fork` for a held seq with another hash, else
   * `replica-rejected`) naming the first bad entry.
   */
  accept(entries: JournalEntry[]): AcceptResult {
    const run = this.#db.transaction(() => this.#acceptAll(entries));
    try {
      return this.#db.inTransaction ? run() : run.immediate();
    } catch (error) {
      throw error instanceof ReplicaError
        ? error
        : fromSqliteError(error, 'cannot store replicas');
    }
  }

  #acceptAll(entries: JournalEntry[]): AcceptResult {
    const result = { stored: 0, duplicates: 0 };
    for (const group of groupByDevice(entries)) {
      const { stored, duplicates } = this.#acceptChain(group);
      result.stored += stored;
      result.duplicates += duplicates;
    }
    return result;
  }

  #acceptChain(entries: JournalEntry[]): AcceptResult {
    const result = { stored: 0, duplicates: 0 };
    const device = entries[0]?.device ?? '';
    const own = device === this.#options.ownDevice;
    const lastRow = own ? undefined : (this.#sql.last.get(device) as EntryRow);
    let prev = lastRow ? rowToEntry(lastRow).entry : null;
    let lastDoc = own ? undefined : (this.#sql.lastDoc.get(device) as string);

    for (const entry of entries) {
      const held = own
        ? this.#sql.ownHash.get(entry.seq)
        : this.#sql.hashAt.get(device, entry.seq);
      if (held !== undefined) {
        if (held !== entry.hash) reject('fork', forked(entry));
        result.duplicates++;
        continue;
      }
      if (own) {
        reject('replica-rejected', {
          ...fault(
            'device-mismatch',
            entry.seq,
            'own entries are not replicas',
          ),
          device,
        });
      }
      const problem =
        checkNext(prev, entry) ?? docContinuity(lastDoc ?? null, entry);
      if (problem) reject('replica-rejected', { ...problem, device });

      this.#sql.insert.run(...entryToRow(entry, canonicalize(entry.payload)));
      this.#options.onAppend?.(entry);
      if (entry.docNo !== null) lastDoc = entry.docNo;
      prev = entry;
      result.stored++;
    }
    return result;
  }
}

function reject(code: 'fork' | 'replica-rejected', problem: ChainFault): never {
  throw new ReplicaError(code, problem);
}

function forked(entry: JournalEntry): ChainFault {
  return {
    ...fault(
      'broken-link',
      entry.seq,
      'a different entry is held at this seq (fork)',
    ),
    device: entry.device,
  };
}

/** Entries grouped by device, each group in seq order; shapes checked. */
function groupByDevice(entries: JournalEntry[]): JournalEntry[][] {
  const groups = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    const problem = checkShape(entry);
    if (problem)
      reject('replica-rejected', { ...problem, device: String(entry?.device) });
    const group = groups.get(entry.device) ?? [];
    group.push(entry);
    groups.set(entry.device, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.seq - b.seq);
  return [...groups.values()];
}

/** The next document number must follow the device's last one. */
function docContinuity(
  lastDoc: string | null,
  entry: JournalEntry,
): ChainFault | null {
  if (entry.docNo === null) return null;
  const doc = parseDocNo(entry.docNo);
  const last = lastDoc ? parseDocNo(lastDoc) : null;
  const expected = last ? last.counter + 1 : 1;
  if (
    doc &&
    doc.counter === expected &&
    (!last || last.series === doc.series)
  ) {
    return null;
  }
  return fault(
    'doc-number',
    entry.seq,
    `${entry.docNo}: expected counter ${expected}`,
  );
}
