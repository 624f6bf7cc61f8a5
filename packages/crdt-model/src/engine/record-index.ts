import type { EngineRecord, Json, JsonObject } from './engine.ts';
import { parseKey } from './keys.ts';

interface RecordState {
  base: JsonObject | undefined;
  fields: Map<string, Json>;
  counters: Map<string, Map<string, number>>;
  sets: Map<string, Set<string>>;
  plain: EngineRecord | undefined;
}

/**
 * The merged records of every table, kept up to date key by key as an
 * engine reports changed storage keys. Both engines feed one of these, so
 * they hand the domain identical records by construction.
 */
export class RecordIndex {
  #tables = new Map<string, Map<string, RecordState>>();
  #changed = new Map<string, Set<string>>();

  /**
   * Records the current value of one storage key (undefined: absent);
   * `announce` false leaves it out of the next {@link takeChanges}.
   */
  put(
    table: string,
    key: string,
    value: Json | undefined,
    announce = true,
  ): void {
    const parsed = parseKey(key);
    if (!parsed) return;
    const state = this.#state(table, parsed.id);
    state.plain = undefined;
    if (announce) this.#markChanged(table, parsed.id);

    if (parsed.kind === 'base') {
      state.base = isObject(value) ? value : undefined;
    } else if (parsed.kind === 'field') {
      if (value === undefined) state.fields.delete(parsed.field);
      else state.fields.set(parsed.field, value);
    } else if (parsed.kind === 'counter') {
      const byWriter = getOrAdd(state.counters, parsed.field, () => new Map());
      if (typeof value === 'number') byWriter.set(parsed.writer, value);
      else byWriter.delete(parsed.writer);
    } else {
      const members = getOrAdd(state.sets, parsed.field, () => new Set());
      if (value === undefined) members.delete(parsed.member);
      else members.add(parsed.member);
    }
  }

  /** The merged record, or undefined if nothing of it is stored. */
  record(table: string, id: string): EngineRecord | undefined {
    const state = this.#tables.get(table)?.get(id);
    if (!state) return undefined;
    state.plain ??= toPlain(id, state);
    return state.plain;
  }

  ids(table: string): string[] {
    return [...(this.#tables.get(table)?.keys() ?? [])];
  }

  /** The records changed since the last call, by table. */
  takeChanges(): Map<string, Set<string>> {
    const changed = this.#changed;
    this.#changed = new Map();
    return changed;
  }

  #state(table: string, id: string): RecordState {
    const rows = getOrAdd(this.#tables, table, () => new Map());
    return getOrAdd(rows, id, () => ({
      base: undefined,
      fields: new Map(),
      counters: new Map(),
      sets: new Map(),
      plain: undefined,
    }));
  }

  #markChanged(table: string, id: string): void {
    getOrAdd(this.#changed, table, () => new Set()).add(id);
  }
}

function toPlain(id: string, state: RecordState): EngineRecord {
  const fields: JsonObject = { ...state.base };
  for (const [name, value] of state.fields) fields[name] = value;

  const counters: Record<string, Record<string, number>> = {};
  for (const [name, byWriter] of state.counters) {
    const writers = [...byWriter.keys()].sort();
    counters[name] = Object.fromEntries(
      writers.map((w) => [w, byWriter.get(w) ?? 0]),
    );
  }

  const sets: Record<string, string[]> = {};
  for (const [name, members] of state.sets) sets[name] = [...members].sort();

  return Object.freeze({
    id,
    fields: Object.freeze(sortKeys(fields)),
    counters: Object.freeze(sortKeys(counters)),
    sets: Object.freeze(sortKeys(sets)),
  });
}

function sortKeys<T>(object: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(object).sort()) sorted[key] = object[key]!;
  return sorted;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
