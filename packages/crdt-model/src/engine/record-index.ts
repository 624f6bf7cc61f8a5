import type { EngineRecord, Json, JsonObject } from './engine.ts';
import { parseKey } from './keys.ts';

/**
 * What is stored of one record. The maps are made on the first key of
 * their kind: most records of a day are only a creation entry, and a day
 * holds tens of thousands of them.
 */
interface RecordState {
  base: JsonObject | undefined;
  fields: Map<string, Json> | undefined;
  counters: Map<string, Map<string, number>> | undefined;
  sets: Map<string, Set<string>> | undefined;
  plain: EngineRecord | undefined;
}

const EMPTY = Object.freeze({});

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
      state.fields ??= new Map();
      if (value === undefined) state.fields.delete(parsed.field);
      else state.fields.set(parsed.field, value);
    } else if (parsed.kind === 'counter') {
      state.counters ??= new Map();
      const byWriter = getOrAdd(state.counters, parsed.field, () => new Map());
      if (typeof value === 'number') byWriter.set(parsed.writer, value);
      else byWriter.delete(parsed.writer);
    } else {
      state.sets ??= new Map();
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
    let state = rows.get(id);
    if (state === undefined) {
      state = {
        base: undefined,
        fields: undefined,
        counters: undefined,
        sets: undefined,
        plain: undefined,
      };
      rows.set(id, state);
    }
    return state;
  }

  #markChanged(table: string, id: string): void {
    getOrAdd(this.#changed, table, () => new Set()).add(id);
  }
}

/**
 * The frozen record, with every object's keys sorted so that both engines
 * hand out identical values. Built once per change of the record.
 */
function toPlain(id: string, state: RecordState): EngineRecord {
  return Object.freeze({
    id,
    fields: Object.freeze(mergedFields(state.base, state.fields)),
    counters: state.counters
      ? Object.freeze(plainCounters(state.counters))
      : EMPTY,
    sets: state.sets ? Object.freeze(plainSets(state.sets)) : EMPTY,
  });
}

/** The creation fields overlaid by the fields set later, keys sorted. */
function mergedFields(
  base: JsonObject | undefined,
  overlay: Map<string, Json> | undefined,
): JsonObject {
  const names = base ? Object.keys(base) : [];
  // Engines write creation fields with sorted keys, so a record never set
  // since is its creation object itself, frozen by the caller: the stored
  // value is never changed in place (a change stores a new value).
  if (!overlay && isSorted(names)) return base ?? {};
  if (overlay) {
    for (const name of overlay.keys()) {
      if (!base || !Object.hasOwn(base, name)) names.push(name);
    }
  }
  if (!isSorted(names)) names.sort();
  const fields: JsonObject = {};
  for (const name of names) {
    const set = overlay?.get(name);
    fields[name] = set === undefined ? base![name]! : set;
  }
  return fields;
}

function isSorted(names: string[]): boolean {
  for (let i = 1; i < names.length; i++) {
    if (names[i - 1]! > names[i]!) return false;
  }
  return true;
}

function plainCounters(
  counters: Map<string, Map<string, number>>,
): Record<string, Record<string, number>> {
  const plain: Record<string, Record<string, number>> = {};
  for (const name of [...counters.keys()].sort()) {
    const byWriter = counters.get(name)!;
    const writers: Record<string, number> = {};
    for (const w of [...byWriter.keys()].sort()) writers[w] = byWriter.get(w)!;
    plain[name] = writers;
  }
  return plain;
}

function plainSets(sets: Map<string, Set<string>>): Record<string, string[]> {
  const plain: Record<string, string[]> = {};
  for (const name of [...sets.keys()].sort()) {
    plain[name] = [...sets.get(name)!].sort();
  }
  return plain;
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
