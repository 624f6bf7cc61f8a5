/**
 * The reference canonical writer: the definition `canonicalize` must
 * match byte for byte. It carries the path of every value as it walks,
 * which makes it slow, so `canonicalize` only falls back to it to name
 * the offending member of a value it refuses. Tests compare the two on
 * random values.
 */
import { CanonicalError } from './canonical-error.ts';

/** Printable ASCII other than `"` and `\\`: already canonical as is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The canonical text of `value`, or a `CanonicalError` naming its path. */
export function referenceCanonicalize(value: unknown): string {
  return write(value, '$');
}

function referenceString(text: string): string {
  if (PLAIN.test(text)) return `"${text}"`;
  return JSON.stringify(text.normalize('NFC'));
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeInteger(value, path);
    case 'string':
      return referenceString(value);
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
