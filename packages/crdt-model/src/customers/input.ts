/** Validation of what a till gives the customer book. */
import type { JsonObject } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import { normaliseEmail, normalisePhone } from './normalise.ts';
import { CUSTOMER } from './records.ts';

/** What a till may give when creating or editing a customer. */
export interface CustomerInput {
  name?: string;
  phone?: string | null;
  email?: string | null;
  notes?: string;
  allergies?: string[];
  marketingConsent?: boolean;
}

/**
 * Checks and normalises the personal fields a till gives; `creating`
 * requires a name. Phone numbers without a country code take
 * `countryCode`.
 */
export function personalFields(
  input: CustomerInput,
  creating: boolean,
  countryCode: string | undefined,
): JsonObject {
  if (typeof input !== 'object' || input === null) {
    throw new ModelError('invalid-argument', 'customer must be an object');
  }
  const fields: JsonObject = {};
  if (creating || input.name !== undefined) {
    fields[CUSTOMER.name] = text(input.name, 'name', 100, true).trim();
  }
  if (input.phone !== undefined) {
    fields[CUSTOMER.phone] =
      input.phone === null || input.phone === ''
        ? null
        : normalisePhone(input.phone, countryCode);
  }
  if (input.email !== undefined) {
    fields[CUSTOMER.email] =
      input.email === null || input.email === ''
        ? null
        : normaliseEmail(input.email);
  }
  if (input.notes !== undefined) {
    fields[CUSTOMER.notes] = text(input.notes, 'notes', 1000, false);
  }
  if (input.allergies !== undefined) {
    if (!Array.isArray(input.allergies) || input.allergies.length > 30) {
      throw new ModelError(
        'invalid-argument',
        'allergies must be a list of at most 30',
        'allergies',
      );
    }
    fields[CUSTOMER.allergies] = [
      ...new Set(
        input.allergies.map((a) => text(a, 'allergies', 60, true).trim()),
      ),
    ].sort();
  }
  if (input.marketingConsent !== undefined) {
    if (typeof input.marketingConsent !== 'boolean') {
      throw new ModelError(
        'invalid-argument',
        'marketingConsent must be a boolean',
        'marketingConsent',
      );
    }
    fields[CUSTOMER.marketingConsent] = input.marketingConsent;
  }
  return fields;
}

export function text(
  value: unknown,
  name: string,
  max: number,
  required: boolean,
): string {
  if (typeof value !== 'string' || value.length > max) {
    throw new ModelError(
      'invalid-argument',
      `${name} must be a string of at most ${max} characters`,
      name,
    );
  }
  if (required && !value.trim()) {
    throw new ModelError('invalid-argument', `${name} must not be empty`, name);
  }
  return value;
}

export function checkPoints(value: unknown): number {
  if (
    !Number.isSafeInteger(value) ||
    (value as number) <= 0 ||
    (value as number) > 10_000_000
  ) {
    throw new ModelError(
      'invalid-argument',
      'points must be a positive integer',
      'points',
    );
  }
  return value as number;
}

export function orderRef(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_:/-]{1,200}$/.test(value)) {
    throw new ModelError(
      'invalid-argument',
      'orderRef must be <branch>/<date>/<orderId>',
      'orderRef',
    );
  }
  return value;
}
