/** Argument checks shared by the day's operations; each throws a ModelError. */
import { ModelError } from '../errors.ts';
import type { Adjustment } from '../money/totals.ts';

export function text(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) {
    throw new ModelError(
      'invalid-argument',
      `${name} must be a string of at most ${max} characters`,
    );
  }
  return value;
}

export function nonEmpty(value: unknown, name: string, max: number): string {
  const checked = text(value, name, max);
  if (checked.trim() === '') {
    throw new ModelError('invalid-argument', `${name} must not be empty`);
  }
  return checked;
}

export function count(value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ModelError('invalid-argument', `${name} must be an integer`);
  }
  if (value < 0 || value > max) {
    throw new ModelError('invalid-argument', `${name} must be 0 to ${max}`);
  }
  return value;
}

export function optionalCount(
  value: unknown,
  name: string,
  max: number,
): number | null {
  return value === undefined || value === null ? null : count(value, name, max);
}

/** A quantity of 1 to 999 units. */
export function quantity(value: unknown, name = 'qty'): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ModelError('invalid-quantity', `${name} must be an integer`);
  }
  if (value < 1 || value > 999) {
    throw new ModelError('invalid-quantity', `${name} must be 1 to 999`);
  }
  return value;
}

/** A change of quantity: a non-zero integer of at most 999 either way. */
export function delta(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value === 0) {
    throw new ModelError(
      'invalid-quantity',
      'delta must be a non-zero integer',
    );
  }
  if (Math.abs(value) > 999) {
    throw new ModelError('invalid-quantity', 'delta must be -999 to 999');
  }
  return value;
}

/** A non-negative integer number of minor units. */
export function amount(value: unknown, name: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    value > 1e12
  ) {
    throw new ModelError(
      'invalid-price',
      `${name} must be a non-negative integer of minor units`,
    );
  }
  return value;
}

export function adjustment(value: unknown, name: string): Adjustment | null {
  if (value === null) return null;
  const a = value as Partial<Adjustment> | undefined;
  if (a?.kind === 'percent') {
    const bp = (a as { basisPoints?: unknown }).basisPoints;
    if (
      typeof bp !== 'number' ||
      !Number.isInteger(bp) ||
      bp < 0 ||
      bp > 10_000
    ) {
      throw new ModelError(
        'invalid-argument',
        `${name}.basisPoints must be an integer from 0 to 10000`,
      );
    }
    return { kind: 'percent', basisPoints: bp };
  }
  if (a?.kind === 'amount') {
    const value = (a as { amount?: unknown }).amount;
    return { kind: 'amount', amount: amount(value, `${name}.amount`) };
  }
  throw new ModelError(
    'invalid-argument',
    `${name} must be null, {kind: 'percent', basisPoints} or {kind: 'amount', amount}`,
  );
}
