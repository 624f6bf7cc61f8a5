/**
 * The canonical serialisation that every journal hash is computed over:
 * JSON in the style of RFC 8785 with three restrictions that keep it
 * identical on every platform and locale.
 *
 * - Object keys are sorted by UTF-16 code units; no whitespace anywhere.
 * - Numbers must be safe integers (money is always in minor units); a
 *   float, NaN, Infinity or an integer beyond 2^53 - 1 is refused.
 * - Every string, keys included, is normalised to Unicode NFC before it
 *   is escaped exactly as `JSON.stringify` escapes it.
 *
 * `undefined`, functions, symbols, bigints and class instances other
 * than plain arrays and objects are refused rather than dropped.
 *
 * The writer here walks a value once and keeps no path: when it refuses
 * a value, the reference writer (`canonical-reference.ts`, the
 * definition this one must match byte for byte) walks it again to name
 * the member at fault.
 */
import { CanonicalError } from './canonical-error.ts';
import { referenceCanonicalize } from './canonical-reference.ts';
import type { CanonicalValue } from './entry.ts';

export { CanonicalError } from './canonical-error.ts';

/**
 * Returns the canonical JSON text of `value`.
 *
 * @example
 * canonicalize({ b: 1, a: 'e\u0301' }); // '{"a":"é","b":1}'
 */
export function canonicalize(value: unknown): string {
  const text = write(value);
  if (text !== null) return text;

  // Refused: the reference writer throws with the member's path.
  referenceCanonicalize(value);
  throw new CanonicalError('$: value is not canonical');
}

/** The canonical text as UTF-8 bytes: what SHA-256 is computed over. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

/** Printable ASCII other than `"` and `\\`: already canonical as is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Any code unit outside ASCII: the only text NFC can change. */
const NON_ASCII = /[\u0080-\uffff]/;

/** A string as canonical JSON: NFC, then standard JSON escaping. */
export function canonicalString(text: string): string {
  // Most strings (ids, dates, hashes) need neither; skip the work.
  if (PLAIN.test(text)) return `"${text}"`;
  return JSON.stringify(nfc(text));
}

/** Checks that `value` is canonical-safe and narrows its type. */
export function isCanonical(value: unknown): value is CanonicalValue {
  return write(value) !== null;
}

/** NFC of `text`, skipping ICU for ASCII, which NFC never changes. */
function nfc(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}

/** The canonical text, or null when the value cannot be represented. */
function write(value: unknown): string | null {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // -0 and 0 must serialise alike; String(-0) is already '0'.
      return Number.isSafeInteger(value) ? String(value) : null;
    case 'string':
      return canonicalString(value);
    case 'object':
      return Array.isArray(value)
        ? writeArray(value)
        : writeObject(value as Record<string, unknown>);
    default:
      return null;
  }
}

function writeArray(items: unknown[]): string | null {
  const parts: string[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = write(items[i]);
    if (item === null) return null;
    parts[i] = item;
  }
  return `[${parts.join(',')}]`;
}

function writeObject(object: Record<string, unknown>): string | null {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return null;

  const keys = Object.keys(object);
  const names = normalKeys(keys);
  if (names === null) return null;
  if (names === keys) {
    keys.sort();
    return writeMembers(object, keys, keys);
  }

  // Some key changes under NFC: sort by the NFC form, read by the key.
  const order = names
    .map((_, i) => i)
    .sort((a, b) => {
      const x = names[a] as string;
      const y = names[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return writeMembers(
    object,
    order.map((i) => keys[i] as string),
    order.map((i) => names[i] as string),
  );
}

/** `{...}` of the members `keys`, printed as `names` (same order). */
function writeMembers(
  object: Record<string, unknown>,
  keys: string[],
  names: string[],
): string | null {
  const parts: string[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const member = write(object[keys[i] as string]);
    if (member === null) return null;
    parts[i] = `${printedKey(names[i] as string)}:${member}`;
  }
  return `{${parts.join(',')}}`;
}

/** Printed keys by key: payloads repeat a few dozen names endlessly. */
const printedKeys = new Map<string, string>();
const PRINTED_KEYS_MAX = 4096;

/** `canonicalString(key)` for an NFC key, remembered while there is room. */
function printedKey(key: string): string {
  let printed = printedKeys.get(key);
  if (printed === undefined) {
    printed = canonicalString(key);
    if (printedKeys.size < PRINTED_KEYS_MAX) printedKeys.set(key, printed);
  }
  return printed;
}

/**
 * The keys as NFC: `keys` itself when NFC changes none of them (the
 * usual case), a new array when it changes some, and null when two keys
 * become one after NFC.
 */
function normalKeys(keys: string[]): string[] | null {
  let normal: string[] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const n = nfc(key);
    if (n !== key && normal === null) normal = keys.slice(0, i);
    normal?.push(n);
  }
  if (normal === null) return keys;
  return new Set(normal).size === normal.length ? normal : null;
}
