/**
 * Whether a stored text is in canonical form: exactly what
 * `canonicalize` writes for the value the text holds, so that
 * `isCanonicalText(t)` is `canonicalize(JSON.parse(t)) === t` (false
 * where either throws).
 *
 * An entry's hash is computed over its stored payload text. A text that
 * is not canonical (`{"total":100,"total":50}`, unsorted keys, spaces,
 * `1.0`, needless `\u` escapes, strings not in NFC) can still be hashed
 * honestly, but two JSON readers may read different values from it, and
 * the relay, which hashes the canonical form, refuses it.
 *
 * The check is one pass over the text, building nothing for the usual
 * members: keys are compared in place, code unit by code unit, against
 * the previous key of the same object; numbers are read digit by digit.
 * A string with characters beyond ASCII is tested for NFC; only one
 * holding an escape, a control character or a surrogate is decoded and
 * written again with `canonicalString` (NFC, then JSON escaping), which
 * is the definition itself.
 */
import { canonicalize, canonicalString } from './canonical.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The containers open at each depth, reused from call to call (the
 * check is synchronous and calls nothing that could re-enter it): for
 * an object, where its previous key lies in the text, and that key
 * decoded when it was not plain.
 */
const isObject: boolean[] = [];
const keyStart: number[] = [];
const keyEnd: number[] = [];
const keyDecoded: (string | null)[] = [];

/**
 * True when `text` is the canonical serialisation of the value it
 * holds; false for any other text, JSON or not.
 *
 * @example
 * isCanonicalText('{"a":1,"b":[true]}'); // true
 * isCanonicalText('{"b":1,"a":2}'); // false: keys out of order
 * isCanonicalText('{"total":100,"total":50}'); // false: a repeated key
 */
export function isCanonicalText(text: string): boolean {
  let pos = 0;
  let depth = 0;
  for (;;) {
    // A value starts at `pos`.
    const c = text.charCodeAt(pos);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const object = c === OPEN_OBJECT;
      isObject[depth] = object;
      keyStart[depth] = -1;
      depth++;
      pos++;
      if (text.charCodeAt(pos) !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        if (object) pos = member(text, pos, depth - 1);
        if (pos < 0) return false;
        continue;
      }
      pos++;
      depth--;
    } else {
      pos = scalar(text, pos, c);
      if (pos < 0) return false;
    }

    // After a value: close containers until a comma starts the next one.
    for (;;) {
      if (depth === 0) return pos === text.length;
      const next = text.charCodeAt(pos++);
      const object = isObject[depth - 1] as boolean;
      if (next === COMMA) {
        if (object) pos = member(text, pos, depth - 1);
        if (pos < 0) return false;
        break;
      }
      if (next !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) return false;
      depth--;
    }
  }
}

/**
 * Checks `"key":` at `pos`, the key canonical and after the previous key
 * of the object open at `frame`; the position after the colon, or -1.
 */
function member(text: string, pos: number, frame: number): number {
  if (text.charCodeAt(pos) !== QUOTE) return -1;
  const start = pos + 1;
  const end = rawEnd(text, start);
  let after = end + 1;
  let decoded: string | null = null;
  if (text.charCodeAt(end) !== QUOTE) {
    after = stringEnd(text, end);
    decoded = after < 0 ? null : decodedIfCanonical(text, pos, after);
    if (decoded === null) return -1;
  } else if (wide && !isNfc(text, start, end)) {
    return -1;
  }
  if (!afterPreviousKey(text, frame, start, end, decoded)) return -1;
  keyStart[frame] = start;
  keyEnd[frame] = end;
  keyDecoded[frame] = decoded;
  return text.charCodeAt(after) === COLON ? after + 1 : -1;
}

/**
 * Keys must strictly increase by UTF-16 code units (which also rules out
 * a repeated key). Two keys written without escapes read the same in
 * the text as decoded, so they are compared where they lie.
 */
function afterPreviousKey(
  text: string,
  frame: number,
  start: number,
  end: number,
  decoded: string | null,
): boolean {
  const prevStart = keyStart[frame] as number;
  if (prevStart < 0) return true;
  const prevEnd = keyEnd[frame] as number;
  const prevDecoded = keyDecoded[frame] ?? null;
  if (decoded === null && prevDecoded === null) {
    return rangeBefore(text, prevStart, prevEnd, start, end);
  }
  const previous = prevDecoded ?? text.slice(prevStart, prevEnd);
  return previous < (decoded ?? text.slice(start, end));
}

