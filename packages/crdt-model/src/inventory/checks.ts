/** Argument checks of inventory operations; each throws a ModelError. */
import { ModelError } from '../errors.ts';
import { isValidId } from '../ids.ts';
import { STOCK_UNITS, type StockUnit } from './records.ts';

/** Largest level or movement: a billion units (grams of a big store). */
export const MAX_STOCK = 1_000_000_000;

export function id(value: unknown, name: string): string {
  if (!isValidId(value)) {
    throw new ModelError(
      'invalid-argument',
      `${name} must be 1-100 of [A-Za-z0-9_:-]`,
    );
  }
  return value;
}

export function name(value: unknown): string {
  if (typeof value !== 'string' || !value.trim() || value.length > 100) {
    throw new ModelError('invalid-argument', 'name must be 1-100 characters');
  }
  return value.trim();
}

export function note(value: unknown): string {
  if (typeof value !== 'string' || value.length > 200) {
    throw new ModelError(
      'invalid-argument',
      'note must be a string of at most 200 characters',
    );
  }
  return value;
}

export function unit(value: unknown): StockUnit {
  if (!STOCK_UNITS.includes(value as StockUnit)) {
    throw new ModelError(
      'invalid-argument',
      `unit must be one of ${STOCK_UNITS.join(', ')}`,
    );
  }
  return value as StockUnit;
}

/** A level: an integer from 0 to {@link MAX_STOCK}. */
export function level(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new ModelError('invalid-argument', `${name} must be an integer ≥ 0`);
  }
  if ((value as number) > MAX_STOCK) {
    throw new ModelError('invalid-argument', `${name} is over ${MAX_STOCK}`);
  }
  return value as number;
}

/** A hand adjustment: a non-zero integer within ±{@link MAX_STOCK}. */
export function delta(value: unknown): number {
  if (!Number.isInteger(value) || value === 0) {
    throw new ModelError(
      'invalid-quantity',
      'delta must be a non-zero integer',
    );
  }
  if (Math.abs(value as number) > MAX_STOCK) {
    throw new ModelError('invalid-quantity', `delta is over ±${MAX_STOCK}`);
  }
  return value as number;
}

/** What one portion uses: a positive integer (any non-zero one if `signed`). */
export function portion(value: unknown, name: string, signed: boolean): number {
  const ok =
    Number.isInteger(value) &&
    (signed ? value !== 0 : (value as number) > 0) &&
    Math.abs(value as number) <= 1_000_000;
  if (!ok) {
    throw new ModelError(
      'invalid-argument',
      `${name} must be a ${signed ? 'non-zero' : 'positive'} integer of at most 1,000,000`,
    );
  }
  return value as number;
}
