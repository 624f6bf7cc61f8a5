/**
 * Credit notes checked against their originals across the branch: the
 * original must be a stored sale with the document number the note names,
 * and the notes against it must never add up to more than it. The chain
 * check cannot see this (the original may be on another device), so a
 * note that breaks it is still stored, as its chain demands, and raised
 * as an alert.
 */
import type { EntryRef, JournalEntry } from '@brigade/store';
import type { Database, Statement } from 'better-sqlite3';
import type { Scope } from './tables.ts';

/** What is wrong with a credit note's reference, if anything. */
export interface CreditProblem {
  code: 'missing-original' | 'credit-exceeds-original';
  message: string;
}

interface OriginalRow {
  kind: string;
  docNo: string | null;
  total: number;
}

export class CreditCheck {
  readonly #add: Statement;
  readonly #original: Statement;

  constructor(db: Database) {
    this.#add = db
      .prepare(`
        INSERT INTO journal_credits (org, branch, device, seq, credited)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (org, branch, device, seq) DO UPDATE SET
          credited = credited + excluded.credited
        RETURNING credited`)
      .pluck();
    this.#original = db.prepare(`
      SELECT kind, json_extract(body, '$.docNo') AS docNo,
        json_extract(body, '$.total') AS total
      FROM journal_entries
      WHERE org = ? AND branch = ? AND device = ? AND seq = ?`);
  }

  /**
   * Counts a stored credit note against its original and says what is
   * wrong. An original not stored yet (another device's chain still on its
   * way) counts as missing: the relay does not check again when it comes.
   */
  check(scope: Scope, note: JournalEntry): CreditProblem | null {
    const ref = note.payload.original as unknown as EntryRef;
    const credited = this.#add.get(
      scope.org,
      scope.branch,
      ref.device,
      ref.seq,
      note.total,
    ) as number;
    const original = this.#original.get(
      scope.org,
      scope.branch,
      ref.device,
      ref.seq,
    ) as OriginalRow | undefined;
    const what = `${ref.device} seq ${ref.seq} (${ref.docNo})`;
    if (original?.kind !== 'sale' || original.docNo !== ref.docNo) {
      return {
        code: 'missing-original',
        message: `credit note ${note.docNo} refers to ${what}, which is not a stored sale with that number`,
      };
    }
    if (credited > original.total) {
      return {
        code: 'credit-exceeds-original',
        message: `credit notes against ${what} add up to ${credited}, more than its ${original.total}`,
      };
    }
    return null;
  }
}
