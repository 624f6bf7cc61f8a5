/**
 * Storage keys inside one table. A table is a single flat map, so that two
 * replicas that create the same record concurrently (carrying an order into
 * the next day on two tills) merge field by field instead of one replica's
 * record replacing the other's:
 *
 *   `<id>`                    the creation fields, one JSON object
 *   `<id>.<field>`            a field set after creation
 *   `<id>#<field>.<writer>`   one writer's contribution to a counter
 *   `<id>+<field>.<member>`   one member of a grow-only set
 *
 * Ids and field names may only use letters, digits, `_`, `:` and `-`, so the
 * first `.`, `#` or `+` ends the id.
 */

/** Letters, digits, `_`, `:` and `-`, 1 to 100 characters. */
export const ID_PATTERN = /^[A-Za-z0-9_:-]{1,100}$/;

export type ParsedKey =
  | { kind: 'base'; id: string }
  | { kind: 'field'; id: string; field: string }
  | { kind: 'counter'; id: string; field: string; writer: string }
  | { kind: 'set'; id: string; field: string; member: string };

export const baseKey = (id: string): string => id;
export const fieldKey = (id: string, field: string): string => `${id}.${field}`;
export const counterKey = (id: string, field: string, writer: string) =>
  `${id}#${field}.${writer}`;
export const setKey = (id: string, field: string, member: string) =>
  `${id}+${field}.${member}`;

/** Splits a storage key; undefined for a key this layout never writes. */
export function parseKey(key: string): ParsedKey | undefined {
  const at = markAt(key);
  if (at < 0) return { kind: 'base', id: key };
  const id = key.slice(0, at);
  const rest = key.slice(at + 1);
  const mark = key[at];
  if (mark === '.') return { kind: 'field', id, field: rest };
  const dot = rest.indexOf('.');
  if (dot < 0) return undefined;
  const field = rest.slice(0, dot);
  const sub = rest.slice(dot + 1);
  return mark === '#'
    ? { kind: 'counter', id, field, writer: sub }
    : { kind: 'set', id, field, member: sub };
}

const DOT = 46;
const HASH = 35;
const PLUS = 43;

/**
 * The position of the first `.`, `#` or `+`, or -1. A loop over char codes
 * rather than a regular expression: loading a day splits every key of it.
 */
function markAt(key: string): number {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code === DOT || code === HASH || code === PLUS) return i;
  }
  return -1;
}