/** Whether text[aStart, aEnd) sorts strictly before text[bStart, bEnd). */
function rangeBefore(
  text: string,
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
): boolean {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const common = Math.min(aLength, bLength);
  for (let i = 0; i < common; i++) {
    const a = text.charCodeAt(aStart + i);
    const b = text.charCodeAt(bStart + i);
    if (a !== b) return a < b;
  }
  return aLength < bLength;
}

/** A string, number, or literal at `pos`: the position after it, or -1. */
function scalar(text: string, pos: number, c: number): number {
  if (c === QUOTE) {
    const end = rawEnd(text, pos + 1);
    if (text.charCodeAt(end) === QUOTE) {
      return !wide || isNfc(text, pos + 1, end) ? end + 1 : -1;
    }
    const after = stringEnd(text, end);
    if (after < 0) return -1;
    return decodedIfCanonical(text, pos, after) === null ? -1 : after;
  }
  if (c === MINUS || (c >= ZERO && c <= NINE)) return integer(text, pos);
  const literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
  return text.startsWith(literal, pos) ? pos + literal.length : -1;
}

/**
 * A safe integer as `String(n)` writes it: no plus sign, leading zero,
 * fraction or exponent, and no `-0`. What follows it is checked by the
 * caller, which refuses the `.` or `e` of a number that goes on.
 */
function integer(text: string, pos: number): number {
  const negative = text.charCodeAt(pos) === MINUS;
  let i = negative ? pos + 1 : pos;
  let c = text.charCodeAt(i);
  if (c === ZERO) return negative ? -1 : i + 1;
  if (!(c >= ONE && c <= NINE)) return -1;

  // Past 2^53 the sum rounds, but never back below the limit.
  let value = 0;
  while (c >= ZERO && c <= NINE) {
    value = value * 10 + (c - ZERO);
    c = text.charCodeAt(++i);
  }
  return value <= Number.MAX_SAFE_INTEGER ? i : -1;
}

/** Whether the last {@link rawEnd} passed characters beyond ASCII. */
let wide = false;

/**
 * The first position from `i` of a character that a canonical string
 * cannot hold as itself: `"`, `\`, a control character, or a surrogate
 * (which only the slow path tells paired from lone). Sets `wide` when
 * it passed characters beyond ASCII, which need the NFC test.
 */
function rawEnd(text: string, i: number): number {
  wide = false;
  for (;;) {
    // Past the end `c` is NaN, which fails every test and stops here.
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      if (c === QUOTE || c === BACKSLASH) return i;
    } else if (c >= 0x80 && (c < 0xd800 || c > 0xdfff)) {
      wide = true;
    } else {
      return i;
    }
    i++;
  }
}

/** Whether text[start, end) is unchanged by NFC. */
function isNfc(text: string, start: number, end: number): boolean {
  const raw = text.slice(start, end);
  return raw.normalize('NFC') === raw;
}

/** The position after the quote that closes the string at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  return -1;
}

/**
 * The string written in text[from, to) (quotes included) when that is
 * exactly how `canonicalString` writes it, else null. Rare enough (an
 * escape, a control character or a surrogate) to decode and write again.
 */
function decodedIfCanonical(
  text: string,
  from: number,
  to: number,
): string | null {
  const written = text.slice(from, to);
  let value: unknown;
  try {
    value = JSON.parse(written);
  } catch {
    return null;
  }
  if (typeof value !== 'string') return null;
  return canonicalString(value) === written ? value : null;
}

/**
 * Why `text` (not canonical) is not: where it first departs from the
 * canonical form of what it holds, or why it holds no canonical value.
 * For fault messages; slow.
 */
export function nonCanonicalReason(text: string): string {
  let canonical: string;
  try {
    canonical = canonicalize(JSON.parse(text));
  } catch (error) {
    return `payload text holds no canonical value: ${(error as Error).message}`;
  }
  let at = 0;
  while (at < text.length && text[at] === canonical[at]) at++;
  const stored = JSON.stringify(text.slice(at, at + 16));
  const expected = JSON.stringify(canonical.slice(at, at + 16));
  return `payload text departs from its canonical form at character ${at}: ${stored} where ${expected} belongs`;
}
