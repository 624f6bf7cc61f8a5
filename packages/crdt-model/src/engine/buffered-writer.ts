import type { EngineWriter, Json, JsonObject } from './engine.ts';
import { ID_PATTERN } from './keys.ts';

/** One write collected by {@link collectWrites}. */
export type Write =
  | { op: 'create'; table: string; id: string; fields: JsonObject }
  | { op: 'set'; table: string; id: string; field: string; value: Json }
  | { op: 'add'; table: string; id: string; field: string; delta: number }
  | {
      op: 'addToSet';
      table: string;
      id: string;
      field: string;
      member: string;
    };

/**
 * Runs `build` against a writer that only records, so that an engine can
 * apply the writes in one transaction, and none at all if `build` throws.
 */
export function collectWrites(build: (tx: EngineWriter) => void): Write[] {
  const writes: Write[] = [];
  const check = (id: string, field?: string) => {
    if (!ID_PATTERN.test(id)) throw new TypeError(`bad record id: ${id}`);
    if (field !== undefined && !ID_PATTERN.test(field)) {
      throw new TypeError(`bad field name: ${field}`);
    }
  };
  build({
    create(table, id, fields) {
      check(id);
      writes.push({ op: 'create', table, id, fields });
    },
    set(table, id, field, value) {
      check(id, field);
      writes.push({ op: 'set', table, id, field, value });
    },
    add(table, id, field, delta) {
      check(id, field);
      if (!Number.isSafeInteger(delta)) {
        throw new TypeError(`counter delta must be an integer: ${delta}`);
      }
      if (delta !== 0) writes.push({ op: 'add', table, id, field, delta });
    },
    addToSet(table, id, field, member) {
      check(id, field);
      writes.push({ op: 'addToSet', table, id, field, member });
    },
  });
  return writes;
}

/** A typed set of listeners; `add` returns the function that removes it. */
export class Listeners<T> {
  #listeners = new Set<(event: T) => void>();

  add(listener: (event: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls every listener. One that throws does not stop the others nor the
   * transaction that emitted: its error surfaces as an unhandled rejection.
   */
  emit(event: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        void Promise.reject(error);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}

/** Deep equality of two JSON values (key order ignored). */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    return a.every((item, i) => sameJson(item, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => sameJson(a[key], b[key]));
}
