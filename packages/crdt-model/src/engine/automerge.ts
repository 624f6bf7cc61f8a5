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

type Handle = ReturnType<typeof A.getBackend>;
const ROOT = '_root';

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
 * It drives Automerge's document handle directly (`getBackend`) instead of
 * the immutable JavaScript view, which would copy the whole root map on
 * every change.
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
  #handle: Handle;
  #index = new RecordIndex();
  #changes = new Listeners<EngineChange>();
  #updates = new Listeners<Uint8Array>();

  constructor(options: AutomergeEngineOptions = {}) {
    const actorOption = options.actor ? { actor: options.actor } : {};
    this.#handle = A.getBackend(A.init(actorOption));
    if (options.data) this.#handle.loadIncremental(options.data);
    this.#handle.updateDiffCursor();
    for (const key of this.#handle.keys(ROOT)) this.#indexKey(key, false);
  }

  transact(writer: string, build: (tx: EngineWriter) => void): void {
    const writes = collectWrites(build);
    if (writes.length === 0) return;
    const h = this.#handle;
    for (const w of writes) {
      const root = `${w.table}/`;
      if (w.op === 'create') this.#putJson(root + baseKey(w.id), w.fields);
      else if (w.op === 'set') {
        this.#putJson(root + fieldKey(w.id, w.field), w.value);
      } else if (w.op === 'add') {
        const key = root + counterKey(w.id, w.field, writer);
        if (h.getWithType(ROOT, key)?.[0] === 'counter') {
          h.increment(ROOT, key, w.delta);
        } else h.put(ROOT, key, w.delta, 'counter');
      } else {
        const key = root + setKey(w.id, w.field, w.member);
        if (h.get(ROOT, key) === undefined) h.put(ROOT, key, true);
      }
    }
    if (h.commit() === null) return;
    this.#afterChange(true);
    const change = h.getLastLocalChange();
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
    this.#handle.loadIncremental(update);
    this.#afterChange(false);
  }

  encodeState(): Uint8Array {
    return this.#handle.save();
  }

  /** The document as a plain Automerge document (for the sync protocol). */
  toDoc(): A.Doc<unknown> {
    return A.load(this.#handle.save());
  }

  #putJson(key: string, value: Json): void {
    const current = this.#handle.get(ROOT, key);
    if (typeof current === 'string' && sameJson(JSON.parse(current), value)) {
      return;
    }
    this.#handle.put(ROOT, key, JSON.stringify(value), 'str');
  }

  #afterChange(local: boolean): void {
    const keys = new Set<string>();
    for (const patch of this.#handle.diffIncremental()) {
      const key = patch.path[0];
      if (typeof key === 'string') keys.add(key);
    }
    for (const key of keys) this.#indexKey(key);
    const tables = this.#index.takeChanges();
    if (tables.size > 0) this.#changes.emit({ tables, local });
  }

  #indexKey(key: string, announce = true): void {
    const slash = key.indexOf('/');
    if (slash < 0) return;
    const storageKey = key.slice(slash + 1);
    if (!parseKey(storageKey)) return;
    const value = this.#handle.getWithType(ROOT, key);
    this.#index.put(key.slice(0, slash), storageKey, decode(value), announce);
  }
}

function decode(value: ReturnType<Handle['getWithType']>): Json | undefined {
  if (!value) return undefined;
  const [type, content] = value;
  if (type === 'str') return JSON.parse(content) as Json;
  if (type === 'counter' || type === 'int' || type === 'uint') return content;
  if (type === 'boolean') return content;
  return undefined;
}
