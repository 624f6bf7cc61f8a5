/**
 * The sync outbox: journal entries, the device's own and those replicated
 * from peers, queued in order for the relay under the idempotency key
 * `<device>:<seq>`. Entries the relay refuses for good move to a
 * dead-letter table with the reason, where they stay visible.
 *
 * @example
 * migrateOutbox(db);
 * const outbox = new Outbox(db);
 * db.transaction(() => {
 *   // ... append the journal entry, then in the same transaction:
 *   outbox.enqueue(entry, 'own');
 * })();
 * outbox.nextBatch(100); // [{ key: 'till-1:1', origin: 'own', entry, ... }]
 */
import { type Logger, silentLogger } from '@brigade/log';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { ENTRY_KINDS, type JournalEntry } from '../journal/entry.ts';

/** Whose entry it is: this device's own, or a peer's replicated to it. */
export type Origin = 'own' | 'replica';

/** One queued entry, as {@link Outbox.nextBatch} returns it. */
export interface OutboxRecord {
  /** `<device>:<seq>` */
  key: string;
  origin: Origin;
  entry: JournalEntry;
  /** When it was queued, ms since the epoch. */
  enqueuedAt: number;
}

/** An entry the relay refused for good, kept with the reason. */
export interface DeadLetter extends OutboxRecord {
  /** The relay's refusal code (`fork`, `hash-mismatch`, ...). */
  code: string;
  reason: string;
  /** When it was moved here, ms since the epoch. */
  deadAt: number;
}

/** What the outbox holds; what a till shows in its sync status. */
export interface OutboxStatus {
  /** Entries not yet acknowledged by the relay. */
  pending: number;
  /** Time since the first pending entry was queued, ms; null when none. */
  oldestPendingAgeMs: number | null;
  /**
   * `ts` of the oldest own sale or credit note not yet acknowledged, or
   * null: the clock of the 24-hour reporting limit (FISCAL.md, ZATCA).
   */
  oldestOwnSaleTs: string | null;
  /** Entries refused for good, kept in the dead-letter table. */
  deadLetters: number;
}

export interface OutboxOptions {
  /** Where to log; a child with `ns: 'outbox'` is made of it. */
  logger?: Logger;
  /** Milliseconds since the epoch; recorded as queue and sent times. */
  now?: () => number;
}

/** Options of {@link Outbox.nextBatch}. */
export interface NextBatchOptions {
  /** Leave out these devices' entries (the sender holds them back). */
  skipDevices?: Iterable<string>;
  /**
   * Stop before the entries' JSON passes this many bytes (UTF-16 code
   * units, near enough); the first entry is always included.
   */
  maxBytes?: number;
}

/** Stable codes of {@link OutboxError}. */
export type OutboxErrorCode =
  /** The entry or the origin given to `enqueue` is not acceptable. */
  | 'ERR_OUTBOX_ENTRY'
  /** The key is queued, sent or dead with another hash. */
  | 'ERR_OUTBOX_CONFLICT'
  /** The key given to `deadLetter` is not pending. */
  | 'ERR_OUTBOX_NOT_PENDING'
  /** Another argument has the wrong type or is empty. */
  | 'ERR_OUTBOX_ARGUMENT';

export class OutboxError extends Error {
  readonly code: OutboxErrorCode;

  constructor(code: OutboxErrorCode, message: string) {
    super(message);
    this.name = 'OutboxError';
    this.code = code;
  }
}

/** The idempotency key of an entry: `<device>:<seq>`. */
export function outboxKey(ref: { device: string; seq: number }): string {
  return `${ref.device}:${ref.seq}`;
}

interface RecordRow {
  id: number;
  key: string;
  origin: Origin;
  entry: string;
  enqueued_at: number;
}

interface DeadRow extends RecordRow {
  code: string;
  reason: string;
  dead_at: number;
}

interface StatusRow {
  pending: number;
  oldest: number | null;
  oldestOwnSaleTs: string | null;
  deadLetters: number;
}

const KINDS: ReadonlySet<string> = new Set(ENTRY_KINDS);

const INSERT_SQL = `
INSERT INTO outbox (key, device, seq, kind, ts, hash, origin, entry, enqueued_at)
SELECT @key, @device, @seq, @kind, @ts, @hash, @origin, @entry, @now
WHERE NOT EXISTS (SELECT 1 FROM outbox_dead WHERE key = @key)
ON CONFLICT (key) DO NOTHING`;

// Each part reads an index: the count, the first pending row, and the
// first pending own sale (own entries are queued in time order).
const STATUS_SQL = `
SELECT
  (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS pending,
  (SELECT enqueued_at FROM outbox WHERE sent_at IS NULL
    ORDER BY id LIMIT 1) AS oldest,
  (SELECT ts FROM outbox WHERE sent_at IS NULL AND origin = 'own'
    AND kind IN ('sale', 'credit-note') ORDER BY id LIMIT 1) AS oldestOwnSaleTs,
  (SELECT count(*) FROM outbox_dead) AS deadLetters`;

