/** Journal rows in SQLite and the entries they hold. */
import { canonicalMembers } from './canonical-text.ts';
import type { EntryKind, JournalEntry } from './entry.ts';

/** Columns of an entry row, in the order of {@link EntryRow}. */
export const ENTRY_COLUMNS =
  'device, seq, kind, ts, business_date, user, doc_no, payload, total, tax, run_sales, run_credits, run_net, prev_hash, hash';

/** A row read with `.raw()`: the columns of {@link ENTRY_COLUMNS}. */
export type EntryRow = [
  device: string,
  seq: number,
  kind: string,
  ts: string,
  businessDate: string,
  user: string,
  docNo: string | null,
  payload: string,
  total: number,
  tax: number,
  runSales: number,
  runCredits: number,
  runNet: number,
  prevHash: string,
  hash: string,
];

/** `INSERT` parameters placeholders for one row. */
export const ENTRY_PLACEHOLDERS = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?';

/** The entry of a row, with the payload's canonical text as stored. */
export function rowToEntry(row: EntryRow): {
  entry: JournalEntry;
  payloadText: string;
} {
  return { entry: entryOf(row, JSON.parse(row[7])), payloadText: row[7] };
}

/** The entry of a row holding `payload` (all of the stored one, or part). */
function entryOf(
  row: EntryRow,
  payload: JournalEntry['payload'],
): JournalEntry {
  return {
    device: row[0],
    seq: row[1],
    kind: row[2] as EntryKind,
    ts: row[3],
    businessDate: row[4],
    user: row[5],
    docNo: row[6],
    payload,
    total: row[8],
    tax: row[9],
    running: { sales: row[10], credits: row[11], net: row[12] },
    prevHash: row[13],
    hash: row[14],
  };
}

/**
 * What the verifier's checks read of a sale's payload: its own `total`
 * and `tax` (checkNext's payload-mismatch) and its `taxes` and
 * `payments` (the Z closing tally). A check that reads more of a sale
 * must add it here, or it finds the member missing.
 */
export const SALE_MEMBERS_CHECKED: readonly string[] = [
  'payments',
  'tax',
  'taxes',
  'total',
];

/** An entry read for verification; see {@link rowToCheckedEntry}. */
export interface CheckedRow {
  entry: JournalEntry;
  payloadText: string;
  /** The stored payload text was already found canonical. */
  textChecked: boolean;
}

/**
 * The entry of a row as the verifier reads it. A sale (almost every
 * entry) gets only {@link SALE_MEMBERS_CHECKED} of its payload, picked
 * out by the walk that proves the stored text canonical, so its lines
 * are read once instead of twice; the hash, computed over the whole
 * text, still covers them. Any other entry, and a sale whose text is
 * not canonical, is parsed whole and its text left for `checkNext`,
 * which refuses it in the usual order of checks.
 */
export function rowToCheckedEntry(row: EntryRow): CheckedRow {
  const text = row[7];
  const picked =
    row[2] === 'sale' ? canonicalMembers(text, SALE_MEMBERS_CHECKED) : null;
  if (picked === null) {
    return {
      entry: entryOf(row, JSON.parse(text)),
      payloadText: text,
      textChecked: false,
    };
  }
  const entry = entryOf(row, picked as JournalEntry['payload']);
  return { entry, payloadText: text, textChecked: true };
}

/** The row of an entry whose payload is in canonical text. */
export function entryToRow(entry: JournalEntry, payloadText: string): EntryRow {
  return [
    entry.device,
    entry.seq,
    entry.kind,
    entry.ts,
    entry.businessDate,
    entry.user,
    entry.docNo,
    payloadText,
    entry.total,
    entry.tax,
    entry.running.sales,
    entry.running.credits,
    entry.running.net,
    entry.prevHash,
    entry.hash,
  ];
}
