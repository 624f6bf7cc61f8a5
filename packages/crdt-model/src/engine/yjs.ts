import * as Y from 'yjs';
import { collectWrites, Listeners, sameJson } from './buffered-writer.ts';
import type {
  Engine,
  EngineChange,
  EngineRecord,
  EngineWriter,
  Json,
  JsonObject,
} from './engine.ts';
import { baseKey, counterKey, fieldKey, setKey } from './keys.ts';
import { RecordIndex } from './record-index.ts';

/** The transaction origin of writes made through the engine. */
export const YJS_LOCAL_ORIGIN = Symbol('brigade-crdt-model-local');
/** The transaction origin of updates merged through `applyUpdate`. */
export const YJS_REMOTE_ORIGIN = Symbol('brigade-crdt-model-remote');

/**
 * The production engine: wraps an existing `Y.Doc`, which the till, the LAN
 * provider and the relay keep syncing on their own. Each table is a root
 * `Y.Map` of the same name; a counter contribution is the writer's running
 * total under its own key, so only that writer ever sets it.
 *
 * @example
 * const doc = new Y.Doc();
 * const day = new ServiceDay(yjsEngine(doc), { device: 'till-1', menu });
 */
export function yjsEngine(doc: Y.Doc): YjsEngine {
  return new YjsEngine(doc);
}

export class YjsEngine implements Engine {
  readonly kind = 'yjs';
  readonly doc: Y.Doc;
  #index = new RecordIndex();
  #maps = new Map<string, Y.Map<unknown>>();
  #changes = new Listeners<EngineChange>();
  #updates = new Listeners<Uint8Array>();

  constructor(doc: Y.Doc) {
    this.doc = doc;
    doc.on('afterTransaction', this.#afterTransaction);
    doc.on('update', this.#onUpdate);
  }

  transact(writer: string, build: (tx: EngineWriter) => void): void {
    const writes = collectWrites(build);
    if (writes.length === 0) return;
    this.doc.transact(() => {
      for (const w of writes) {
        const map = this.#map(w.table);
        if (w.op === 'create') {
          setIfChanged(map, baseKey(w.id), sortKeys(w.fields));
        } else if (w.op === 'set') {
          setIfChanged(map, fieldKey(w.id, w.field), w.value);
        } else if (w.op === 'add') {
          const key = counterKey(w.id, w.field, writer);
          const mine = map.get(key);
          map.set(key, (typeof mine === 'number' ? mine : 0) + w.delta);
        } else {
          const key = setKey(w.id, w.field, w.member);
          if (!map.has(key)) map.set(key, true);
        }
      }
    }, YJS_LOCAL_ORIGIN);
  }

  record(table: string, id: string): EngineRecord | undefined {
    this.#map(table);
    return this.#index.record(table, id);
  }

  ids(table: string): string[] {
    this.#map(table);
    return this.#index.ids(table);
  }

  onChange(listener: (change: EngineChange) => void): () => void {
    return this.#changes.add(listener);
  }

  onUpdate(listener: (update: Uint8Array) => void): () => void {
    return this.#updates.add(listener);
  }

  applyUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, YJS_REMOTE_ORIGIN);
  }

  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  /** Stops listening to the document; the document itself stays open. */
  destroy(): void {
    this.doc.off('afterTransaction', this.#afterTransaction);
    this.doc.off('update', this.#onUpdate);
    for (const [table, map] of this.#maps) {
      map.unobserve(this.#observers.get(table)!);
    }
    this.#maps.clear();
  }

  #observers = new Map<string, (event: Y.YMapEvent<unknown>) => void>();

  /**
   * Attaches a table on first use: indexes what is there, then follows it.
   * Root types the model never asked about are left alone, so that other
   * code may keep its own types (a `Y.Array`, say) in the same document.
   */
  #map(table: string): Y.Map<unknown> {
    let map = this.#maps.get(table);
    if (map) return map;
    map = this.doc.getMap(table);
    this.#maps.set(table, map);
    const index = this.#index;
    map.forEach((value, key) => {
      index.put(table, key, value as Json, false);
    });
    const observer = (event: Y.YMapEvent<unknown>) => {
      for (const key of event.keysChanged) {
        this.#index.put(table, key, map.get(key) as Json | undefined);
      }
    };
    this.#observers.set(table, observer);
    map.observe(observer);
    return map;
  }

  #afterTransaction = (tr: Y.Transaction) => {
    const tables = this.#index.takeChanges();
    if (tables.size === 0) return;
    this.#changes.emit({ tables, local: tr.origin === YJS_LOCAL_ORIGIN });
  };

  #onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== YJS_REMOTE_ORIGIN) this.#updates.emit(update);
  };
}

/**
 * A copy with its keys in sorted order, the order records are handed out
 * in, so that loading a record never changed since needs no sort. Only
 * here: Automerge's deflated columns grow a little with sorted keys.
 */
function sortKeys(fields: JsonObject): JsonObject {
  const sorted: JsonObject = {};
  for (const key of Object.keys(fields).sort()) sorted[key] = fields[key]!;
  return sorted;
}

function setIfChanged(map: Y.Map<unknown>, key: string, value: Json): void {
  if (!sameJson(map.get(key) as Json | undefined, value)) map.set(key, value);
}