const MOVE_TO_DEAD_SQL = `
INSERT INTO outbox_dead (id, key, device, seq, kind, ts, hash, origin, entry,
  enqueued_at, code, reason, dead_at)
SELECT id, key, device, seq, kind, ts, hash, origin, entry, enqueued_at,
  @code, @reason, @now
FROM outbox WHERE key = @key AND sent_at IS NULL`;

const REVIVE_SQL = `
INSERT INTO outbox (id, key, device, seq, kind, ts, hash, origin, entry,
  enqueued_at)
SELECT id, key, device, seq, kind, ts, hash, origin, entry, enqueued_at
FROM outbox_dead WHERE key = ?`;

/**
 * The outbox on a better-sqlite3 handle whose tables {@link migrateOutbox}
 * created. Every statement is prepared once, in the constructor.
 */
export class Outbox {
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #insert: Statement;
  readonly #hashOf: Statement<[string, string], { hash: string }>;
  readonly #next: Statement<[string, number], RecordRow>;
  readonly #markSent: Statement<[number, string]>;
  readonly #status: Statement<[], StatusRow>;
  readonly #deadList: Statement<[number], DeadRow>;
  readonly #prune: Statement<[number]>;
  readonly #markSentAll: Transaction<(keys: string[]) => number>;
  readonly #moveToDead: Transaction<
    (key: string, code: string, reason: string) => boolean
  >;
  readonly #revive: Transaction<(key: string) => boolean>;

  constructor(db: Database, options: OutboxOptions = {}) {
    this.#log = (options.logger ?? silentLogger).child({ ns: 'outbox' });
    this.#now = options.now ?? Date.now;
    this.#insert = db.prepare(INSERT_SQL);
    this.#hashOf = db.prepare(
      `SELECT hash FROM outbox WHERE key = ?
       UNION ALL SELECT hash FROM outbox_dead WHERE key = ?`,
    );
    this.#next = db.prepare(
      `SELECT id, key, origin, entry, enqueued_at FROM outbox
       WHERE sent_at IS NULL
         AND device NOT IN (SELECT value FROM json_each(?))
       ORDER BY id LIMIT ?`,
    );
    this.#markSent = db.prepare(
      `UPDATE outbox SET sent_at = ?, entry = NULL
       WHERE key = ? AND sent_at IS NULL`,
    );
    this.#status = db.prepare(STATUS_SQL);
    this.#deadList = db.prepare(
      `SELECT id, key, origin, entry, enqueued_at, code, reason, dead_at
       FROM outbox_dead ORDER BY id LIMIT ?`,
    );
    this.#prune = db.prepare(
      'DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?',
    );
    this.#markSentAll = db.transaction((keys: string[]) => {
      const now = this.#now();
      let marked = 0;
      for (const key of keys) marked += this.#markSent.run(now, key).changes;
      return marked;
    });
    this.#moveToDead = prepareMoveToDead(db, this.#now);
    this.#revive = prepareRevive(db);
  }

  /**
   * Queues an entry behind every entry queued before it. Synchronous and a
   * single statement, so it joins the caller's open transaction (the
   * settlement) and is rolled back with it. Each device's entries must be
   * queued in sequence order: the outbox keeps queue order and does not
   * sort them, so one queued out of order waits as a `gap` at the relay.
   *
   * Returns false, and changes nothing, when the key is already queued,
   * sent or dead with the same hash. Throws an {@link OutboxError}
   * (`ERR_OUTBOX_ENTRY`, `ERR_OUTBOX_CONFLICT`) when the entry is not
   * acceptable or the key is known with another hash.
   */
  enqueue(entry: JournalEntry, origin: Origin): boolean {
    checkEntry(entry, origin);
    const key = outboxKey(entry);
    const { changes } = this.#insert.run({
      key,
      device: entry.device,
      seq: entry.seq,
      kind: entry.kind,
      ts: entry.ts,
      hash: entry.hash,
      origin,
      entry: JSON.stringify(entry),
      now: this.#now(),
    });
    if (changes === 1) return true;

    const known = this.#hashOf.get(key, key);
    if (known && known.hash !== entry.hash) {
      throw new OutboxError(
        'ERR_OUTBOX_CONFLICT',
        `${key} is already in the outbox with another hash`,
      );
    }
    return false;
  }

  /**
   * Up to `limit` pending entries in queue order, oldest first. Entries
   * stay pending until {@link Outbox.markSent} or {@link Outbox.deadLetter}.
   */
  nextBatch(limit: number, options: NextBatchOptions = {}): OutboxRecord[] {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw argument('limit must be a positive integer');
    }
    const skip = JSON.stringify([...(options.skipDevices ?? [])]);
    const rows = this.#next.all(skip, limit);
    let bytes = 0;
    const fits = rows.findIndex((row, i) => {
      bytes += row.entry.length;
      return i > 0 && bytes > (options.maxBytes ?? Number.POSITIVE_INFINITY);
    });
    return (fits === -1 ? rows : rows.slice(0, fits)).map(toRecord);
  }

  /** Marks entries acknowledged by the relay; returns how many were pending. */
  markSent(keys: Iterable<string>): number {
    const list = [...keys];
    if (!list.every((key) => typeof key === 'string')) {
      throw argument('keys must be strings');
    }
    return this.#markSentAll(list);
  }

  /**
   * Moves a pending entry the relay refused for good into the dead-letter
   * table with the refusal's code and reason. Returns false when it is
   * there already; throws `ERR_OUTBOX_NOT_PENDING` when the key is unknown
   * or already sent.
   */
  deadLetter(key: string, reason: string, code = 'refused'): boolean {
    if (typeof key !== 'string' || !nonEmpty(reason) || !nonEmpty(code)) {
      throw argument('key, reason and code must be non-empty strings');
    }
    const moved = this.#moveToDead(key, code, reason);
    if (moved) this.#log.warn({ key, code, reason }, 'dead letter');
    return moved;
  }

  /**
   * Puts a dead letter back in the queue at its old place, for when the
   * cause was fixed (a resolved fork, a relay upgrade). False if unknown.
   */
  revive(key: string): boolean {
    const revived = this.#revive(key);
    if (revived) this.#log.info({ key }, 'dead letter revived');
    return revived;
  }

  /** The dead letters, oldest first, at most `limit`. */
  deadLetters(limit = 1000): DeadLetter[] {
    return this.#deadList.all(limit).map((row) => ({
      ...toRecord(row),
      code: row.code,
      reason: row.reason,
      deadAt: row.dead_at,
    }));
  }

  /** Pending count, age of the oldest pending entry and dead letters. */
  status(): OutboxStatus {
    const row = this.#status.get()!;
    return {
      pending: row.pending,
      oldestPendingAgeMs:
        row.oldest === null ? null : Math.max(0, this.#now() - row.oldest),
      oldestOwnSaleTs: row.oldestOwnSaleTs,
      deadLetters: row.deadLetters,
    };
  }

  /**
   * Forgets sent entries acknowledged before `before` (ms since the
   * epoch) and returns how many. A forgotten key can be queued again, and
   * is then delivered again; the relay answers it as a duplicate.
   */
  pruneSent(before: number): number {
    return this.#prune.run(before).changes;
  }
}

