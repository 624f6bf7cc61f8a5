/**
 * `checkNext`: everything about an entry that can be checked from the
 * entry and the one before it. The store's verifier, the replica intake
 * and the relay's ingest all use it, so a chain accepted by one is
 * accepted by all.
 */
import { isCanonical } from './canonical.ts';
import { isCanonicalText, nonCanonicalReason } from './canonical-text.ts';
import { DOCUMENT_KINDS, parseDocNo } from './doc-number.ts';
import { ENTRY_KINDS, type JournalEntry } from './entry.ts';
import { type ChainFault, fault } from './faults.ts';
import { computeHash, GENESIS_HASH, hashInput, sha256Hex } from './hash.ts';
import { nextRunning, sameRunning, ZERO_TOTALS } from './running.ts';

const KINDS: ReadonlySet<string> = new Set(ENTRY_KINDS);
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Options of {@link checkNext}. */
export interface CheckOptions {
  /**
   * The payload's canonical text when the caller has it (the store keeps
   * payloads as text): the hash is computed over it as it is, without
   * re-serialising the payload. See `checkPayloadText`.
   */
  payloadText?: string;
  /**
   * Check that `payloadText` is canonical: the text was read from
   * storage, where anyone with write access could have spelled it
   * otherwise and hashed it honestly. One that is not is the fault
   * `payload-not-canonical`. Default false, for a text the caller wrote
   * with `canonicalize` itself (the relay's ingest).
   */
  checkPayloadText?: boolean;
}

/**
 * Checks `entry` as the successor of `prev` (`null`: the chain's first
 * entry): shape, device, sequence, link, hash, time order, running
 * totals, document-number continuity between the two, and the payload
 * members the entry repeats. Returns the first fault or null.
 *
 * Document-number continuity across entries without a number (a drawer
 * open between two sales) needs the whole chain: `ChainVerifier`.
 *
 * @example
 * const problem = checkNext(storedTail, incoming);
 * if (problem) throw new Error(`${problem.code} at ${problem.seq}`);
 */
export function checkNext(
  prev: JournalEntry | null,
  entry: JournalEntry,
  options: CheckOptions = {},
): ChainFault | null {
  // Almost every entry passes. The first pass leaves out the formats of
  // `hash` and `prevHash`, which a matching recomputed hash and a link to
  // the previous entry's proven hash (or the genesis hash) prove anyway;
  // an entry that fails it is checked again in full, so the fault named
  // is the one the full order of checks finds first.
  if (checkAll(prev, entry, options, false) === null) return null;
  return checkAll(prev, entry, options, true);
}

function checkAll(
  prev: JournalEntry | null,
  entry: JournalEntry,
  options: CheckOptions,
  hashFormats: boolean,
): ChainFault | null {
  return (
    checkShape(entry, options.payloadText === undefined, hashFormats) ??
    checkOrder(prev, entry) ??
    checkHash(entry, options.payloadText) ??
    checkPayloadText(entry.seq, options) ??
    checkTotals(prev, entry) ??
    checkDocNo(prev, entry) ??
    checkPayload(entry)
  );
}

/**
 * Types and formats of every field; a null result narrows nothing.
 * `hashFormats: false` leaves out the formats of `hash` and `prevHash`
 * (for callers that compare them with a recomputed hash and with the
 * previous entry's hash).
 */
export function checkShape(
  e: JournalEntry,
  payloadMustBeCanonical = true,
  hashFormats = true,
): ChainFault | null {
  const seq = Number.isSafeInteger(e?.seq) ? e.seq : 0;
  if (typeof e !== 'object' || e === null)
    return malformed(seq, 'entry is not an object');
  if (!Number.isSafeInteger(e.seq) || e.seq < 1)
    return malformed(seq, 'seq must be >= 1');
  if (typeof e.device !== 'string' || e.device === '')
    return malformed(seq, 'no device');
  if (!KINDS.has(e.kind))
    return malformed(seq, `unknown kind ${String(e.kind)}`);
  if (typeof e.ts !== 'string' || !TS.test(e.ts))
    return malformed(seq, 'ts format');
  if (typeof e.businessDate !== 'string' || !DATE.test(e.businessDate)) {
    return malformed(seq, 'businessDate format');
  }
  if (typeof e.user !== 'string')
    return malformed(seq, 'user must be a string');
  for (const key of ['total', 'tax'] as const) {
    if (!Number.isSafeInteger(e[key]) || e[key] < 0) {
      return malformed(seq, `${key} must be an integer >= 0`);
    }
  }
  const r = e.running;
  if (
    typeof r !== 'object' ||
    r === null ||
    !Number.isSafeInteger(r.sales) ||
    !Number.isSafeInteger(r.credits) ||
    !Number.isSafeInteger(r.net)
  ) {
    return malformed(seq, 'running totals must be integers');
  }
  if (
    typeof e.prevHash !== 'string' ||
    (hashFormats && !HEX64.test(e.prevHash))
  ) {
    return malformed(seq, 'prevHash format');
  }
  if (typeof e.hash !== 'string' || (hashFormats && !HEX64.test(e.hash))) {
    return malformed(seq, 'hash format');
  }
  if (
    typeof e.payload !== 'object' ||
    e.payload === null ||
    Array.isArray(e.payload)
  ) {
    return malformed(seq, 'payload must be an object');
  }
  if (payloadMustBeCanonical && !isCanonical(e.payload)) {
    return malformed(
      seq,
      'payload is not canonical (floats or non-JSON values)',
    );
  }
  const needsDoc = DOCUMENT_KINDS.has(e.kind);
  if (needsDoc !== (e.docNo !== null)) {
    return malformed(
      seq,
      needsDoc ? `${e.kind} without docNo` : `${e.kind} with docNo`,
    );
  }
  if (e.docNo !== null && parseDocNo(e.docNo) === null) {
    return malformed(
      seq,
      `docNo ${String(e.docNo)} is not <branch>-<device>-<digits>`,
    );
  }
  return null;
}

