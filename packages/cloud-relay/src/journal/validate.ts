/**
 * Checks a `POST /v1/journal` body field by field. Every failure throws a
 * 400 naming the field by its path (`entries[3].running.net`), so a till
 * can tell exactly which entry its outbox must hold back. Checks here are
 * about shape; whether an entry belongs in its chain is the chain check's
 * job (`checkNext`).
 */
import {
  CanonicalError,
  canonicalize,
  DOCUMENT_KINDS,
  ENTRY_KINDS,
  type EntryKind,
  type JournalEntry,
  parseDocNo,
} from '@brigade/store';
import { invalidField } from '../http/errors.ts';
import { isCanonicalShaped } from './payload-text.ts';
import { checkInvoicePayload, INVOICE_KINDS } from './sale-payload.ts';

/** Limits on what one batch may hold; the defaults are exported. */
export interface BatchLimits {
  /** Most entries in one batch; default 5,000. */
  maxEntries: number;
  /** Deepest nesting inside a payload; default 16. */
  maxPayloadDepth: number;
  /** Longest id string (device, user, docNo, branch); default 128. */
  maxIdLength: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxEntries: 5_000,
  maxPayloadDepth: 16,
  maxIdLength: 128,
};

/** What the till's outbox still holds besides this batch. */
export interface PendingReport {
  /** Entries not yet acknowledged, not counting this batch. */
  count: number;
  /** `ts` of the oldest sale or credit note among them, or null. */
  oldestSaleTs: string | null;
}

/** An entry that passed validation, with its payload's canonical text. */
export interface CheckedEntry {
  entry: JournalEntry;
  /** `canonicalize(entry.payload)`: hashed and stored, computed once. */
  payloadText: string;
}

/** A validated `POST /v1/journal` body. */
export interface JournalBatch {
  /** Branch named in the body, if any (else the token's only branch). */
  branch?: string;
  entries: CheckedEntry[];
  pending?: PendingReport;
}

const ENTRY_FIELDS = [
  'device',
  'seq',
  'kind',
  'ts',
  'businessDate',
  'user',
  'docNo',
  'payload',
  'total',
  'tax',
  'running',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof JournalEntry)[];

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const KINDS: ReadonlySet<string> = new Set(ENTRY_KINDS);

/**
 * Validates a batch body: `{entries: [...], branch?, pending?}`, or a
 * bare array of entries.
 */
export function parseBatch(
  body: unknown,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): JournalBatch {
  if (Array.isArray(body)) return { entries: parseEntries(body, limits) };
  const obj = record(body, 'body');
  onlyKeys(obj, ['entries', 'branch', 'pending'], '');
  if (!Array.isArray(obj.entries)) {
    throw invalidField('entries', 'must be an array of journal entries');
  }
  const batch: JournalBatch = { entries: parseEntries(obj.entries, limits) };
  if (obj.branch !== undefined) {
    batch.branch = id(obj.branch, 'branch', limits);
    if (batch.branch === '*')
      throw invalidField('branch', 'must name one branch');
  }
  if (obj.pending !== undefined) batch.pending = parsePending(obj.pending);
  return batch;
}

/** Validates one entry; `at` is its path for error messages. */
export function parseEntry(
  value: unknown,
  at: string,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): CheckedEntry {
  const e = record(value, at);
  onlyKeys(e, ENTRY_FIELDS, at);
  const entryKind = kind(e.kind, `${at}.kind`);
  const total = amount(e.total, `${at}.total`);
  const tax = amount(e.tax, `${at}.tax`);
  if (tax > total) throw invalidField(`${at}.tax`, 'must not exceed total');
  const [body, payloadText] = payload(
    e.payload,
    entryKind,
    `${at}.payload`,
    limits,
  );
  const entry: JournalEntry = {
    device: id(e.device, `${at}.device`, limits),
    seq: positiveInt(e.seq, `${at}.seq`),
    kind: entryKind,
    ts: timestamp(e.ts, `${at}.ts`),
    businessDate: date(e.businessDate, `${at}.businessDate`),
    user: text(e.user, `${at}.user`, limits),
    docNo: docNo(e.docNo, entryKind, `${at}.docNo`, limits),
    payload: body,
    total,
    tax,
    running: running(e.running, `${at}.running`),
    prevHash: hex64(e.prevHash, `${at}.prevHash`),
    hash: hex64(e.hash, `${at}.hash`),
  };
  return { entry, payloadText };
}

function parseEntries(list: unknown[], limits: BatchLimits): CheckedEntry[] {
  if (list.length === 0) throw invalidField('entries', 'must not be empty');
  if (list.length > limits.maxEntries) {
    throw invalidField(
      'entries',
      `holds ${list.length} entries; send at most ${limits.maxEntries}`,
    );
  }
  return list.map((e, i) => parseEntry(e, `entries[${i}]`, limits));
}

function parsePending(value: unknown): PendingReport {
  const p = record(value, 'pending');
  onlyKeys(p, ['count', 'oldestSaleTs'], 'pending');
  const count = int(p.count, 'pending.count');
  if (count < 0) throw invalidField('pending.count', 'must not be negative');
  const oldest =
    p.oldestSaleTs === null
      ? null
      : timestamp(p.oldestSaleTs, 'pending.oldestSaleTs');
  return { count, oldestSaleTs: oldest };
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField(at, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function onlyKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw invalidField(at ? `${at}.${key}` : key, 'is not a known field');
    }
  }
}

