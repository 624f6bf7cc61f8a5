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
 * The check is one pass over the text (recursive descent, as
 * `canonicalize` walks values), building nothing for the usual members:
 * keys are compared in place, code unit by code unit, with the previous
 * key of the same object; numbers are read digit by digit.
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
 * True when `text` is the canonical serialisation of the value it
 * holds; false for any other text, JSON or not.
 *
 * @example
 * isCanonicalText('{"a":1,"b":[true]}'); // true
 * isCanonicalText('{"b":1,"a":2}'); // false: keys out of order
 * isCanonicalText('{"total":100,"total":50}'); // false: a repeated key
 */
export function isCanonicalText(text: string): boolean {
  try {
    return value(text, 0) === text.length;
  } catch (error) {
    // Nesting deeper than the stack: `canonicalize` walks values the
    // same way and could not have written it.
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * Walks `text` exactly as {@link isCanonicalText} does and, when it is
 * canonical and holds an object, returns that object's members named in
 * `names` (each parsed from its own slice of the text; absent ones left
 * out; `__proto__` cannot be asked for). Null for any other text.
 *
 * A verifier that reads only a few members of a large payload (a sale's
 * totals, taxes and payments, not its lines) gets them from the walk it
 * must make anyway, instead of a second pass over the whole text with
 * `JSON.parse`. A canonical text holds each key once, so a member's
 * slice reads as the whole text's `JSON.parse` would read it.
 *
 * @example
 * canonicalMembers('{"lines":[],"total":5}', ['total']); // { total: 5 }
 */
export function canonicalMembers(
  text: string,
  names: readonly string[],
): Record<string, unknown> | null {
  if (text.charCodeAt(0) !== OPEN_OBJECT) return null;
  const picked: Record<string, unknown> = {};
  try {
    return outerObject(text, names, picked) === text.length ? picked : null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * {@link object} for the outermost object of `text`, which also parses
 * the members named in `names` into `picked`. Kept apart so that
 * `object`, the hot path of every nested object, stays as it is: one
 * `object` taking an optional callback for its members measured 6-9%
 * slower on the CLI's verify path (103-107k against 111-117k entries/s).
 */
function outerObject(
  text: string,
  names: readonly string[],
  picked: Record<string, unknown>,
): number {
  let pos = 1;
  if (text.charCodeAt(pos) === CLOSE_OBJECT) return pos + 1;
  let prevStart = -1;
  let prevEnd = -1;
  let prevDecoded: string | null = null;
  for (;;) {
    const start = pos + 1;
    pos = key(text, pos);
    if (pos < 0) return -1;
    if (
      prevStart >= 0 &&
      !keyBefore(text, prevStart, prevEnd, prevDecoded, start)
    ) {
      return -1;
    }
    prevStart = start;
    prevEnd = keyEnd;
    prevDecoded = keyDecoded;

    const from = pos;
    pos = value(text, pos);
    if (pos < 0) return -1;
    const name = memberName(text, prevStart, prevEnd, prevDecoded, names);
    if (name !== undefined) picked[name] = JSON.parse(text.slice(from, pos));
    const c = text.charCodeAt(pos++);
    if (c === CLOSE_OBJECT) return pos;
    if (c !== COMMA) return -1;
  }
}

/**
 * The one of `names` that the key at text[start, end) is (`decoded`:
 * the key read from its escapes), or undefined. Compared in place, so
 * the members not asked for cost no string.
 */
function memberName(
  text: string,
  start: number,
  end: number,
  decoded: string | null,
  names: readonly string[],
): string | undefined {
  if (decoded !== null) return names.find((name) => name === decoded);
  const length = end - start;
  return names.find(
    (name) => name.length === length && text.startsWith(name, start),
  );
}

/** The position after the canonical value at `pos`, or -1. */
function value(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  if (c === OPEN_OBJECT) return object(text, pos + 1);
  if (c === OPEN_ARRAY) return array(text, pos + 1);
  return scalar(text, pos, c);
}

function array(text: string, pos: number): number {
  if (text.charCodeAt(pos) === CLOSE_ARRAY) return pos + 1;
  for (;;) {
    pos = value(text, pos);
    if (pos < 0) return -1;
    const c = text.charCodeAt(pos++);
    if (c === CLOSE_ARRAY) return pos;
    if (c !== COMMA) return -1;
  }
}

function object(text: string, pos: number): number {
  if (text.charCodeAt(pos) === CLOSE_OBJECT) return pos + 1;
  let prevStart = -1;
  let prevEnd = -1;
  let prevDecoded: string | null = null;
  for (;;) {
    const start = pos + 1;
    pos = key(text, pos);
    if (pos < 0) return -1;
    if (
      prevStart >= 0 &&
      !keyBefore(text, prevStart, prevEnd, prevDecoded, start)
    ) {
      return -1;
    }
    prevStart = start;
    prevEnd = keyEnd;
    prevDecoded = keyDecoded;

    pos = value(text, pos);
    if (pos < 0) return -1;
    const c = text.charCodeAt(pos++);
    if (c === CLOSE_OBJECT) return pos;
    if (c !== COMMA) return -1;
  }
}

/** Where the content of the last key read ends, and its decoded text. */
let keyEnd = 0;
let keyDecoded: string | null = null;

/**
 * Checks `"key":` at `pos` and the key canonical; the position after the
 * colon, or -1. Sets {@link keyEnd} and {@link keyDecoded} (null when
 * the key is written without escapes: it reads as it is written).
 */
function key(text: string, pos: number): number {
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
  keyEnd = end;
  keyDecoded = decoded;
  return text.charCodeAt(after) === COLON ? after + 1 : -1;
}

/**
 * Whether the previous key sorts strictly before the key just read (at
 * `start`; {@link keyEnd}, {@link keyDecoded}): keys strictly increase
 * by UTF-16 code units, which also rules out a repeated key. Two keys
 * written without escapes read as they are written, so they are
 * compared where they lie.
 */
function keyBefore(
  text: string,
  prevStart: number,
  prevEnd: number,
  prevDecoded: string | null,
  start: number,
): boolean {
  if (keyDecoded === null && prevDecoded === null) {
    return rangeBefore(text, prevStart, prevEnd, start, keyEnd);
  }
  const previous = prevDecoded ?? text.slice(prevStart, prevEnd);
  return previous < (keyDecoded ?? text.slice(start, keyEnd));
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
