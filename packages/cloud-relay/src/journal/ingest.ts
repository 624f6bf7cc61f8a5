/**
 * Journal ingest: verifies a batch of entries against the stored tail of
 * each device's chain and stores what fits, all in one transaction.
 *
 * For each device, entries are taken in sequence order:
 * - a stored sequence with the same hash is a `duplicate` (acknowledged
 *   again, nothing written);
 * - a stored sequence with another hash is a `fork`: refused and raised
 *   as an alert, the stored entry stays;
 * - a sequence beyond the next expected one is a `gap`: refused with
 *   `expectedSeq`, and every later entry of that device in the batch too;
 * - the next expected entry is checked with the store's `checkNext`
 *   (link, hash, clock, running totals, document numbers) and stored, or
 *   refused with the fault's code.
 */

import type { Logger } from '@brigade/log';
import {
  checkNext,
  computeHashWithPayloadText,
  type JournalEntry,
} from '@brigade/store';
import type { Database } from 'better-sqlite3';
import { type AlertEvent, AlertStore, REPORTING_LIMIT_MS } from './alerts.ts';
import { CreditCheck } from './credits.ts';
import { type DeviceRow, emptyDeviceRow, JournalTables } from './tables.ts';
import type { CheckedEntry, JournalBatch } from './validate.ts';

/** Names one entry of one device's chain. */
export interface EntryRef {
  device: string;
  seq: number;
}

/** An entry the relay did not store, and why. */
export interface Refusal extends EntryRef {
  /** `fork`, `gap`, or a chain fault code such as `hash-mismatch`. */
  code: string;
  reason: string;
  /** The sequence the relay expects next from this device (gaps). */
  expectedSeq?: number;
}

/** The `POST /v1/journal` response body. */
export interface IngestResult {
  stored: EntryRef[];
  duplicate: EntryRef[];
  refused: Refusal[];
}

/** Where a batch belongs and who sent it. */
export interface IngestScope {
  org: string;
  branch: string;
  /** The token's device: the one whose `pending` report the batch carries. */
  sender: string;
}

/** One device's chain while a batch is applied to it. */
interface Chain {
  device: string;
  row: DeviceRow;
  /** The device had a row before this batch. */
  known: boolean;
  /** An entry was refused beyond a gap: the device has more to send. */
  awaited: boolean;
  tail: JournalEntry | null;
  /** Set once an entry is refused: nothing after it can be stored. */
  blocked: boolean;
  /** Sales of this batch received more than 24 h after they were made. */
  late: JournalEntry[];
  /** A sale with a `ts` before this (ISO text) reached the relay late. */
  lateBefore: string;
}

/** Sales and credit notes: the documents a tax authority must receive. */
const REPORTABLE: ReadonlySet<string> = new Set(['sale', 'credit-note']);

