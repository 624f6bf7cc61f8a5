/**
 * The entry hash. An entry's `hash` is the lowercase hex SHA-256 of the
 * UTF-8 bytes of the canonical JSON (see `canonical.ts`) of the entry
 * with its `hash` member left out. Because `prevHash` is one of the
 * hashed members, each hash covers the whole chain before it.
 *
 * The hash input therefore has exactly this layout (no whitespace, keys
 * in this order, `<s>` a canonical string, `<n>` a decimal integer):
 *
 * ```
 * {"businessDate":<s>,"device":<s>,"docNo":<s>|null,"kind":<s>,
 *  "payload":<canonical object>,"prevHash":<s>,
 *  "running":{"credits":<n>,"net":<n>,"sales":<n>},
 *  "seq":<n>,"tax":<n>,"total":<n>,"ts":<s>,"user":<s>}
 * ```
 */
import * as crypto from 'node:crypto';
import { canonicalize, canonicalString } from './canonical.ts';
import type { JournalEntry } from './entry.ts';

/** An entry before its hash is known. */
export type UnhashedEntry = Omit<JournalEntry, 'hash'>;

/**
 * `prevHash` of every chain's first entry: the hex SHA-256 of the one
 * character "0", the same seed ZATCA uses for a device's first invoice
 * (there base64-encoded, see `ZATCA_FIRST_PIH`).
 */
export const GENESIS_HASH =
  '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9';

/**
 * Computes an entry's hash over its canonical serialisation.
 *
 * @example
 * const hash = computeHash({ ...entry, hash: undefined } as UnhashedEntry);
 */
export function computeHash(entry: UnhashedEntry): string {
  return sha256Hex(hashInput(entry, canonicalize(entry.payload)));
}

/**
 * Same as {@link computeHash} for a payload already in canonical text,
 * as the store keeps it: verifying a stored chain then never re-sorts a
 * payload. `payloadText` must be exactly `canonicalize(entry.payload)`;
 * the hash does not check that, `checkNext` does (`isCanonicalText`).
 */
export function computeHashWithPayloadText(
  entry: Omit<UnhashedEntry, 'payload'>,
  payloadText: string,
): string {
  return sha256Hex(hashInput(entry, payloadText));
}

/**
 * The exact text that is hashed (UTF-8 encoded before hashing).
 *
 * `checked`: the entry has passed `checkNext`'s shape and link checks,
 * so its `kind`, `ts`, `businessDate` and `prevHash` are plain ASCII (a
 * known kind, the formats, the previous hash) and every number a safe
 * integer; they are then written as they are, which the verifier does
 * for every entry. The text is the same either way.
 */
export function hashInput(
  entry: Omit<UnhashedEntry, 'payload'>,
  payloadText: string,
  checked = false,
): string {
  const plain = checked ? quoted : canonicalString;
  const n = checked ? String : int;
  const r = entry.running;
  return (
    `{"businessDate":${plain(entry.businessDate)}` +
    `,"device":${canonicalString(entry.device)}` +
    `,"docNo":${entry.docNo === null ? 'null' : canonicalString(entry.docNo)}` +
    `,"kind":${plain(entry.kind)}` +
    `,"payload":${payloadText}` +
    `,"prevHash":${plain(entry.prevHash)}` +
    `,"running":{"credits":${n(r.credits)},"net":${n(r.net)}` +
    `,"sales":${n(r.sales)}}` +
    `,"seq":${n(entry.seq)},"tax":${n(entry.tax)}` +
    `,"total":${n(entry.total)},"ts":${plain(entry.ts)}` +
    `,"user":${canonicalString(entry.user)}}`
  );
}

/** A string known to need neither NFC nor escaping, as JSON. */
function quoted(text: string): string {
  return `"${text}"`;
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : slowHash(text);
}

/** `crypto.hash` (Node 20.12 and later) skips the Hash object per call. */
const oneShot = (
  crypto as {
    hash?: (algorithm: string, data: string, encoding: 'hex') => string;
  }
).hash;

function slowHash(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

function int(value: number): string {
  // Same rule as the canonical form: the fast path must not be laxer.
  if (Number.isSafeInteger(value)) return String(value);
  return canonicalize(value);
}
