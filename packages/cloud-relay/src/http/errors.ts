/**
 * The one error the API answers with: an HTTP status, a stable string
 * `code`, and for bad input the `field` at fault, so that a client can
 * point at the exact part of its request that was refused.
 */

/** Stable codes of the API's error responses. */
export type ApiErrorCode =
  | 'token-missing'
  | 'token-malformed'
  | 'token-forged'
  | 'token-expired'
  | 'token-revoked'
  | 'forbidden'
  | 'invalid-json'
  | 'invalid-field'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'method-not-allowed'
  | 'busy'
  | 'internal';

/** A request the API refuses; the handler turns it into a JSON answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The response body: `{error: {code, message, field?}}`. */
  toJSON(): { error: { code: string; message: string; field?: string } } {
    const error = { code: this.code, message: this.message };
    return { error: this.field ? { ...error, field: this.field } : error };
  }
}

/** Longest field path echoed back (a body may use absurd key names). */
const MAX_FIELD_LENGTH = 200;

/** A 400 naming the field: the shape every validator throws. */
export function invalidField(field: string, message: string): ApiError {
  const shown =
    field.length > MAX_FIELD_LENGTH
      ? `${field.slice(0, MAX_FIELD_LENGTH)}…`
      : field;
  return new ApiError(400, 'invalid-field', `${shown}: ${message}`, shown);
}
