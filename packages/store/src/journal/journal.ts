/**
 * The device's own fiscal journal: one append-only, hash-chained table.
 * Every append runs in one immediate transaction that reads the chain's
 * head, seals the entry, inserts it and calls the append hook (the
 * outbox record) before commit, so a crash leaves the entry whole or
 * absent and never skips or reuses a number.
 *
 * While the wall clock is behind the journal, entries keep the journal's
 * last timestamp, so several entries can share one time until it catches
 * up.
 */
import type { Logger } from '@brigade/log';
import type { Database, Statement } from 'better-sqlite3';
import { fromSqliteError, StoreError } from '../store/errors.ts';
import { CanonicalError } from './canonical.ts';
import { DOCUMENT_KINDS, formatDocNo, parseDocNo } from './doc-number.ts';
import type { CanonicalValue, EntryKind, JournalEntry } from './entry.ts';
import {
  ENTRY_COLUMNS,
  ENTRY_PLACEHOLDERS,
  type EntryRow,
  entryToRow,
  rowToEntry,
} from './rows.ts';
import { sealEntry } from './seal.ts';

/** What an append records; the chain adds seq, ts, docNo, links, totals. */
export interface Fact {
  kind: EntryKind;
  businessDate: string;
  user: string;
  payload: { [key: string]: CanonicalValue };
  total: number;
  tax: number;
}

export interface JournalOptions {
  device: string;
  branch: string;
  /** Wall clock, ms since the epoch. */
  clock: () => number;
  logger: Logger;
  /** Called inside the append transaction with each new entry. */
  onAppend?: (entry: JournalEntry) => void;
}

