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

/**
 * Records are spread over this many maps under the root (`b0` ... `b15`),
 * by a hash of table and id: Automerge slows down as one map grows, and a
 * busy day holds tens of thousands of keys.
 */
const BUCKETS = 16;
const GENESIS_ACTOR = '00000000000000000000000000000000';
let genesisHandle: Handle | undefined;

const bucketName = (i: number) => `b${i}`;

function bucketOf(table: string, id: string): number {
  let h = 0x811c9dc5;
  const key = `${table}/${id}`;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/**
 * The first change of every document: it creates the bucket maps with a
 * fixed actor and time, so it is byte for byte the same change on every
 * replica and the maps are shared instead of created concurrently.
 */
function genesis(): Handle {
  if (!genesisHandle) {
    genesisHandle = A.getBackend(A.init({ actor: GENESIS_ACTOR }));
    for (let i = 0; i < BUCKETS; i++) {
      genesisHandle.putObject(ROOT, bucketName(i), {});
    }
    genesisHandle.commit(null, 0);
  }
  return genesisHandle;
}

export interface AutomergeEngineOptions {
  /** A saved document (`encodeState()` of another engine) to load. */
  data?: Uint8Array;
  /** Automerge actor id (hex); default a random one. */
  actor?: string;
}

/**
 * The comparison engine: the same tables on `@automerge/automerge`. Every
 * record lives under `<table>/<storage key>` in one of 16 bucket maps that
 * a shared first change creates, so there is no container that two
 * replicas could create concurrently. Counters
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
  #buckets: string[];
  #index = new RecordIndex();
  #changes = new Listeners<EngineChange>();
  #updates = new Listeners<Uint8Array>();

  constructor(options: AutomergeEngineOptions = {}) {
    if (options.data) {
      const actorOption = options.actor ? { actor: options.actor } : {};
      this.#handle = A.getBackend(A.init(actorOption));
      this.#handle.loadIncremental(options.data);
    } else {
      this.#handle = genesis().fork(options.actor);
    }
    this.#handle.updateDiffCursor();
    this.#buckets = Array.from({ length: BUCKETS }, (_, i) => {
      const found = this.#handle.getWithType(ROOT, bucketName(i));
      if (found?.[0] !== 'map') throw new Error('not a Brigade Automerge day');
      return found[1];
    });
    if (!options.data) return;
    for (const bucket of this.#buckets) {
      for (const key of this.#handle.keys(bucket)) {
        this.#indexKey(bucket, key, false);
      }
    }
  }

  transact(writer: string, build: (tx: EngineWriter) => void): void {
    const writes = collectWrites(build);
    if (writes.length === 0) return;
    const h = this.#handle;
    for (const w of writes) {
      const obj = this.#buckets[bucketOf(w.table, w.id)]!;
      const root = `${w.table}/`;
      if (w.op === 'create') {
        this.#putJson(obj, root + baseKey(w.id), w.fields);
      } else if (w.op === 'set') {
        this.#putJson(obj, root + fieldKey(w.id, w.field), w.value);
      } else if (w.op === 'add') {
        const key = root + counterKey(w.id, w.field, writer);
        if (h.getWithType(obj, key)?.[0] === 'counter') {
          h.increment(obj, key, w.delta);
        } else h.put(obj, key, w.delta, 'counter');
      } else {
        const key = root + setKey(w.id, w.field, w.member);
        if (h.get(obj, key) === undefined) h.put(obj, key, true);
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
    // A single change goes through `applyChanges`, much cheaper on a large
    // document than `loadIncremental`, which takes whole saved documents.
    if (isChange(update)) this.#handle.applyChanges([update]);
    else this.#handle.loadIncremental(update);
    this.#afterChange(false);
  }

  encodeState(): Uint8Array {
    return this.#handle.save();
  }

  /** The document as a plain Automerge document (for the sync protocol). */
  toDoc(): A.Doc<unknown> {
    return A.load(this.#handle.save());
  }

  #putJson(obj: string, key: string, value: Json): void {
    const current = this.#handle.get(obj, key);
    if (typeof current === 'string' && sameJson(JSON.parse(current), value)) {
      return;
    }
    this.#handle.put(obj, key, JSON.stringify(value), 'str');
  }

  #afterChange(local: boolean): void {
    const keys = new Map<string, number>();
    for (const patch of this.#handle.diffIncremental()) {
      const [bucket, key] = patch.path;
      if (typeof bucket !== 'string' || typeof key !== 'string') continue;
      const i = Number(bucket.slice(1));
      if (bucket === bucketName(i)) keys.set(key, i);
    }
    for (const [key, i] of keys) this.#indexKey(this.#buckets[i]!, key);
    const tables = this.#index.takeChanges();
    if (tables.size > 0) this.#changes.emit({ tables, local });
  }

  #indexKey(obj: string, key: string, announce = true): void {
    const slash = key.indexOf('/');
    if (slash < 0) return;
    const storageKey = key.slice(slash + 1);
    if (!parseKey(storageKey)) return;
    const value = this.#handle.getWithType(obj, key);
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

/**
 * True for an encoded change chunk: after the 4 magic bytes and the 4-byte
 * checksum, chunk type 1 (change) or 2 (compressed change); 0 is a
 * document.
 */
function isChange(bytes: Uint8Array): boolean {
  const type = bytes[8];
  return bytes.length > 8 && (type === 1 || type === 2);
}
