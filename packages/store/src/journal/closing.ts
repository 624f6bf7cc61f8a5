/**
 * The daily Z closing: sums every own entry since the previous closing
 * and records them with the closing's own gapless number.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ClosingTallyBuilder } from './closing-tally.ts';
import { GENESIS_HASH } from './hash.ts';
import type { Fact } from './journal.ts';
import type { ZClosingPayload } from './payloads.ts';
import { ENTRY_COLUMNS, type EntryRow, rowToEntry } from './rows.ts';

/** Builds the next closing from the journal, inside the append transaction. */
export class ClosingBuilder {
  #lastClosing: Statement;
  #range: Statement;
  #tail: Statement;

  constructor(db: Database) {
    this.#lastClosing = db
      .prepare(
        "SELECT payload FROM journal WHERE kind = 'z-closing' ORDER BY seq DESC LIMIT 1",
      )
      .pluck();
    this.#range = db
      .prepare(
        `SELECT ${ENTRY_COLUMNS} FROM journal WHERE seq >= ? ORDER BY seq`,
      )
      .raw();
    this.#tail = db.prepare(
      'SELECT seq, hash, run_sales AS sales, run_credits AS credits, run_net AS net FROM journal ORDER BY seq DESC LIMIT 1',
    );
  }

  /** The closing fact covering every entry since the last closing. */
  next(
    user: string,
    businessDate: string,
  ): Fact & { payload: ZClosingPayload } {
    return {
      kind: 'z-closing',
      user,
      businessDate,
      payload: this.period(),
      total: 0,
      tax: 0,
    };
  }

  /**
   * What the next closing would hold if it were written now: every
   * entry since the last closing, tallied (an X report).
   */
  period(): ZClosingPayload {
    const last = this.#lastClosing.get() as string | undefined;
    const previous = last ? (JSON.parse(last) as ZClosingPayload) : null;
    const fromSeq = previous ? previous.toSeq + 2 : 1;

    const tally = new ClosingTallyBuilder();
    for (const row of this.#range.iterate(fromSeq) as Iterable<EntryRow>) {
      tally.add(rowToEntry(row).entry);
    }
    const tail = this.#tail.get() as
      | {
          seq: number;
          hash: string;
          sales: number;
          credits: number;
          net: number;
        }
      | undefined;
    return {
      zNo: (previous?.zNo ?? 0) + 1,
      fromSeq,
      toSeq: tail?.seq ?? 0,
      lastHash: tail?.hash ?? GENESIS_HASH,
      perpetual: {
        sales: tail?.sales ?? 0,
        credits: tail?.credits ?? 0,
        net: tail?.net ?? 0,
      },
      ...tally.result(),
    };
  }
}