function prepareMoveToDead(db: Database, now: () => number) {
  const move = db.prepare(MOVE_TO_DEAD_SQL);
  const remove = db.prepare<[string]>('DELETE FROM outbox WHERE key = ?');
  const isDead = db.prepare<[string]>(
    'SELECT 1 FROM outbox_dead WHERE key = ?',
  );
  return db.transaction((key: string, code: string, reason: string) => {
    if (move.run({ key, code, reason, now: now() }).changes === 1) {
      remove.run(key);
      return true;
    }
    if (isDead.get(key)) return false;
    throw new OutboxError('ERR_OUTBOX_NOT_PENDING', `${key} is not pending`);
  });
}

function prepareRevive(db: Database) {
  const revive = db.prepare<[string]>(REVIVE_SQL);
  const remove = db.prepare<[string]>('DELETE FROM outbox_dead WHERE key = ?');
  return db.transaction((key: string) => {
    if (revive.run(key).changes === 0) return false;
    remove.run(key);
    return true;
  });
}

function toRecord(row: RecordRow): OutboxRecord {
  return {
    key: row.key,
    origin: row.origin,
    entry: JSON.parse(row.entry) as JournalEntry,
    enqueuedAt: row.enqueued_at,
  };
}

function checkEntry(entry: JournalEntry, origin: Origin): void {
  const problem =
    origin !== 'own' && origin !== 'replica'
      ? `origin must be 'own' or 'replica', got ${String(origin)}`
      : entryProblem(entry);
  if (problem) throw new OutboxError('ERR_OUTBOX_ENTRY', problem);
}

function entryProblem(entry: JournalEntry): string | null {
  if (typeof entry !== 'object' || entry === null) return 'entry is missing';
  if (!nonEmpty(entry.device)) return 'entry.device must be a string';
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) {
    return 'entry.seq must be a positive integer';
  }
  if (!KINDS.has(entry.kind)) return `entry.kind ${String(entry.kind)} unknown`;
  if (!nonEmpty(entry.ts)) return 'entry.ts must be a string';
  if (!nonEmpty(entry.hash)) return 'entry.hash must be a string';
  return null;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function argument(message: string): OutboxError {
  return new OutboxError('ERR_OUTBOX_ARGUMENT', message);
}
