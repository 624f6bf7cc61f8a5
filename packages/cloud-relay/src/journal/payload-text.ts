/**
 * The canonical text of a payload, fast. The store's `canonicalize` is
 * the definition and the fallback; but a payload sealed by the store is
 * already canonical (its keys were inserted in sorted order, its strings
 * are NFC), and for such a value `JSON.stringify` prints exactly the same
 * bytes at a tenth of the cost. {@link isCanonicalShaped} checks that
 * precisely; anything it is unsure of goes through `canonicalize`.
 *
 * Exactness matters: the entry hash is verified over this text, so a
 * text that differed from `canonicalize` could let a wrong hash pass.
 * The property test in `payload-text.test.ts` compares both on random
 * values.
 */
import { canonicalize } from '@brigade/store';

/**
 * `canonicalize(payload)`, via `JSON.stringify` when that is identical.
 * Ingest calls {@link isCanonicalShaped} itself, to refuse too deep a
 * payload in the same walk.
 */
export function payloadText(payload: object): string {
  return isCanonicalShaped(payload)
    ? JSON.stringify(payload)
    : canonicalize(payload);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
const ASCII = /^[\u0000-\u007f]*$/;

/**
 * True when `JSON.stringify(value)` equals `canonicalize(value)`: only
 * null, booleans, safe integers, NFC strings, arrays and plain objects
 * whose own keys (in the order `JSON.stringify` visits them) are NFC and
 * strictly ascending by UTF-16 code units. Arrays and objects nested
 * deeper than `depth` also answer false.
 */
export function isCanonicalShaped(value: unknown, depth = 64): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'string':
      return isNfc(value);
    case 'object':
      if (depth <= 0) return false;
      return Array.isArray(value)
        ? value.every((item) => isCanonicalShaped(item, depth - 1))
        : isCanonicalObject(value as object, depth);
    default:
      return false;
  }
}

function isCanonicalObject(object: object, depth: number): boolean {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const key of Object.keys(object)) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!isNfc(key)) return false;
    const member = (object as Record<string, unknown>)[key];
    if (!isCanonicalShaped(member, depth - 1)) return false;
    previous = key;
  }
  return true;
}

function isNfc(text: string): boolean {
  return ASCII.test(text) || text.normalize('NFC') === text;
}
