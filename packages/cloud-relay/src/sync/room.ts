/**
 * One document being served: its `Y.Doc`, the awareness of its clients,
 * and the connections attached to it. Updates fan out to every other
 * connection at once, as a bare y-websocket server sends them; what waits
 * for the room's source to store them is the answer to sync step 1, the
 * message that makes a client report `synced` (see `afterStored`).
 * Awareness changes are gathered for `awarenessFlushMs` and sent as one
 * message to each connection, so a room of n clients that all move their
 * cursor costs n messages, not n².
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { awarenessMessage, SYNC, syncMessage } from './protocol.ts';

/** What a room needs from a connection. */
export interface RoomMember {
  /** Queues a message; false if the connection is closing. */
  send(message: Uint8Array): boolean;
  /** Awareness client ids this connection announced. */
  readonly awarenessClients: Set<number>;
}

/** One client's part of an awareness update. */
export interface PresenceEntry {
  clientId: number;
  clock: number;
  /** The state is null: the client is leaving. */
  removal: boolean;
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class Room {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly members = new Set<RoomMember>();
  /** When the last member left (performance.now()), or null if in use. */
  idleSince: number | null = performance.now();

  readonly #flushMs: number;
  readonly #afterStored: ((doc: Y.Doc, then: () => void) => void) | undefined;
  readonly #pending = new Set<number>();
  /**
   * Which member announced each awareness client id: an index of the
   * members' `awarenessClients`, so that checking an update costs one
   * look-up per client, not a pass over the room (stock clients echo
   * every change back, so a busy room checks n updates of n clients).
   */
  readonly #owners = new Map<number, RoomMember>();
  #flushTimer: NodeJS.Timeout | null = null;

  constructor(
    name: string,
    doc: Y.Doc,
    awarenessFlushMs: number,
    afterStored?: (doc: Y.Doc, then: () => void) => void,
  ) {
    this.name = name;
    this.doc = doc;
    this.#flushMs = awarenessFlushMs;
    this.#afterStored = afterStored;
    this.awareness = new awarenessProtocol.Awareness(doc);

    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    doc.on('update', this.#onUpdate);
    this.awareness.on('update', this.#onAwareness);
  }

  /** Adds a member; it receives updates from now on. */
  join(member: RoomMember): void {
    this.members.add(member);
    this.idleSince = null;
  }

  /** Removes a member and the presence it announced. */
  leave(member: RoomMember): void {
    if (!this.members.delete(member)) return;
    const clients = [...member.awarenessClients];
    for (const id of clients) {
      if (this.#owners.get(id) === member) this.#owners.delete(id);
    }
    if (clients.length > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, clients, null);
    }
    if (this.members.size === 0) this.idleSince = performance.now();
  }

  /**
   * True when `entries` (an awareness update from `member`) would change
   * presence that another member announced: a newer clock for its
   * client, or its removal. A connection speaks only for the presence it
   * announced first. Echoes are not changes: a stock y-websocket client
   * sends every change it receives back, with the clock it came with,
   * and applying those does nothing.
   */
  speaksForOther(
    member: RoomMember,
    entries: readonly PresenceEntry[],
  ): boolean {
    for (const { clientId, clock, removal } of entries) {
      const owner = this.#owners.get(clientId);
      if (owner === undefined || owner === member) continue;
      const current = this.awareness.meta.get(clientId)?.clock ?? -1;
      if (clock > current || (clock === current && removal)) return true;
    }
    return false;
  }

  /** Every known presence state, as one awareness message, or null. */
  awarenessSnapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    if (clients.length === 0) return null;
    return awarenessMessage(
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients),
    );
  }

  /**
   * Runs `then` once the document's changes so far are stored (at once
   * when the room's source does not store them).
   */
  afterStored(then: () => void): void {
    if (this.#afterStored) this.#afterStored(this.doc, then);
    else then();
  }

  /** Stops timers and listeners; the `Y.Doc` itself is left alone. */
  destroy(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.doc.off('update', this.#onUpdate);
    this.awareness.off('update', this.#onAwareness);
    this.awareness.destroy();
  }

  /**
   * Sends before the update is stored: a commit on the delivery path
   * would hold every room behind the slowest write. Nothing acknowledged
   * is lost by it: a client is told it is synced only after a commit,
   * and an update the relay dies before storing is still held by its
   * writer and by every client that got it, which send it back when they
   * reconnect (they answer the relay's sync step 1 with what it lacks).
   */
  readonly #onUpdate = (update: Uint8Array, origin: unknown): void => {
    const sender = this.members.has(origin as RoomMember) ? 1 : 0;
    if (this.members.size - sender === 0) return;
    const message = syncMessage(SYNC.update, update);
    for (const member of this.members) {
      if (member !== origin) member.send(message);
    }
  };

  readonly #onAwareness = (change: AwarenessChange, origin: unknown): void => {
    const member = this.#memberOf(origin);
    if (member) {
      for (const id of [...change.added, ...change.updated]) {
        member.awarenessClients.add(id);
        this.#owners.set(id, member);
      }
      for (const id of change.removed) {
        member.awarenessClients.delete(id);
        if (this.#owners.get(id) === member) this.#owners.delete(id);
      }
    }
    for (const id of [...change.added, ...change.updated, ...change.removed]) {
      this.#pending.add(id);
    }
    this.#flushTimer ??= setTimeout(this.#flush, this.#flushMs);
  };

  readonly #flush = (): void => {
    this.#flushTimer = null;
    const clients = [...this.#pending];
    this.#pending.clear();
    if (clients.length === 0 || this.members.size === 0) return;
    const message = awarenessMessage(
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients),
    );
    for (const member of this.members) member.send(message);
  };

  #memberOf(origin: unknown): RoomMember | undefined {
    return this.members.has(origin as RoomMember)
      ? (origin as RoomMember)
      : undefined;
  }
}