/** Applies batches to the journal tables; statements are prepared once. */
export class JournalIngest {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #alerts: AlertStore;
  readonly #tables: JournalTables;
  readonly #credits: CreditCheck;
  readonly #onAlert: (kind: AlertEvent['kind']) => void;
  readonly #run: (
    scope: IngestScope,
    batch: JournalBatch,
    receivedAt: number,
  ) => IngestResult;
  /** The connection's own `synchronous` level, restored after a batch. */
  readonly #synchronous: number;

  /** `onAlert` hears of every alert recorded (for a metrics counter). */
  constructor(
    db: Database,
    logger: Logger,
    onAlert: (kind: AlertEvent['kind']) => void = () => {},
  ) {
    this.#db = db;
    this.#log = logger;
    this.#onAlert = onAlert;
    this.#alerts = new AlertStore(db);
    this.#tables = new JournalTables(db);
    this.#credits = new CreditCheck(db);
    this.#run = db.transaction(
      (scope: IngestScope, batch: JournalBatch, receivedAt: number) =>
        this.#apply(scope, batch, receivedAt),
    );
    this.#synchronous = db.pragma('synchronous', { simple: true }) as number;
  }

  /**
   * Verifies and stores a validated batch in one transaction, synced to
   * disk before it returns (`synchronous=FULL`: one fsync per batch). The
   * relay's other writes are synced only by the next checkpoint, so a
   * power cut may take their last quarter second; a stored entry must
   * not go that way, since the till stops sending what the relay
   * acknowledged and would be held at a gap it cannot fill by itself.
   * Inside a caller's transaction the caller's commit decides.
   */
  ingest(
    scope: IngestScope,
    batch: JournalBatch,
    receivedAt: number,
  ): IngestResult {
    if (this.#db.inTransaction) return this.#run(scope, batch, receivedAt);
    this.#db.pragma('synchronous = FULL');
    try {
      return this.#run(scope, batch, receivedAt);
    } finally {
      this.#db.pragma(`synchronous = ${this.#synchronous}`);
    }
  }

  #apply(
    scope: IngestScope,
    batch: JournalBatch,
    receivedAt: number,
  ): IngestResult {
    const result: IngestResult = { stored: [], duplicate: [], refused: [] };
    const chains = new Map<string, Chain>();

    // Sorting lets a batch that arrived out of order still link up.
    const checked = [...batch.entries].sort(
      (a, b) =>
        compare(a.entry.device, b.entry.device) || a.entry.seq - b.entry.seq,
    );
    for (const item of checked) {
      const { entry } = item;
      let chain = chains.get(entry.device);
      if (!chain) {
        chain = this.#openChain(scope, entry.device, receivedAt);
        chains.set(entry.device, chain);
      }
      this.#take(scope, chain, item, receivedAt, result);
    }

    if (!chains.has(scope.sender)) {
      chains.set(
        scope.sender,
        this.#openChain(scope, scope.sender, receivedAt),
      );
    }
    for (const chain of chains.values()) {
      const sender = chain.device === scope.sender;
      if (sender) applyPending(chain.row, batch);
      this.#recordLate(scope, chain, receivedAt);

      // A device named only by entries that failed verification is not
      // listed: bad input must not add rows (its alert is kept).
      const keep =
        sender || chain.known || chain.awaited || chain.row.last_seq > 0;
      if (keep) this.#saveChain(scope, chain, receivedAt);
    }
    return result;
  }

  #openChain(scope: IngestScope, device: string, receivedAt: number): Chain {
    const found = this.#tables.device(scope, device);
    const row = found ?? emptyDeviceRow();
    const tail =
      row.last_seq > 0 ? this.#tables.entry(scope, device, row.last_seq) : null;
    return {
      device,
      row,
      known: found !== undefined,
      awaited: false,
      tail,
      blocked: false,
      late: [],
      lateBefore: new Date(receivedAt - REPORTING_LIMIT_MS).toISOString(),
    };
  }

  #take(
    scope: IngestScope,
    chain: Chain,
    { entry, payloadText }: CheckedEntry,
    receivedAt: number,
    result: IngestResult,
  ): void {
    const ref = { device: entry.device, seq: entry.seq };
    const lastSeq = chain.row.last_seq;

    if (entry.seq <= lastSeq) {
      const stored = this.#tables.hashAt(scope, entry.device, entry.seq);
      if (stored === entry.hash) {
        result.duplicate.push(ref);
        return;
      }
      const reason = `seq ${entry.seq} is stored with another hash`;
      result.refused.push({ ...ref, code: 'fork', reason });
      this.#alert(scope, entry, 'fork', `${entry.seq}:${entry.hash}`, {
        code: 'fork',
        message: `${reason} (stored ${stored}, got ${entry.hash})`,
        at: receivedAt,
      });
      return;
    }

    const expectedSeq = lastSeq + 1;
    if (entry.seq > expectedSeq && !this.#selfConsistent(entry, payloadText)) {
      this.#refuseFault(scope, chain, entry, receivedAt, result, {
        code: 'hash-mismatch',
        message: 'the entry does not hash to its own hash',
      });
      return;
    }
    if (entry.seq > expectedSeq) {
      const reason = `expected seq ${expectedSeq} before seq ${entry.seq}`;
      result.refused.push({ ...ref, code: 'gap', reason, expectedSeq });
      noteUnreported(chain.row, entry);
      chain.awaited = true;

      // Only the first entry past a stored tail opens a gap; entries after
      // one refused in this batch are refused because of it.
      if (!chain.blocked) {
        this.#alert(scope, entry, 'gap', String(expectedSeq), {
          code: 'gap',
          message: reason,
          expectedSeq,
          at: receivedAt,
        });
      }
      chain.blocked = true;
      return;
    }

    const fault = checkNext(chain.tail, entry, { payloadText });
    if (fault) {
      this.#refuseFault(scope, chain, entry, receivedAt, result, fault);
      return;
    }

    this.#tables.insert(scope, entry, payloadText, receivedAt);
    if (entry.kind === 'credit-note')
      this.#checkCredit(scope, entry, receivedAt);
    chain.tail = entry;
    chain.row.last_seq = entry.seq;
    chain.row.last_hash = entry.hash;
    chain.row.last_ts = entry.ts;
    if (REPORTABLE.has(entry.kind) && entry.ts < chain.lateBefore) {
      chain.late.push(entry);
    }
    result.stored.push(ref);
  }

  /** A credit note is stored whatever its original; a bad one is raised. */
  #checkCredit(scope: IngestScope, note: JournalEntry, at: number): void {
    const problem = this.#credits.check(scope, note);
    if (!problem) return;
    this.#alert(
      scope,
      note,
      'verification-failed',
      `${note.seq}:${note.hash}`,
      {
        ...problem,
        at,
      },
    );
  }

  /** Refuses an entry that failed verification and raises its alert. */
  #refuseFault(
    scope: IngestScope,
    chain: Chain,
    entry: JournalEntry,
    receivedAt: number,
    result: IngestResult,
    fault: { code: string; message: string },
  ): void {
    result.refused.push({
      device: entry.device,
      seq: entry.seq,
      code: fault.code,
      reason: fault.message,
    });
    noteUnreported(chain.row, entry);
    this.#alert(
      scope,
      entry,
      'verification-failed',
      `${entry.seq}:${entry.hash}`,
      { code: fault.code, message: fault.message, at: receivedAt },
    );
    chain.blocked = true;
  }

  /**
   * An entry beyond a gap cannot be linked yet, but its own hash can be
   * checked, so that only genuine entries mark a device as awaited.
   */
  #selfConsistent(entry: JournalEntry, payloadText: string): boolean {
    const { hash, ...rest } = entry;
    return computeHashWithPayloadText(rest, payloadText) === hash;
  }

  #alert(
    scope: IngestScope,
    entry: JournalEntry,
    kind: AlertEvent['kind'],
    ref: string,
    detail: Pick<AlertEvent, 'code' | 'message' | 'at' | 'expectedSeq'>,
  ): void {
    this.#alerts.record({
      org: scope.org,
      branch: scope.branch,
      device: entry.device,
      kind,
      ref,
      seq: entry.seq,
      entryKind: entry.kind,
      entryTs: entry.ts,
      hash: entry.hash,
      ...detail,
    });
    this.#onAlert(kind);
    this.#log.warn(
      {
        branch: scope.branch,
        device: entry.device,
        seq: entry.seq,
        kind,
        code: detail.code,
      },
      'journal alert',
    );
  }

  /** One `reported-late` alert per device and business date. */
  #recordLate(scope: IngestScope, chain: Chain, receivedAt: number): void {
    const byDate = new Map<string, JournalEntry[]>();
    for (const entry of chain.late) {
      const list = byDate.get(entry.businessDate) ?? [];
      list.push(entry);
      byDate.set(entry.businessDate, list);
    }
    for (const [businessDate, entries] of byDate) {
      const first = entries[0]!;
      const hours = Math.floor((receivedAt - Date.parse(first.ts)) / 3_600_000);
      this.#alerts.record({
        org: scope.org,
        branch: scope.branch,
        device: first.device,
        kind: 'reported-late',
        ref: businessDate,
        seq: first.seq,
        code: 'reported-late',
        message: `${countOf(entries.length, 'sale or credit note', 'sales or credit notes')} of ${businessDate} from seq ${first.seq} reached the relay up to ${hours} h after they were made`,
        entryKind: first.kind,
        entryTs: first.ts,
        count: entries.length,
        at: receivedAt,
      });
      this.#onAlert('reported-late');
    }
  }

  #saveChain(scope: IngestScope, chain: Chain, seenAt: number): void {
    const row = chain.row;

    // A refused sale stays unreported only until the chain passes it.
    if (
      row.unreported_sale_seq !== null &&
      row.unreported_sale_seq <= row.last_seq
    ) {
      row.unreported_sale_seq = null;
      row.unreported_sale_ts = null;
    }
    this.#tables.saveDevice(scope, chain.device, row, seenAt);
  }
}

/** Remembers a refused sale as known to exist but not yet reported. */
function noteUnreported(row: DeviceRow, entry: JournalEntry): void {
  if (!REPORTABLE.has(entry.kind)) return;
  if (row.unreported_sale_seq !== null && row.unreported_sale_seq < entry.seq) {
    return;
  }
  row.unreported_sale_seq = entry.seq;
  row.unreported_sale_ts = entry.ts;
}

/** The sender's own report of what its outbox still holds. */
function applyPending(row: DeviceRow, batch: JournalBatch): void {
  row.pending_count = batch.pending?.count ?? null;
  row.pending_oldest_sale_ts = batch.pending?.oldestSaleTs ?? null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `1 sale`, `2 sales`: a count with the right form of its noun. */
function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
