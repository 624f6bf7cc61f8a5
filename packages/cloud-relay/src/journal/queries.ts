/**
 * Reading the stored journal back: device status for `GET /v1/devices`
 * and pages of one device's chain for `GET /v1/journal`.
 */
import type { Database, Statement } from 'better-sqlite3';
import { oldestUnreportedSaleTs, REPORTING_LIMIT_MS } from './alerts.ts';

/** One device as `GET /v1/devices` lists it. */
export interface DeviceStatus {
  device: string;
  /** Last sequence acknowledged (stored gaplessly); 0 before the first. */
  lastSeq: number;
  /** Hash of that entry: the acknowledged tail of the chain. */
  lastHash: string | null;
  /** `ts` of that entry. */
  lastEntryTs: string | null;
  /** When the relay last received a batch naming this device. */
  lastSeenAt: string;
  /** Entries the device said it still holds unsent, if it said. */
  pendingCount: number | null;
  /** `ts` of the oldest sale the relay knows exists but does not hold. */
  oldestUnreportedSaleTs: string | null;
  /** Milliseconds since then, or null when no such sale is known. */
  oldestUnreportedSaleAgeMs: number | null;
  /** True once that age passes the 24-hour reporting limit. */
  reportingOverdue: boolean;
}

interface DeviceRow {
  device: string;
  last_seq: number;
  last_hash: string | null;
  last_ts: string | null;
  last_seen_at: number;
  pending_count: number | null;
  pending_oldest_sale_ts: string | null;
  unreported_sale_ts: string | null;
}

/** A page of one device's chain. */
export interface JournalPage {
  /** Each entry's JSON text exactly as stored. */
  bodies: string[];
  /** `after` for the next page, or null when this page reached the end. */
  nextAfter: number | null;
}

/** Prepared read queries over the journal tables. */
export class JournalQueries {
  readonly #devices: Statement;
  readonly #page: Statement;

  constructor(db: Database) {
    this.#devices = db.prepare(`
      SELECT device, last_seq, last_hash, last_ts, last_seen_at,
        pending_count, pending_oldest_sale_ts, unreported_sale_ts
      FROM journal_devices WHERE org = ? AND branch = ?
      ORDER BY device`);
    this.#page = db
      .prepare(`SELECT body FROM journal_entries
        WHERE org = ? AND branch = ? AND device = ? AND seq > ?
        ORDER BY seq LIMIT ?`)
      .pluck();
  }

  /** Every device of the branch with its chain tail and reporting age. */
  devices(org: string, branch: string, nowMs: number): DeviceStatus[] {
    const rows = this.#devices.all(org, branch) as DeviceRow[];
    return rows.map((row) => {
      const oldest = oldestUnreportedSaleTs(row);
      const age = oldest === null ? null : nowMs - Date.parse(oldest);
      return {
        device: row.device,
        lastSeq: row.last_seq,
        lastHash: row.last_hash,
        lastEntryTs: row.last_ts,
        lastSeenAt: new Date(row.last_seen_at).toISOString(),
        pendingCount: row.pending_count,
        oldestUnreportedSaleTs: oldest,
        oldestUnreportedSaleAgeMs: age,
        reportingOverdue: age !== null && age >= REPORTING_LIMIT_MS,
      };
    });
  }

  /** Up to `limit` entries of `device` after sequence `after`. */
  page(
    org: string,
    branch: string,
    device: string,
    after: number,
    limit: number,
  ): JournalPage {
    const bodies = this.#page.all(
      org,
      branch,
      device,
      after,
      limit + 1,
    ) as string[];
    if (bodies.length <= limit) return { bodies, nextAfter: null };
    bodies.length = limit;
    return { bodies, nextAfter: after + limit };
  }
}
