/**
 * The fiscal journal entry: the shape every package agrees on. The store
 * writes and verifies entries, the LAN provider replicates them between
 * devices, and the relay ingests them. See FISCAL.md for what each field
 * must guarantee.
 */

/** Every kind of event the journal records. */
export const ENTRY_KINDS = [
  'sale',
  'credit-note',
  'line-void',
  'order-void',
  'reprint',
  'drawer-open',
  'cash-in',
  'cash-out',
  'training-sale',
  'z-closing',
  'clock-change',
  'offline',
  'online',
  /** Loyalty points earned or redeemed; names the customer by id only. */
  'loyalty',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Never-reset totals carried by every entry, in minor units. */
export interface RunningTotals {
  /** Sum of every sale's total. */
  sales: number;
  /** Sum of every credit note's total (a positive number). */
  credits: number;
  /** sales - credits */
  net: number;
}

/** A JSON value with integers only: what the canonical form accepts. */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | CanonicalValue[]
  | { [key: string]: CanonicalValue };

export interface JournalEntry {
  /** The device whose chain this entry belongs to. */
  device: string;
  /** Gapless position in the device's chain, from 1. */
  seq: number;
  kind: EntryKind;
  /** UTC time, ISO 8601 with milliseconds and `Z`; never goes backwards. */
  ts: string;
  /** Business date, `YYYY-MM-DD`. */
  businessDate: string;
  /** Who did it (staff id). */
  user: string;
  /** `<branch>-<device>-<6+ digits>` for invoices and notes, else null. */
  docNo: string | null;
  /** Everything else the entry records (the full invoice snapshot, ...). */
  payload: { [key: string]: CanonicalValue };
  /** Amount this entry moves, minor units (0 for non-monetary kinds). */
  total: number;
  /** Tax within `total`, minor units. */
  tax: number;
  running: RunningTotals;
  /** `hash` of the previous entry, or the genesis seed for seq 1. */
  prevHash: string;
  /** SHA-256 over the canonical serialisation of every other field. */
  hash: string;
}

/**
 * How a device exchanges journals with its peers: what it holds of each
 * device's chain, the entries after a point, and accepting verified
 * entries of other devices. The store implements it; the LAN provider
 * drives it.
 */
export interface JournalReplication {
  /** The last sequence held for every device (own chain and replicas). */
  heads(): Record<string, number>;
  /** Entries of `device` after `afterSeq`, in order, at most `limit`. */
  entriesAfter(device: string, afterSeq: number, limit: number): JournalEntry[];
  /**
   * Verifies entries of other devices against what is held and stores
   * them, all or none. Throws an error with a stable `code` when any entry
   * fails verification; entries already held with the same hash count as
   * duplicates.
   */
  acceptReplicas(entries: JournalEntry[]): {
    stored: number;
    duplicates: number;
  };
}
