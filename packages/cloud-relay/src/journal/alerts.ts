/**
 * Journal alerts: what the relay found wrong with a device's chain or its
 * reporting. Recorded alerts (`fork`, `gap`, `verification-failed`,
 * `reported-late`) are rows that a repeat of the same event only counts
 * up; the reporting-limit alerts (`reporting-overdue`, `reporting-at-risk`)
 * are computed from the device table when they are read, so they clear by
 * themselves once the sales arrive.
 */
import type { Database, Statement } from 'better-sqlite3';

/** Alert kinds, most severe first. */
export const ALERT_KINDS = [
  'fork',
  'verification-failed',
  'gap',
  'reporting-overdue',
  'reported-late',
  'reporting-at-risk',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type RecordedAlertKind = Extract<
  AlertKind,
  'fork' | 'verification-failed' | 'gap' | 'reported-late'
>;

/** ZATCA: a simplified invoice must reach the authority within 24 hours. */
export const REPORTING_LIMIT_MS = 24 * 3_600_000;

/** When the relay starts warning that a device is nearing the limit. */
export const REPORTING_WARNING_MS = 18 * 3_600_000;

/** One event to record; `ref` tells repeats of it apart from new ones. */
export interface AlertEvent {
  org: string;
  branch: string;
  device: string;
  kind: RecordedAlertKind;
  ref: string;
  seq: number;
  expectedSeq?: number;
  code: string;
  message: string;
  entryKind?: string;
  entryTs?: string;
  hash?: string;
  /** How many events this records at once; default 1. */
  count?: number;
  at: number;
}

/** An alert as `GET /v1/alerts` returns it. */
export interface Alert {
  kind: AlertKind;
  severity: 'critical' | 'warning';
  device: string;
  /** The entry concerned (for a gap: the first entry refused beyond it). */
  seq: number | null;
  expectedSeq: number | null;
  code: string;
  message: string;
  /** The refused entry's hash (fork, verification failure), else null. */
  hash: string | null;
  /** How many times the same event was seen. */
  count: number;
  firstAt: string;
  lastAt: string;
  /** False once a gap is filled; recorded integrity alerts stay open. */
  open: boolean;
}

interface AlertRow {
  device: string;
  kind: RecordedAlertKind;
  seq: number;
  expected_seq: number | null;
  code: string;
  message: string;
  hash: string | null;
  count: number;
  first_at: number;
  last_at: number;
  last_seq: number | null;
}

interface DeviceClockRow {
  device: string;
  last_seq: number;
  pending_oldest_sale_ts: string | null;
  unreported_sale_ts: string | null;
}

/** Records and lists alerts; statements are prepared once. */
export class AlertStore {
  readonly #upsert: Statement;
  readonly #list: Statement;
  readonly #clocks: Statement;

  constructor(db: Database) {
    this.#upsert = db.prepare(`
      INSERT INTO journal_alerts (org, branch, device, kind, ref, seq,
        expected_seq, code, message, entry_kind, entry_ts, hash, count,
        first_at, last_at)
      VALUES (@org, @branch, @device, @kind, @ref, @seq, @expectedSeq,
        @code, @message, @entryKind, @entryTs, @hash, @count, @at, @at)
      ON CONFLICT (org, branch, device, kind, ref) DO UPDATE SET
        count = count + excluded.count, last_at = excluded.last_at`);
    this.#list = db.prepare(`
      SELECT a.device, a.kind, a.seq, a.expected_seq, a.code, a.message,
        a.hash, a.count, a.first_at, a.last_at, d.last_seq
      FROM journal_alerts a
      LEFT JOIN journal_devices d
        ON d.org = a.org AND d.branch = a.branch AND d.device = a.device
      WHERE a.org = ? AND a.branch = ?
      ORDER BY a.last_at DESC, a.id DESC
      LIMIT ?`);
    this.#clocks = db.prepare(`
      SELECT device, last_seq, pending_oldest_sale_ts, unreported_sale_ts
      FROM journal_devices WHERE org = ? AND branch = ?`);
  }

  /** Records an event, or counts a repeat of one already recorded. */
  record(event: AlertEvent): void {
    this.#upsert.run({
      expectedSeq: null,
      entryKind: null,
      entryTs: null,
      hash: null,
      count: 1,
      ...event,
    });
  }

  /**
   * The branch's alerts, reporting-limit ones first, then the recorded
   * ones newest first (at most `limit` of those).
   */
  list(org: string, branch: string, nowMs: number, limit: number): Alert[] {
    const computed = (this.#clocks.all(org, branch) as DeviceClockRow[])
      .map((row) => reportingAlert(row, nowMs))
      .filter((a): a is Alert => a !== null);
    const rows = this.#list.all(org, branch, limit) as AlertRow[];
    return [...computed, ...rows.map(toAlert)];
  }
}

/** The oldest sale the relay knows exists on the device but does not hold. */
export function oldestUnreportedSaleTs(row: {
  pending_oldest_sale_ts: string | null;
  unreported_sale_ts: string | null;
}): string | null {
  const times = [row.pending_oldest_sale_ts, row.unreported_sale_ts].filter(
    (t): t is string => t !== null,
  );
  if (times.length === 0) return null;
  return times.sort()[0] ?? null;
}

function reportingAlert(row: DeviceClockRow, nowMs: number): Alert | null {
  const oldest = oldestUnreportedSaleTs(row);
  if (oldest === null) return null;
  const age = nowMs - Date.parse(oldest);
  if (age < REPORTING_WARNING_MS) return null;
  const overdue = age >= REPORTING_LIMIT_MS;
  const hours = Math.floor(age / 3_600_000);
  return {
    kind: overdue ? 'reporting-overdue' : 'reporting-at-risk',
    severity: overdue ? 'critical' : 'warning',
    device: row.device,
    seq: null,
    expectedSeq: row.last_seq + 1,
    code: overdue ? 'reporting-overdue' : 'reporting-at-risk',
    message: `a sale from ${oldest} is still unreported after ${hours} h`,
    hash: null,
    count: 1,
    firstAt: oldest,
    lastAt: new Date(nowMs).toISOString(),
    open: true,
  };
}

function toAlert(row: AlertRow): Alert {
  // A gap closes once the entry refused beyond it has been stored.
  const open = row.kind !== 'gap' || (row.last_seq ?? 0) < row.seq;
  return {
    kind: row.kind,
    severity:
      row.kind === 'gap' || row.kind === 'reported-late'
        ? 'warning'
        : 'critical',
    device: row.device,
    seq: row.seq,
    expectedSeq: row.expected_seq,
    code: row.code,
    message: row.message,
    hash: row.hash,
    count: row.count,
    firstAt: new Date(row.first_at).toISOString(),
    lastAt: new Date(row.last_at).toISOString(),
    open: row.kind === 'reported-late' ? false : open,
  };
}
