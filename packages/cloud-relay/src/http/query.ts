/**
 * Query-string parameters of the GET endpoints, each checked with a 400
 * naming the parameter. Unknown and repeated parameters are refused too,
 * so a typo (`?devcie=`) is an error rather than a silently wider answer.
 */
import { isCalendarDate } from '../journal/validate.ts';
import { invalidField } from './errors.ts';

/** The parameters of one request, checked against what the route takes. */
export class Query {
  readonly #params: URLSearchParams;

  constructor(params: URLSearchParams, allowed: readonly string[]) {
    this.#params = params;
    const seen = new Set<string>();
    for (const key of params.keys()) {
      if (!allowed.includes(key)) {
        throw invalidField(key, `is not a parameter of this endpoint`);
      }
      if (seen.has(key)) throw invalidField(key, 'is given more than once');
      seen.add(key);
    }
  }

  /** A required id such as `branch` or `device`. */
  id(name: string): string {
    const value = this.#params.get(name);
    if (value === null || value.length === 0) {
      throw invalidField(name, 'is required');
    }
    if (value.length > 128 || value.trim() !== value) {
      throw invalidField(name, 'must be 1 to 128 characters, no spaces around');
    }
    return value;
  }

  /** The required `branch`; `*` is a token's wildcard, not a branch. */
  branch(): string {
    const branch = this.id('branch');
    if (branch === '*') throw invalidField('branch', 'must name one branch');
    return branch;
  }

  /** An optional integer in `[min, max]`, else `fallback`. */
  int(name: string, min: number, max: number, fallback: number): number {
    const value = this.#params.get(name);
    if (value === null) return fallback;
    const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw invalidField(name, `must be an integer from ${min} to ${max}`);
    }
    return n;
  }

  /** A required `YYYY-MM-DD` date. */
  date(name: string): string {
    const value = this.#params.get(name);
    if (value === null) throw invalidField(name, 'is required');
    if (!isCalendarDate(value)) {
      throw invalidField(name, 'must be a date like 2026-01-31');
    }
    return value;
  }
}

/** Whole days from `from` to `to` (0 when equal). */
export function daysBetween(from: string, to: string): number {
  return (
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
    86_400_000
  );
}
