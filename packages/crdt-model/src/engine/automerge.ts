import * as A from '@automerge/automerge';
import { collectWrites, Listeners, sameJson } from './buffered-writer.ts';
import type {
  Engine,
  EngineChange,
  EngineRecord,
  EngineWriter,
  Json,
} from './engine.ts';
import { baseKey, counterKey, fieldKey, parseKey, setKey } from './keys.ts';
import { RecordIndex } from './record-index.ts';

type RootDoc = Record<string, unknown>;

export interface AutomergeEngineOptions {
  /** A saved document (`encodeState()` of another engine) to load. */
  data?: Uint8Array;
  /** Automerge actor id (hex); default a random one. */
  actor?: string;
}

/**
 * The comparison engine: the same tables on `@automerge/automerge`. Every
 * table lives in the root map under `<table>/<storage key>`, so there is no
 * shared container that two replicas could create concurrently. Counters
 * are native Automerge counters, one per writer; field values are stored as
 * immutable JSON strings.
 *
 * @example
 * const day = new ServiceDay(automergeEngine(), { device: 'till-1', menu });
 */
export function automergeEngine(
  options: AutomergeEngineOptions = {},
): AutomergeEngine {
  return new AutomergeEngine(options);
}

export class AutomergeEngine implements Engine {
  readonly kind = 'automerge';
  #doc: A.Doc<RootDoc>;
  #index = new RecordIndex();
  #changes = new Listeners<EngineChange>();
  #updates = new Listeners<Uint8Array>();

  constructor(options: AutomergeEngineOptions = {}) {
    const actorOption = options.actor ? { actor: options.actor } : {};
    this.#doc = options.data
      ? A.load<RootDoc>(options.data, actorOption)
      : A.init<RootDoc>(actorOption);
    for (const key of Object.keys(this.#doc)) this.#indexKey(this.#doc, key);
    this.#index.takeChanges();
  }

  /** The current Automerge document (for sync and benchmarks). */
  get doc(): A.Doc<RootDoc> {
    return this.#doc;
  }

  transact(writer: string, build: (tx: EngineWriter) => void): void {
    const writes = collectWrites(build);
    if (writes.length === 0) return;
    const before = this.#doc;
    this.#doc = A.change(
      this.#doc,
      { patchCallback: this.#onPatches },
      (d: RootDoc) => {
        for (const w of writes) {
          const root = `${w.table}/`;
          if (w.op === 'create') putJson(d, root + baseKey(w.id), w.fields);
          else if (w.op === 'set') {
            putJson(d, root + fieldKey(w.id, w.field), w.value);
          } else if (w.op === 'add') {
            const key = root + counterKey(w.id, w.field, writer);
            const mine = d[key];
            if (mine instanceof A.Counter) mine.increment(w.delta);
            else d[key] = new A.Counter(w.delta);
          } else {
            const key = root + setKey(w.id, w.field, w.member);
            if (d[key] === undefined) d[key] = true;
          }
        }
      },
    );
    if (this.#doc === before) return;
    this.#emit(true);
    const change = A.getLastLocalChange(this.#doc);
    if (change) this.#updates.emit(change);
  }

  record(table: string, id: string): EngineRecord | undefined {
    return this.#index.record(table, id);
  }

  ids(table: string): string[] {
    return this.#index.ids(table);
  }

  onChange(listener: (change: EngineChange) => void): () => void {
    return this.#changes.add(listener);
  }

  onUpdate(listener: (update: Uint8Array) => void): () => void {
    return this.#updates.add(listener);
  }

  /**
   * Merges encoded changes or a saved document. A change whose
   * dependencies have not arrived yet waits inside Automerge until they do.
   */
  applyUpdate(update: Uint8Array): void {
    this.#doc = A.loadIncremental(this.#doc, update, {
      patchCallback: this.#onPatches,
    });
    this.#emit(false);
  }

  encodeState(): Uint8Array {
    return A.save(this.#doc);
  }

  #onPatches = (patches: A.Patch[], info: { after: A.Doc<RootDoc> }) => {
    const keys = new Set<string>();
    for (const patch of patches) {
      const key = patch.path[0];
      if (typeof key === 'string') keys.add(key);
    }
    for (const key of keys) this.#indexKey(info.after, key);
  };

  #indexKey(doc: A.Doc<RootDoc>, key: string): void {
    const slash = key.indexOf('/');
    if (slash < 0) return;
    const storageKey = key.slice(slash + 1);
    if (!parseKey(storageKey)) return;
    this.#index.put(key.slice(0, slash), storageKey, readValue(doc[key]));
  }

  #emit(local: boolean): void {
    const tables = this.#index.takeChanges();
    if (tables.size > 0) this.#changes.emit({ tables, local });
  }
}

function putJson(d: RootDoc, key: string, value: Json): void {
  const current = d[key];
  if (current instanceof A.ImmutableString) {
    if (sameJson(JSON.parse(current.val) as Json, value)) return;
  }
  d[key] = new A.ImmutableString(JSON.stringify(value));
}

function readValue(value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  if (value instanceof A.ImmutableString) return JSON.parse(value.val) as Json;
  if (value instanceof A.Counter) return value.value;
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  return undefined;
}
