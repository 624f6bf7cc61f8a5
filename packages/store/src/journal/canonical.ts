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
 */
import type { CanonicalValue } from './entry.ts';

/** Thrown for a value the canonical form cannot represent. */
export class CanonicalError extends Error {
  readonly code = 'canonical-value';
}

/**
 * Returns the canonical JSON text of `value`.
 *
 * @example
 * canonicalize({ b: 1, a: 'e\u0301' }); // '{"a":"é","b":1}'
 */
export function canonicalize(value: unknown): string {
  return write(value, '$');
}

/** The canonical text as UTF-8 bytes: what SHA-256 is computed over. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

/** Printable ASCII other than `"` and `\\`: already canonical as is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as canonical JSON: NFC, then standard JSON escaping. */
export function canonicalString(text: string): string {
  // Most strings (ids, dates, hashes) need neither; skip the work.
  if (PLAIN.test(text)) return `"${text}"`;
  return JSON.stringify(text.normalize('NFC'));
}

/** Checks that `value` is canonical-safe and narrows its type. */
export function isCanonical(value: unknown): value is CanonicalValue {
  try {
    write(value, '$');
    return true;
  } catch {
    return false;
  }
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeInteger(value, path);
    case 'string':
      return canonicalString(value);
    case 'object':
      return Array.isArray(value)
        ? writeArray(value, path)
        : writeObject(value as object, path);
    default:
      throw new CanonicalError(`${path}: ${typeof value} is not canonical`);
  }
}

function writeInteger(value: number, path: string): string {
  if (!Number.isSafeInteger(value)) {
    throw new CanonicalError(`${path}: ${value} is not a safe integer`);
  }
  // -0 and 0 must serialise alike; String(-0) is already '0'.
  return String(value);
}

function writeArray(items: unknown[], path: string): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    parts.push(write(items[i], `${path}[${i}]`));
  }
  return `[${parts.join(',')}]`;
}

function writeObject(object: object, path: string): string {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalError(`${path}: only plain objects are canonical`);
  }

  // Keys are normalised first, so two spellings of one key collide here
  // instead of producing two members that look identical when printed.
  const members = new Map<string, unknown>();
  for (const [key, member] of Object.entries(object)) {
    const normal = key.normalize('NFC');
    if (members.has(normal)) {
      throw new CanonicalError(`${path}: duplicate key "${normal}" after NFC`);
    }
    members.set(normal, member);
  }
  const keys = [...members.keys()].sort();
  const parts = keys.map(
    (key) =>
      `${JSON.stringify(key)}:${write(members.get(key), `${path}.${key}`)}`,
  );
  return `{${parts.join(',')}}`;
}
