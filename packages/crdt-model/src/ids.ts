import { uint32 } from 'lib0/random';
import { ID_PATTERN } from './engine/keys.ts';
import { ModelError } from './errors.ts';

declare const brand: unique symbol;
/** A string that the type checker keeps apart from other ids. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type OrderId = Brand<string, 'OrderId'>;
export type LineId = Brand<string, 'LineId'>;
export type TicketId = Brand<string, 'TicketId'>;
export type ClaimId = Brand<string, 'ClaimId'>;
/** A till, tablet or KDS; the key of its counter contributions. */
export type DeviceId = Brand<string, 'DeviceId'>;

/** Letters, digits, `_`, `:` and `-`, 1 to 100 characters. */
export const ID_RULE = ID_PATTERN;

/** True if `id` can name a record, a device or a menu entry. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/**
 * Checks a device id and brands it; throws `invalid-device` otherwise.
 *
 * @example
 * const device = deviceId('till-1');
 */
export function deviceId(id: string): DeviceId {
  if (!isValidId(id)) {
    throw new ModelError(
      'invalid-device',
      `device id must be 1-100 of [A-Za-z0-9_:-]: ${JSON.stringify(id)}`,
    );
  }
  return id as DeviceId;
}

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random 10-character id (about 51 bits), short to keep documents small. */
export function randomId(): string {
  let id = '';
  let bits = uint32() * 0x100000 + (uint32() >>> 12);
  for (let i = 0; i < 10; i++) {
    id += alphabet[bits % 36];
    bits = Math.floor(bits / 36);
  }
  return id;
}

/** The name of a branch's menu document: `<branch>/menu`. */
export function menuDocName(branch: string): string {
  return `${checkBranch(branch)}/menu`;
}

/**
 * The name of one business day's document: `<branch>/day/<YYYY-MM-DD>`.
 *
 * @example
 * dayDocName('soho', '2026-12-03'); // 'soho/day/2026-12-03'
 */
export function dayDocName(branch: string, date: string): string {
  return `${checkBranch(branch)}/day/${checkDate(date)}`;
}

/** Checks a business date `YYYY-MM-DD` (a real calendar day). */
export function checkDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = match ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!parsed || parsed.toISOString().slice(0, 10) !== date) {
    throw new ModelError(
      'invalid-argument',
      `business date must be YYYY-MM-DD: ${JSON.stringify(date)}`,
    );
  }
  return date;
}

function checkBranch(branch: string): string {
  if (!isValidId(branch)) {
    throw new ModelError(
      'invalid-argument',
      `branch must be 1-100 of [A-Za-z0-9_:-]: ${JSON.stringify(branch)}`,
    );
  }
  return branch;
}
