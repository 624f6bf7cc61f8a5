import {
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CLOSE_CODES } from '../close-codes.ts';
import { ProtocolError } from '../errors.ts';
import type { SyncState } from '../events.ts';
import type { DocEntry } from './doc-registry.ts';
import type { InitialSyncGate } from './initial-sync-gate.ts';
import type { Link } from './link.ts';
import { DOC } from './messages.ts';
import {
  decodeAwareness,
  decodeSyncMessage,
  encodeStep1,
  encodeStep2,
  encodeUpdate,
} from './y-messages.ts';

/**
 * One document synced with one peer: the y-protocols handshake (each side
 * sends its state vector, the other answers with what is missing), then
 * live updates and awareness both ways.
 */
export class DocChannel {
  readonly #entry: DocEntry;
  readonly #link: Link;
  readonly #gate: InitialSyncGate<object>;
  /** The session; used as the transaction origin of applied updates. */
  readonly #origin: object;
  readonly #onState: () => void;
  /** The peer holds this document (it sent a sync message for it). */
  #peerHolds = false;
  /** Our state vector went out and its answer has not come back. */
  #pending = false;
  #synced = false;
  #awarenessClients = new Set<number>();

  constructor(
    entry: DocEntry,
    link: Link,
    gate: InitialSyncGate<object>,
    origin: object,
    onState: () => void,
  ) {
    this.#entry = entry;
    this.#link = link;
    this.#gate = gate;
    this.#origin = origin;
    this.#onState = onState;
  }

  /** Asks the peer for what this side is missing, when the gate allows. */
  open(): void {
    this.#gate.request(this.#entry.name, this.#origin, () => {
      this.#pending = true;
      this.#send(DOC.SYNC, encodeStep1(this.#entry.doc));
    });
  }

  state(): SyncState {
    const queued = this.#gate.isQueued(this.#entry.name, this.#origin);
    const waiting =
      this.#pending || queued || (this.#peerHolds && !this.#synced);
    return waiting ? 'syncing' : 'synced';
  }

  receive(type: number, payload: Uint8Array): void {
    if (type === DOC.SYNC) this.#sync(payload);
    else if (type === DOC.AWARENESS) this.#awareness(payload);
    else if (type === DOC.ABSENT) this.#absent();
    else {
      throw new ProtocolError(
        CLOSE_CODES.UNKNOWN_MESSAGE,
        `document message type ${type}`,
      );
    }
  }

  localUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this.#origin || !this.#peerHolds) return;
    this.#send(DOC.SYNC, encodeUpdate(update));
  }

  localAwareness(update: Uint8Array, origin: unknown): void {
    if (origin === this.#origin || !this.#peerHolds) return;
    this.#send(DOC.AWARENESS, update);
  }

  /** This side stopped syncing the document: tell the peer, then let go. */
  removed(): void {
    this.#send(DOC.ABSENT, new Uint8Array());
    this.dispose();
  }

  /** Releases the gate and forgets the awareness states that came from the peer. */
  dispose(): void {
    this.#gate.release(this.#entry.name, this.#origin);
    const { awareness } = this.#entry;
    const clients = [...this.#awarenessClients].filter(
      (c) => c !== awareness.clientID && awareness.getStates().has(c),
    );
    if (clients.length > 0) {
      removeAwarenessStates(awareness, clients, this.#origin);
    }
    this.#awarenessClients.clear();
  }

  #sync(payload: Uint8Array): void {
    const message = decodeSyncMessage(payload);
    this.#peerNowHolds();
    const { doc } = this.#entry;
    if (message.kind === 'step1') {
      this.#send(DOC.SYNC, encodeStep2(doc, message.stateVector));
      const asked = this.#pending || this.#synced;
      if (!asked && !this.#gate.isQueued(this.#entry.name, this.#origin)) {
        this.open();
      }
      return;
    }
    this.#apply(message.update);
    if (message.kind === 'step2') {
      this.#pending = false;
      this.#synced = true;
      this.#gate.release(this.#entry.name, this.#origin);
      this.#onState();
    }
  }

  #apply(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.#entry.doc, update, this.#origin);
    } catch {
      throw new ProtocolError(
        CLOSE_CODES.MESSAGE_MALFORMED,
        'document update failed to apply',
      );
    }
  }

  #awareness(payload: Uint8Array): void {
    const clients = decodeAwareness(payload);
    applyAwarenessUpdate(this.#entry.awareness, payload, this.#origin);
    for (const client of clients) this.#awarenessClients.add(client);
  }

  #absent(): void {
    this.#peerHolds = false;
    this.#pending = false;
    this.#synced = false;
    this.#gate.release(this.#entry.name, this.#origin);
    this.#onState();
  }

  /** On the first sign that the peer holds the document, show who is here. */
  #peerNowHolds(): void {
    if (this.#peerHolds) return;
    this.#peerHolds = true;
    const { awareness } = this.#entry;
    const clients = [...awareness.getStates().keys()];
    if (clients.length > 0) {
      this.#send(DOC.AWARENESS, encodeAwarenessUpdate(awareness, clients));
    }
    this.#onState();
  }

  #send(type: number, payload: Uint8Array): void {
    this.#link.send(this.#entry.name, type, payload);
  }
}