function checkOrder(
  prev: JournalEntry | null,
  e: JournalEntry,
): ChainFault | null {
  const expectedSeq = prev ? prev.seq + 1 : 1;
  const expectedLink = prev ? prev.hash : GENESIS_HASH;
  if (prev && prev.device !== e.device) {
    return fault(
      'device-mismatch',
      e.seq,
      `entry of ${e.device} follows ${prev.device}`,
    );
  }
  if (e.seq !== expectedSeq) {
    const link = e.prevHash === expectedLink ? '' : ' and its link is broken';
    return fault(
      'seq-gap',
      e.seq,
      `expected seq ${expectedSeq}, found ${e.seq}${link}`,
    );
  }
  if (e.prevHash !== expectedLink) {
    const what = prev ? `hash of entry ${prev.seq}` : 'the genesis hash';
    return fault('broken-link', e.seq, `prevHash is not the ${what}`);
  }
  if (prev && e.ts < prev.ts) {
    return fault('ts-backwards', e.seq, `ts ${e.ts} is before ${prev.ts}`);
  }
  return null;
}

function checkHash(e: JournalEntry, payloadText?: string): ChainFault | null {
  // The hash input names its members, so the entry's own `hash` is left
  // out without copying the entry.
  const hash = e.hash;
  // checkShape and checkOrder have passed: the entry is `checked`.
  const actual =
    payloadText === undefined
      ? computeHash(e)
      : sha256Hex(hashInput(e, payloadText, true));
  if (actual === hash) return null;
  return fault(
    'hash-mismatch',
    e.seq,
    `stored hash ${hash.slice(0, 12)}… but the entry hashes to ${actual.slice(0, 12)}…`,
  );
}

/**
 * The hash covers the stored text as it is; only a canonical text holds
 * one value that every JSON reader reads alike (a repeated key does
 * not). Checked before anything reads the payload.
 */
function checkPayloadText(
  seq: number,
  options: CheckOptions,
): ChainFault | null {
  const text = options.payloadText;
  if (text === undefined || !options.checkPayloadText) return null;
  if (isCanonicalText(text)) return null;
  return fault('payload-not-canonical', seq, nonCanonicalReason(text));
}

function checkTotals(
  prev: JournalEntry | null,
  e: JournalEntry,
): ChainFault | null {
  const expected = nextRunning(prev?.running ?? ZERO_TOTALS, e.kind, e.total);
  if (sameRunning(expected, e.running)) return null;
  const show = (r: typeof expected) =>
    `sales ${r.sales}, credits ${r.credits}, net ${r.net}`;
  return fault(
    'running-totals',
    e.seq,
    `running totals are ${show(e.running)}; expected ${show(expected)}`,
  );
}

function checkDocNo(
  prev: JournalEntry | null,
  e: JournalEntry,
): ChainFault | null {
  if (e.docNo === null) return null;
  const doc = parseDocNo(e.docNo);
  if (!doc) return null;
  if (!doc.series.endsWith(`-${e.device}`)) {
    return fault(
      'doc-number',
      e.seq,
      `${e.docNo} is not in ${e.device}'s series`,
    );
  }
  const before = prev?.docNo ? parseDocNo(prev.docNo) : null;
  if (!prev && doc.counter !== 1) {
    return fault('doc-number', e.seq, `first document is ${e.docNo}, not 1`);
  }
  if (before && before.series !== doc.series) {
    return fault(
      'doc-number',
      e.seq,
      `${e.docNo} leaves series ${before.series}`,
    );
  }
  if (before && doc.counter !== before.counter + 1) {
    return fault(
      'doc-number',
      e.seq,
      `${e.docNo} follows ${prev?.docNo}: expected counter ${before.counter + 1}`,
    );
  }
  return null;
}

/** Payload members the entry repeats must agree with it. */
function checkPayload(e: JournalEntry): ChainFault | null {
  const p = e.payload;
  if (e.tax > e.total)
    return fault('payload-mismatch', e.seq, 'tax exceeds total');
  switch (e.kind) {
    case 'sale':
    case 'training-sale':
    case 'credit-note':
      if (p.total !== e.total || p.tax !== e.tax) {
        return fault(
          'payload-mismatch',
          e.seq,
          'payload total or tax differs from the entry',
        );
      }
      return null;
    case 'reprint':
      return p.mark === 'DUPLICATE'
        ? null
        : fault('payload-mismatch', e.seq, 'reprint not DUPLICATE');
    case 'z-closing':
      return checkClosingRange(e);
    default:
      return null;
  }
}

function checkClosingRange(e: JournalEntry): ChainFault | null {
  const p = e.payload;
  const perpetual = p.perpetual as JournalEntry['running'] | undefined;
  if (p.toSeq !== e.seq - 1) {
    return fault('z-closing', e.seq, `closing covers up to ${p.toSeq}`);
  }
  if (p.lastHash !== e.prevHash) {
    return fault('z-closing', e.seq, 'lastHash is not the covered tail');
  }
  if (
    typeof perpetual !== 'object' ||
    perpetual === null ||
    !sameRunning(perpetual, e.running)
  ) {
    return fault('z-closing', e.seq, 'perpetual totals differ');
  }
  return null;
}

function malformed(seq: number, what: string): ChainFault {
  return fault('malformed', seq, what);
}
