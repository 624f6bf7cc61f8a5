/**
 * The settlement-claim ledger. A settlement is committed to the journal
 * first; its claim goes into the order's day document after commit. The
 * ledger remembers which claims were written, so start-up can hand the
 * rest to the till again.
 *
 * Finding the unclaimed entries joins every settlement entry with the
 * ledger, so start-up work grows with the journal (a lookup per sale).
 */
import type { Logger } from '@brigade/log';
import type { Database, Statement } from 'better-sqlite3';
import type { JournalEntry } from '../journal/entry.ts';
import type { Journal } from '../journal/journal.ts';

/**
 * Writes the settlement claim of a journalled sale into the CRDT. Must
 * be idempotent: after a crash it may be called again for a claim that
 * already landed.
 */
export type ClaimWriter = (entry: JournalEntry) => void;

/** Kinds that settle an order and so carry a claim. */
const SETTLING = "('sale', 'training-sale')";

export class Claims {
  #log: Logger;
  #clock: () => number;
  #mark: Statement;
  #unclaimed: Statement;

  constructor(db: Database, log: Logger, clock: () => number) {
    this.#log = log;
    this.#clock = clock;
    this.#mark = db.prepare(
      'INSERT OR IGNORE INTO settlement_claim (seq, written_at) VALUES (?, ?)',
    );
    this.#unclaimed = db
      .prepare(
        `SELECT j.seq FROM journal j
         LEFT JOIN settlement_claim c ON c.seq = j.seq
         WHERE j.kind IN ${SETTLING} AND c.seq IS NULL ORDER BY j.seq`,
      )
      .pluck();
  }

  /** Calls the writer and records success; a failure is logged and left for reconciliation. */
  write(entry: JournalEntry, writeClaim: ClaimWriter): boolean {
    try {
      writeClaim(entry);
    } catch (error) {
      this.#log.warn(
        { seq: entry.seq, docNo: entry.docNo, err: String(error) },
        'settlement claim not written; start-up will retry it',
      );
      return false;
    }
    this.#mark.run(entry.seq, new Date(this.#clock()).toISOString());
    return true;
  }

  unclaimed(journal: Journal): JournalEntry[] {
    const seqs = this.#unclaimed.all() as number[];
    return seqs.flatMap((seq) => journal.get(seq) ?? []);
  }

  reconcile(journal: Journal, writeClaim: ClaimWriter): number {
    let written = 0;
    for (const entry of this.unclaimed(journal)) {
      if (this.write(entry, writeClaim)) written++;
    }
    if (written > 0) {
      this.#log.info({ written }, 'missing settlement claims written');
    }
    return written;
  }
}
