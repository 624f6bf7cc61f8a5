/**
 * The till's sync status: one of four states a cashier can read at a
 * glance, and the figures behind it. Pure functions of what the sync
 * engine reports, so the rules are tested without sockets.
 */

/**
 * `online`: the relay is connected and nothing is waiting.
 * `syncing`: the relay is connected and documents or journal entries are
 * still on their way. `lan-only`: no relay, but LAN peers. `offline`:
 * neither.
 */
export type SyncState = 'online' | 'syncing' | 'lan-only' | 'offline';

/**
 * `disabled`: no relay configured. `forbidden`: the relay refused this
 * till's token or branch for good; the till does not retry until it is
 * restarted with a new token.
 */
export type RelayState =
  | 'disabled'
  | 'connecting'
  | 'connected'
  | 'disconnected'
  | 'forbidden';

export interface PeerStatus {
  device: string;
  /** `till`, `kds`, `tablet`: what the peer said it is. */
  role: string;
  /** `host:port` of the peer's LAN listener. */
  address: string;
  /** `synced`, or `syncing` while an exchange with it is under way. */
  state: 'synced' | 'syncing';
}

export interface RelayStatus {
  state: RelayState;
  /** Documents connected to the relay and synced, of those open. */
  docsSynced: number;
  docs: number;
  /** Journal ingest of the relay answered the last attempt. */
  journalReachable: boolean;
  /** Close code or error of the last failure, for the operator. */
  lastError: string | null;
}

export interface OutboxStatus {
  /** Journal entries (own and replicated) not yet acknowledged. */
  pending: number;
  /** Age of the oldest of them, ms; null when none. */
  oldestPendingAgeMs: number | null;
  /** Entries the relay refused for good (kept, never dropped). */
  deadLetters: number;
}

/** ZATCA: simplified invoices must be reported within 24 hours. */
export interface ZatcaStatus {
  /** `warning` from {@link ZATCA_WARN_AFTER_MS}, `overdue` past the limit. */
  level: 'ok' | 'warning' | 'overdue';
  /** Age of the oldest unreported invoice of this till, ms. */
  oldestUnreportedAgeMs: number | null;
  /** When the oldest unreported invoice passes the limit (ISO 8601). */
  deadline: string | null;
  message: string | null;
}

export interface TillStatus {
  device: string;
  branch: string;
  businessDate: string;
  state: SyncState;
  peers: PeerStatus[];
  relay: RelayStatus;
  outbox: OutboxStatus;
  /** Orders of the day with a detected conflict (double settlement, ...). */
  conflicts: number;
  zatca: ZatcaStatus;
}

/** ZATCA's reporting limit for simplified invoices. */
export const ZATCA_LIMIT_MS = 24 * 3_600_000;

/** The status warns this long after the oldest unreported invoice: 12 h. */
export const ZATCA_WARN_AFTER_MS = 12 * 3_600_000;

/** Decides the one-word state from relay, outbox and peers. */
export function syncStateOf(
  relay: RelayStatus,
  outbox: OutboxStatus,
  peers: number,
): SyncState {
  if (relay.state === 'connected') {
    const docsDone = relay.docsSynced >= relay.docs;
    return docsDone && outbox.pending === 0 ? 'online' : 'syncing';
  }
  return peers > 0 ? 'lan-only' : 'offline';
}

/** The ZATCA warning for the oldest unreported invoice created at `oldestMs`. */
export function zatcaStatusOf(
  oldestMs: number | null,
  nowMs: number,
): ZatcaStatus {
  if (oldestMs === null) {
    return {
      level: 'ok',
      oldestUnreportedAgeMs: null,
      deadline: null,
      message: null,
    };
  }
  const age = Math.max(0, nowMs - oldestMs);
  const deadline = new Date(oldestMs + ZATCA_LIMIT_MS).toISOString();
  const hours = Math.floor(age / 3_600_000);
  if (age >= ZATCA_LIMIT_MS) {
    return {
      level: 'overdue',
      oldestUnreportedAgeMs: age,
      deadline,
      message: `invoices unreported for ${hours} h: past ZATCA's 24-hour limit, connect to the internet now`,
    };
  }
  if (age >= ZATCA_WARN_AFTER_MS) {
    return {
      level: 'warning',
      oldestUnreportedAgeMs: age,
      deadline,
      message: `invoices unreported for ${hours} h: ZATCA requires reporting by ${deadline}`,
    };
  }
  return { level: 'ok', oldestUnreportedAgeMs: age, deadline, message: null };
}