/** What sealing the next entry needs of the last one. */
type Head = Pick<JournalEntry, 'seq' | 'ts' | 'hash' | 'running'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The own chain of one device. */
export class Journal {
  readonly device: string;
  readonly branch: string;
  #db: Database;
  #options: JournalOptions;
  #clockBehind = false;
  #sql: {
    head: Statement;
    last: Statement;
    lastDoc: Statement;
    insert: Statement;
    bySeq: Statement;
    byDocNo: Statement;
    after: Statement;
    lastOfKind: Statement;
  };

  constructor(db: Database, options: JournalOptions) {
    this.#db = db;
    this.#options = options;
    this.device = options.device;
    this.branch = options.branch;
    this.#sql = {
      head: db
        .prepare(
          'SELECT seq, ts, hash, run_sales, run_credits, run_net FROM journal ORDER BY seq DESC LIMIT 1',
        )
        .raw(),
      last: db
        .prepare(
          `SELECT ${ENTRY_COLUMNS} FROM journal ORDER BY seq DESC LIMIT 1`,
        )
        .raw(),
      lastDoc: db
        .prepare(
          'SELECT doc_no FROM journal WHERE doc_no IS NOT NULL ORDER BY seq DESC LIMIT 1',
        )
        .pluck(),
      insert: db.prepare(
        `INSERT INTO journal (${ENTRY_COLUMNS}) VALUES (${ENTRY_PLACEHOLDERS})`,
      ),
      bySeq: db
        .prepare(`SELECT ${ENTRY_COLUMNS} FROM journal WHERE seq = ?`)
        .raw(),
      byDocNo: db
        .prepare(`SELECT ${ENTRY_COLUMNS} FROM journal WHERE doc_no = ?`)
        .raw(),
      after: db
        .prepare(
          `SELECT ${ENTRY_COLUMNS} FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`,
        )
        .raw(),
      lastOfKind: db
        .prepare(
          `SELECT ${ENTRY_COLUMNS} FROM journal WHERE kind = ? ORDER BY seq DESC LIMIT 1`,
        )
        .raw(),
    };
  }

  /** The last entry, or null for an empty journal. */
  last(): JournalEntry | null {
    const row = this.#sql.last.get() as EntryRow | undefined;
    return row ? rowToEntry(row).entry : null;
  }

  /**
   * The latest entry of any of `kinds`, or null; one look-up in the
   * `(kind, seq)` index per kind, whatever the journal's length.
   */
  lastOf(kinds: readonly EntryKind[]): JournalEntry | null {
    let latest: EntryRow | undefined;
    for (const kind of kinds) {
      const row = this.#sql.lastOfKind.get(kind) as EntryRow | undefined;
      if (row && (!latest || row[1] > latest[1])) latest = row;
    }
    return latest ? rowToEntry(latest).entry : null;
  }

  /** Entry `seq`, or null. */
  get(seq: number): JournalEntry | null {
    const row = this.#sql.bySeq.get(seq) as EntryRow | undefined;
    return row ? rowToEntry(row).entry : null;
  }

  /**
   * This device's document numbered `docNo` (a sale or credit note), or
   * null; one look-up in the document-number index, whatever the
   * journal's length.
   */
  byDocNo(docNo: string): JournalEntry | null {
    const row = this.#sql.byDocNo.get(docNo) as EntryRow | undefined;
    return row ? rowToEntry(row).entry : null;
  }

  /** Entries after `afterSeq`, in order, at most `limit`. */
  entriesAfter(afterSeq: number, limit: number): JournalEntry[] {
    const rows = this.#sql.after.all(afterSeq, limit) as EntryRow[];
    return rows.map((row) => rowToEntry(row).entry);
  }

  /** Sequence number of the last entry (0 when empty). */
  headSeq(): number {
    return this.#head()?.seq ?? 0;
  }

  #head(): Head | null {
    const row = this.#sql.head.get() as
      | [number, string, string, number, number, number]
      | undefined;
    if (!row) return null;
    const [seq, ts, hash, sales, credits, net] = row;
    return { seq, ts, hash, running: { sales, credits, net } };
  }

  /**
   * Appends one fact as the next entry and returns it. Runs in its own
   * immediate transaction, or inside the caller's if one is open. When
   * the wall clock is behind the journal, a `clock-change` entry comes
   * first and the fact keeps the journal's last timestamp.
   */
  append(fact: Fact): JournalEntry {
    return this.appendBuilt(fact, () => fact);
  }

  /**
   * Like {@link append} for a fact that depends on the chain (a closing):
   * `build` runs inside the transaction, after any clock-change entry.
   * `who` names the user and business date of that clock change.
   */
  appendBuilt(
    who: Pick<Fact, 'user' | 'businessDate'>,
    build: () => Fact,
  ): JournalEntry {
    if (!DATE.test(who.businessDate)) {
      throw new TypeError(`businessDate ${who.businessDate} is not YYYY-MM-DD`);
    }
    try {
      const run = this.#db.transaction(() =>
        this.#appendInTransaction(who, build),
      );
      return this.#db.inTransaction ? run() : run.immediate();
    } catch (error) {
      // A rolled-back clock change must be recorded again next time.
      this.#clockBehind = false;
      if (error instanceof CanonicalError) {
        throw new StoreError('invalid-settlement', error.message);
      }
      throw fromSqliteError(error, 'cannot append to the journal');
    }
  }

  #appendInTransaction(
    who: Pick<Fact, 'user' | 'businessDate'>,
    build: () => Fact,
  ): JournalEntry {
    const wall = new Date(this.#options.clock()).toISOString();
    let prev = this.#head();
    let ts = wall;
    if (prev && wall < prev.ts) {
      ts = prev.ts;
      if (!this.#clockBehind) prev = this.#recordClockChange(prev, wall, who);
      this.#clockBehind = true;
    } else {
      this.#clockBehind = false;
    }
    const fact = build();
    if (!DATE.test(fact.businessDate)) {
      throw new TypeError(
        `businessDate ${fact.businessDate} is not YYYY-MM-DD`,
      );
    }
    return this.#insert(prev, { ...fact, ts });
  }

  #recordClockChange(
    prev: Head,
    observed: string,
    who: Pick<Fact, 'user' | 'businessDate'>,
  ): Head {
    this.#options.logger.warn(
      { observed, journal: prev.ts },
      'wall clock is behind the journal; recording a clock change',
    );
    return this.#insert(prev, {
      kind: 'clock-change',
      businessDate: who.businessDate,
      user: who.user,
      payload: { observed, journal: prev.ts },
      total: 0,
      tax: 0,
      ts: prev.ts,
    });
  }

  #insert(prev: Head | null, fact: Fact & { ts: string }): JournalEntry {
    const docNo = DOCUMENT_KINDS.has(fact.kind) ? this.#nextDocNo() : null;
    const { entry, payloadText } = sealEntry(prev, {
      ...fact,
      device: this.device,
      docNo,
    });
    this.#sql.insert.run(...entryToRow(entry, payloadText));
    this.#options.onAppend?.(entry);
    return entry;
  }

  #nextDocNo(): string {
    const last = this.#sql.lastDoc.get() as string | undefined;
    if (last === undefined) return formatDocNo(this.branch, this.device, 1);
    const parsed = parseDocNo(last);
    if (!parsed) throw new Error(`last document number ${last} is malformed`);
    const counter = parsed.counter + 1;
    return formatDocNo(this.branch, this.device, counter);
  }
}
