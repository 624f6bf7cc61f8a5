import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { LanError } from '../errors.ts';
import { isValidDocName } from '../framing/channels.ts';

/** What a session is told about the documents it syncs. */
export interface DocListener {
  docAdded(name: string): void;
  docRemoved(name: string): void;
  localUpdate(name: string, update: Uint8Array, origin: unknown): void;
  localAwareness(name: string, update: Uint8Array, origin: unknown): void;
}

export interface DocEntry {
  name: string;
  doc: Y.Doc;
  awareness: Awareness;
}

interface Held extends DocEntry {
  ownsAwareness: boolean;
  detach: (() => void) | undefined;
}

/**
 * Stands in for a registry-made awareness while the provider is stopped;
 * it is never listened to, and its own timer is cleared at once.
 */
const STOPPED_AWARENESS = (() => {
  const placeholder = new Awareness(new Y.Doc());
  placeholder.destroy();
  return placeholder;
})();

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/**
 * The documents a provider syncs, by name, each with its awareness. While
 * the provider runs, the registry listens to every document and passes
 * local changes to the listeners (one per connected peer).
 */
export class DocRegistry {
  #docs = new Map<string, Held>();
  #listeners = new Set<DocListener>();
  #attached = false;

  get(name: string): DocEntry | undefined {
    return this.#docs.get(name);
  }

  /** The awareness of `name`; undefined for a registry-made one while detached. */
  awareness(name: string): Awareness | undefined {
    const awareness = this.#docs.get(name)?.awareness;
    return awareness === STOPPED_AWARENESS ? undefined : awareness;
  }

  names(): string[] {
    return [...this.#docs.keys()];
  }

  add(name: string, doc: Y.Doc, awareness?: Awareness): DocEntry {
    if (!isValidDocName(name)) {
      throw new LanError(
        'BAD_DOC_NAME',
        `"${name}" is not a document name (1-255 bytes, not starting with #)`,
      );
    }
    if (this.#docs.has(name)) {
      throw new LanError('DOC_EXISTS', `document "${name}" is already synced`);
    }
    const held: Held = {
      name,
      doc,
      awareness: awareness ?? STOPPED_AWARENESS,
      ownsAwareness: awareness === undefined,
      detach: undefined,
    };
    this.#docs.set(name, held);
    if (this.#attached) this.#attach(held);
    for (const listener of this.#listeners) listener.docAdded(name);
    return held;
  }

  /** Stops syncing `name`; false when it was not synced. */
  remove(name: string): boolean {
    const held = this.#docs.get(name);
    if (!held) return false;
    held.detach?.();
    this.#docs.delete(name);
    for (const listener of this.#listeners) listener.docRemoved(name);
    return true;
  }

  addListener(listener: DocListener): void {
    this.#listeners.add(listener);
  }

  removeListener(listener: DocListener): void {
    this.#listeners.delete(listener);
  }

  /** Starts listening to every document (on provider start). */
  attachAll(): void {
    this.#attached = true;
    for (const held of this.#docs.values()) this.#attach(held);
  }

  /** Stops listening to every document (on provider stop). */
  detachAll(): void {
    this.#attached = false;
    for (const held of this.#docs.values()) held.detach?.();
  }

  /** Removes every document, destroying the awareness instances it made. */
  clear(): void {
    for (const name of this.names()) this.remove(name);
  }

  /**
   * An awareness the registry made lives from attach to detach: its
   * renewal timer must not outlive the provider's `stop`.
   */
  #attach(held: Held): void {
    if (held.detach) return;
    if (held.ownsAwareness) held.awareness = new Awareness(held.doc);
    const { name, doc, awareness } = held;
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      for (const listener of this.#listeners) {
        listener.localUpdate(name, update, origin);
      }
    };
    const onAwareness = (change: AwarenessChange, origin: unknown) => {
      const clients = [...change.added, ...change.updated, ...change.removed];
      const update = encodeAwarenessUpdate(awareness, clients);
      for (const listener of this.#listeners) {
        listener.localAwareness(name, update, origin);
      }
    };
    doc.on('update', onUpdate);
    awareness.on('update', onAwareness);
    held.detach = () => {
      doc.off('update', onUpdate);
      awareness.off('update', onAwareness);
      if (held.ownsAwareness) awareness.destroy();
      held.detach = undefined;
    };
  }
}
