/**
 * Lookups that corrections need: the original a credit note or reprint
 * points at (in the own journal or a replica), what was already credited
 * against it, and how often it was reprinted here.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { EntryRef } from './payloads.ts';

/** A fiscal document as a correction sees it. */
export interface DocumentInfo extends EntryRef {
  kind: string;
  total: number;
  tax: number;
  /** The original's payload (the invoice snapshot). */
  payload: Record<string, unknown>;
}

/** Reads documents across the own journal and the replicas. */
export class DocumentLookup {
  #find: Statement[];
  #credited: Statement;
  #reprints: Statement;

  constructor(db: Database) {
    const columns = 'device, seq, doc_no AS docNo, kind, total, tax, payload';
    this.#find = ['journal', 'replica_journal'].map((table) =>
      db.prepare(`SELECT ${columns} FROM ${table} WHERE doc_no = ? LIMIT 1`),
    );
    this.#credited = db
      .prepare(
        `SELECT coalesce(sum(total), 0) FROM (
           SELECT total FROM journal WHERE ref_doc = ? AND kind = 'credit-note'
           UNION ALL
           SELECT total FROM replica_journal
             WHERE ref_doc = ? AND kind = 'credit-note')`,
      )
      .pluck();
    this.#reprints = db
      .prepare(
        "SELECT count(*) FROM journal WHERE ref_doc = ? AND kind = 'reprint'",
      )
      .pluck();
  }

  /** The document numbered `docNo`, or null when none is held. */
  find(docNo: string): DocumentInfo | null {
    for (const statement of this.#find) {
      const row = statement.get(docNo) as
        | (Omit<DocumentInfo, 'payload'> & { payload: string })
        | undefined;
      if (row) return { ...row, payload: JSON.parse(row.payload) };
    }
    return null;
  }

  /** Sum of credit notes against `docNo`, across every held journal. */
  credited(docNo: string): number {
    return this.#credited.get(docNo, docNo) as number;
  }

  /** Reprints of `docNo` in the own journal. */
  reprints(docNo: string): number {
    return this.#reprints.get(docNo) as number;
  }
}
