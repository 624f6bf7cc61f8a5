/**
 * Prepared statements over the journal tables that ingest uses, each
 * behind a typed method, prepared once per database.
 */
import type { JournalEntry } from '@brigade/store';
import type { Database, Statement } from 'better-sqlite3';

/** Where rows belong: one organisation's branch. */
export interface Scope {
  org: string;
  branch: string;
}

/** A device's row in `journal_devices`, as ingest reads and writes it. */
export interface DeviceRow {
  last_seq: number;
  last_hash: string | null;
  last_ts: string | null;
  pending_count: number | null;
  pending_oldest_sale_ts: string | null;
  unreported_sale_seq: number | null;
  unreported_sale_ts: string | null;
}

/** The row of a device the relay has never seen. */
export function emptyDeviceRow(): DeviceRow {
  return {
    last_seq: 0,
    last_hash: null,
    last_ts: null,
    pending_count: null,
    pending_oldest_sale_ts: null,
    unreported_sale_seq: null,
    unreported_sale_ts: null,
  };
}

export class JournalTables {
  readonly #insert: Statement;
  readonly #hashAt: Statement;
  readonly #device: Statement;
  readonly #body: Statement;
  readonly #saveDevice: Statement;

  constructor(db: Database) {
    this.#insert = db.prepare(`
      INSERT INTO journal_entries (org, branch, device, seq, kind, ts,
        business_date, hash, received_at, body)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#hashAt = db
      .prepare(`SELECT hash FROM journal_entries
        WHERE org = ? AND branch = ? AND device = ? AND seq = ?`)
      .pluck();
    this.#device = db.prepare(`
      SELECT last_seq, last_hash, last_ts, pending_count,
        pending_oldest_sale_ts, unreported_sale_seq, unreported_sale_ts
      FROM journal_devices WHERE org = ? AND branch = ? AND device = ?`);
    this.#body = db
      .prepare(`SELECT body FROM journal_entries
        WHERE org = ? AND branch = ? AND device = ? AND seq = ?`)
      .pluck();
    this.#saveDevice = db.prepare(`
      INSERT INTO journal_devices (org, branch, device, last_seq, last_hash,
        last_ts, last_seen_at, pending_count, pending_oldest_sale_ts,
        unreported_sale_seq, unreported_sale_ts)
      VALUES (@org, @branch, @device, @last_seq, @last_hash, @last_ts,
        @seenAt, @pending_count, @pending_oldest_sale_ts,
        @unreported_sale_seq, @unreported_sale_ts)
      ON CONFLICT (org, branch, device) DO UPDATE SET
        last_seq = excluded.last_seq, last_hash = excluded.last_hash,
        last_ts = excluded.last_ts, last_seen_at = excluded.last_seen_at,
        pending_count = excluded.pending_count,
        pending_oldest_sale_ts = excluded.pending_oldest_sale_ts,
        unreported_sale_seq = excluded.unreported_sale_seq,
        unreported_sale_ts = excluded.unreported_sale_ts`);
  }

  /** Stores an entry; `payloadText` is its payload's canonical text. */
  insert(
    scope: Scope,
    entry: JournalEntry,
    payloadText: string,
    receivedAt: number,
  ): void {
    this.#insert.run(
      scope.org,
      scope.branch,
      entry.device,
      entry.seq,
      entry.kind,
      entry.ts,
      entry.businessDate,
      entry.hash,
      receivedAt,
      storedBody(entry, payloadText),
    );
  }

  /** The stored hash of an entry, or undefined. */
  hashAt(scope: Scope, device: string, seq: number): string | undefined {
    return this.#hashAt.get(scope.org, scope.branch, device, seq) as
      | string
      | undefined;
  }

  /** A stored entry, parsed, or null. */
  entry(scope: Scope, device: string, seq: number): JournalEntry | null {
    const body = this.#body.get(scope.org, scope.branch, device, seq) as
      | string
      | undefined;
    return body === undefined ? null : (JSON.parse(body) as JournalEntry);
  }

  /** The device's row, or undefined for a device never seen. */
  device(scope: Scope, device: string): DeviceRow | undefined {
    return this.#device.get(scope.org, scope.branch, device) as
      | DeviceRow
      | undefined;
  }

  /** Inserts or replaces the device's row. */
  saveDevice(
    scope: Scope,
    device: string,
    row: DeviceRow,
    seenAt: number,
  ): void {
    this.#saveDevice.run({
      ...row,
      org: scope.org,
      branch: scope.branch,
      device,
      seenAt,
    });
  }
}

/**
 * The entry's JSON with the payload in its canonical text (sorted keys,
 * NFC strings: how the till's store holds it too), so the payload, the
 * bulk of an entry, is not serialised a second time.
 */
function storedBody(e: JournalEntry, payloadText: string): string {
  const s = JSON.stringify;
  const r = e.running;
  return (
    `{"device":${s(e.device)},"seq":${e.seq},"kind":${s(e.kind)}` +
    `,"ts":${s(e.ts)},"businessDate":${s(e.businessDate)}` +
    `,"user":${s(e.user)},"docNo":${s(e.docNo)},"payload":${payloadText}` +
    `,"total":${e.total},"tax":${e.tax},"running":{"sales":${r.sales}` +
    `,"credits":${r.credits},"net":${r.net}},"prevHash":${s(e.prevHash)}` +
    `,"hash":${s(e.hash)}}`
  );
}
