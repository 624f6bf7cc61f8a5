/**
 * Checks of request bodies at the API's edge, each failure a 400 naming
 * the field, before anything is read from or written to the documents.
 */
import { badRequest } from '../http/api-error.ts';

export type Body = Record<string, unknown>;

/** The body as an object; `{}` for an empty body when `optional`. */
export function objectBody(body: unknown, optional = false): Body {
  if (body === undefined && optional) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('invalid-body', 'the body must be a JSON object');
  }
  return body as Body;
}

export function text(body: Body, field: string, max = 200): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(
      'invalid-field',
      `${field} must be a non-empty string`,
      field,
    );
  }
  if (value.length > max) {
    throw badRequest('invalid-field', `${field} is longer than ${max}`, field);
  }
  return value;
}

export function optionalText(
  body: Body,
  field: string,
  max = 500,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw badRequest('invalid-field', `${field} must be a string`, field);
  }
  if (value.length > max) {
    throw badRequest('invalid-field', `${field} is longer than ${max}`, field);
  }
  return value;
}

export function integer(
  body: Body,
  field: string,
  range: { min?: number; max?: number } = {},
): number {
  const value = body[field];
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw badRequest(
      'invalid-field',
      `${field} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}`,
      field,
    );
  }
  if ((value as number) > max) {
    throw badRequest('invalid-field', `${field} must be at most ${max}`, field);
  }
  return value as number;
}

export function optionalInteger(
  body: Body,
  field: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  if (body[field] === undefined || body[field] === null) return undefined;
  return integer(body, field, range);
}

export function stringList(body: Body, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest(
      'invalid-field',
      `${field} must be an array of strings`,
      field,
    );
  }
  return value as string[];
}

/** Each element of an array field as an object, with its path for errors. */
export function objectList(body: Body, field: string): [Body, string][] {
  const value = body[field];
  if (!Array.isArray(value)) {
    throw badRequest('invalid-field', `${field} must be an array`, field);
  }
  return value.map((item, i) => {
    const path = `${field}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw badRequest('invalid-field', `${path} must be an object`, path);
    }
    return [item as Body, path];
  });
}

/** Re-throws a field error of an element with the element's path. */
export function within<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    const e = error as { field?: string; message?: string };
    if (e.field) {
      throw badRequest(
        'invalid-field',
        `${path}.${e.message ?? ''}`,
        `${path}.${e.field}`,
      );
    }
    throw error;
  }
}
