/** Events a provider emits, each with one typed payload object. */

/** `synced`: nothing known to be missing; `syncing`: an exchange is under way. */
export type SyncState = 'synced' | 'syncing';

/** A device on the other end of a connection. */
export interface PeerInfo {
  device: string;
  role: string;
  /** The peer's IP address as seen from here. */
  address: string;
  /** The TCP port the peer listens on. */
  port: number;
}

export interface PeerDisconnected extends PeerInfo {
  /** A value of `CLOSE_CODES`. */
  code: number;
  /** The constant's name, such as `'HEARTBEAT_TIMEOUT'`. */
  codeName: string;
  reason: string;
  /** True when the peer sent the close frame, false when this side closed. */
  byPeer: boolean;
}

export interface SyncStateChange {
  /** `synced` when every connected peer is synced (or none is connected). */
  state: SyncState;
  /** The state towards each connected peer, by device id. */
  peers: Record<string, SyncState>;
}

export interface InputRejected {
  /** The peer's device id, or null before its hello arrived. */
  device: string | null;
  address: string;
  code: number;
  codeName: string;
  reason: string;
}

export interface LanEvents {
  'peer-connected': PeerInfo;
  'peer-disconnected': PeerDisconnected;
  'sync-state': SyncStateChange;
  'input-rejected': InputRejected;
}

type Listener<T> = (payload: T) => void;

/**
 * A small typed emitter. Listeners are kept per event so that `off`
 * removes exactly what `on` added, and `removeAll` empties everything.
 */
export class TypedEmitter<Events extends object> {
  #listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return this;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
    return this;
  }

  /** Resolves with the next payload of `event`. */
  once<K extends keyof Events>(event: K): Promise<Events[K]> {
    return new Promise((resolve) => {
      const listener = (payload: Events[K]) => {
        this.off(event, listener);
        resolve(payload);
      };
      this.on(event, listener);
    });
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      (listener as Listener<Events[K]>)(payload);
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