function id(
  value: unknown,
  at: string,
  limits: BatchLimits,
  alternative = '',
): string {
  const ok =
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= limits.maxIdLength &&
    value.trim() === value &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them
    !/[\u0000-\u001f\u007f]/.test(value);
  if (!ok) {
    const what = `a string of 1 to ${limits.maxIdLength} printable characters`;
    throw invalidField(
      at,
      `must be ${what}${alternative && ` ${alternative}`}`,
    );
  }
  return value;
}

/** Staff ids may be empty (system events); only length is bounded. */
function text(value: unknown, at: string, limits: BatchLimits): string {
  if (typeof value !== 'string' || value.length > limits.maxIdLength) {
    throw invalidField(at, `must be a string of at most ${limits.maxIdLength}`);
  }
  return value;
}

/** Invoices and credit notes carry a number in the device's series. */
function docNo(
  value: unknown,
  entryKind: EntryKind,
  at: string,
  limits: BatchLimits,
): string | null {
  if (!DOCUMENT_KINDS.has(entryKind)) {
    if (value !== null) throw invalidField(at, `must be null for ${entryKind}`);
    return null;
  }
  const number = id(value, at, limits);
  if (parseDocNo(number) === null) {
    throw invalidField(at, 'must be <branch>-<device>-<6 or more digits>');
  }
  return number;
}

function amount(value: unknown, at: string): number {
  const n = int(value, at);
  if (n < 0) throw invalidField(at, 'must not be negative');
  return n;
}

function int(value: unknown, at: string): number {
  if (!Number.isSafeInteger(value)) {
    throw invalidField(at, 'must be an integer (minor units)');
  }
  return value as number;
}

function positiveInt(value: unknown, at: string): number {
  const n = int(value, at);
  if (n < 1) throw invalidField(at, 'must be 1 or more');
  return n;
}

function kind(value: unknown, at: string): EntryKind {
  if (typeof value !== 'string' || !KINDS.has(value)) {
    throw invalidField(at, `must be one of ${ENTRY_KINDS.join(', ')}`);
  }
  return value as EntryKind;
}

/** ISO 8601 UTC with milliseconds, and a real instant (no 25th hour). */
function timestamp(value: unknown, at: string): string {
  const ok =
    typeof value === 'string' &&
    TS.test(value) &&
    isCalendarDate(value.slice(0, 10)) &&
    value.slice(11, 13) < '24' &&
    value.slice(14, 16) < '60' &&
    value.slice(17, 19) < '60';
  if (!ok) {
    throw invalidField(at, 'must be UTC like 2026-01-31T12:00:00.000Z');
  }
  return value as string;
}

function date(value: unknown, at: string): string {
  const ok =
    typeof value === 'string' && DATE.test(value) && isCalendarDate(value);
  if (!ok) throw invalidField(at, 'must be a date like 2026-01-31');
  return value as string;
}

/** True for a real `YYYY-MM-DD` day (no 31 February). */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;

  // Day 0 of the next month is the last day of this one (UTC, no clock).
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function hex64(value: unknown, at: string): string {
  if (typeof value !== 'string' || !HEX64.test(value)) {
    throw invalidField(at, 'must be 64 lowercase hex digits (SHA-256)');
  }
  return value;
}

function running(value: unknown, at: string): JournalEntry['running'] {
  const r = record(value, at);
  onlyKeys(r, ['sales', 'credits', 'net'], at);
  return {
    sales: int(r.sales, `${at}.sales`),
    credits: int(r.credits, `${at}.credits`),
    net: int(r.net, `${at}.net`),
  };
}

function payload(
  value: unknown,
  entryKind: EntryKind,
  at: string,
  limits: BatchLimits,
): [JournalEntry['payload'], string] {
  const obj = record(value, at);

  // The usual payload, already canonical and shallow, is walked once.
  const text = isCanonicalShaped(obj, limits.maxPayloadDepth)
    ? JSON.stringify(obj)
    : slowCanonicalText(obj, at, limits);
  if (INVOICE_KINDS.has(entryKind)) checkInvoicePayload(obj, entryKind, at);
  return [obj as JournalEntry['payload'], text];
}

/** The path below `value` that passes `depth`, or null; paths built lazily. */
function tooDeep(value: unknown, depth: number): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth <= 0) return '';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const below = tooDeep(value[i], depth - 1);
      if (below !== null) return `[${i}]${below}`;
    }
    return null;
  }
  for (const key in value) {
    const below = tooDeep((value as Record<string, unknown>)[key], depth - 1);
    if (below !== null) return `.${key}${below}`;
  }
  return null;
}

/**
 * The store's canonical text of a payload; what it refuses (nesting past
 * the limit, fractions, integers past 2^53, keys equal after NFC) is a
 * 400 naming the member.
 */
function slowCanonicalText(
  payload: object,
  at: string,
  limits: BatchLimits,
): string {
  const deep = tooDeep(payload, limits.maxPayloadDepth);
  if (deep !== null) throw invalidField(`${at}${deep}`, 'is nested too deeply');
  try {
    return canonicalize(payload);
  } catch (error) {
    if (!(error instanceof CanonicalError)) throw error;
    const match = /^\$(.*?): (.*)$/.exec(error.message);
    throw invalidField(
      `${at}${match?.[1] ?? ''}`,
      `cannot be hashed: ${match?.[2] ?? error.message}`,
    );
  }
}
