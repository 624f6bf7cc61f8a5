/**
 * How refusals of the domain packages reach the API's caller: the
 * model's and the store's stable codes kept as they are, with a status
 * that says whose fault it is and, where it is clear, the field at fault.
 */
import { ModelError, type ModelErrorCode } from '@brigade/crdt-model';
import { StoreError, type StoreErrorCode } from '@brigade/store';
import { ApiError } from '../http/api-error.ts';

const NOT_FOUND: ReadonlySet<string> = new Set([
  'unknown-order',
  'unknown-line',
  'unknown-ticket',
  'missing-original',
  'unknown-stock',
  'unknown-customer',
]);

/** Input the caller got wrong (400), with the field when one is to blame. */
const BAD_INPUT: Partial<Record<ModelErrorCode | StoreErrorCode, string>> = {
  'invalid-argument': '',
  'invalid-price': '',
  'invalid-quantity': 'qty',
  'quantity-below-zero': 'delta',
  'unknown-item': 'itemId',
  'item-unavailable': 'itemId',
  'unknown-modifier': 'modifiers',
  'invalid-menu': '',
};

/** The API error for a domain error, or the error itself if it is not one. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof ModelError) && !(error instanceof StoreError)) {
    return error;
  }
  const code = error.code;
  if (NOT_FOUND.has(code)) return new ApiError(404, code, error.message);
  const field = BAD_INPUT[code];
  if (field !== undefined) {
    const path = error instanceof ModelError ? error.path : undefined;
    return new ApiError(400, code, error.message, path || field || undefined);
  }
  if (code.startsWith('store-')) {
    return new ApiError(503, code, error.message);
  }
  return new ApiError(409, code, error.message);
}

/** Runs `fn`, translating domain errors on the way out. */
export function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toApiError(error);
  }
}
