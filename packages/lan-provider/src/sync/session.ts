import type { Logger } from '@brigade/log';
import { CLOSE_CODES } from '../close-codes.ts';
import type { LanCounters } from '../counters.ts';
import { ProtocolError } from '../errors.ts';
import type { PeerInfo, SyncState } from '../events.ts';
import { channelKind } from '../framing/channels.ts';
import type { Frame } from '../framing/frame.ts';
import { DocChannel } from './doc-channel.ts';
import type { DocListener, DocRegistry } from './doc-registry.ts';
import type { InitialSyncGate } from './initial-sync-gate.ts';
import { JournalChannel } from './journal-channel.ts';
import type { JournalHub } from './journal-hub.ts';
import type { Link } from './link.ts';
import { CONTROL, DOC } from './messages.ts';

export interface SessionContext {
  docs: DocRegistry;
  gate: InitialSyncGate<object>;
  journal: JournalHub | undefined;
  journalBatch: number;
  maxFrameBytes: number;
  counters: LanCounters;
  log: Logger;
  /** Called whenever this session's sync state may have changed. */
  onState: () => void;
}

/**
 * Everything synced with one peer after the hello: a channel per document
 * both hold, and the journal. Frames are routed by channel name; a
 * protocol error closes the link with its code and changes nothing.
 */
export class PeerSession implements DocListener {
  readonly peer: PeerInfo;
  readonly #link: Link;
  readonly #context: SessionContext;
  readonly #docs = new Map<string, DocChannel>();
  readonly #journal: JournalChannel;
  readonly #unsubscribeJournal: () => void;
  /** Documents this side told the peer it does not hold. */
  readonly #saidAbsent = new Set<string>();
  #disposed = false;

  constructor(peer: PeerInfo, link: Link, context: SessionContext) {
    this.peer = peer;
    this.#link = link;
    this.#context = context;
    this.#journal = new JournalChannel(
      context.journal,
      link,
      peer.device,
      context.gate,
      this,
      {
        batch: context.journalBatch,
        maxFrameBytes: context.maxFrameBytes,
        counters: context.counters,
        log: context.log,
      },
      context.onState,
    );
    this.#unsubscribeJournal =
      context.journal?.onChange(() => this.#journal.headsChanged()) ??
      (() => {});
    context.docs.addListener(this);
  }

  /** Starts the first sync of every document and of the journal. */
  open(): void {
    for (const name of this.#context.docs.names()) this.#channel(name)?.open();
    this.#journal.open();
  }

  state(): SyncState {
    if (this.#journal.state() === 'syncing') return 'syncing';
    for (const channel of this.#docs.values()) {
      if (channel.state() === 'syncing') return 'syncing';
    }
    return 'synced';
  }

  /** Handles one frame; returns false when it closed the link. */
  receive(frame: Frame): boolean {
    if (this.#disposed) return false;
    try {
      this.#route(frame);
      return true;
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#link.close(error.closeCode, error.message);
      return false;
    }
  }

  docAdded(name: string): void {
    this.#saidAbsent.delete(name);
    this.#channel(name)?.open();
  }

  docRemoved(name: string): void {
    this.#docs.get(name)?.removed();
    this.#docs.delete(name);
    this.#context.onState();
  }

  localUpdate(name: string, update: Uint8Array, origin: unknown): void {
    if (this.#isPeerOrigin(origin)) return;
    this.#docs.get(name)?.localUpdate(update, origin);
  }

  localAwareness(name: string, update: Uint8Array, origin: unknown): void {
    if (this.#isPeerOrigin(origin)) return;
    this.#docs.get(name)?.localAwareness(update, origin);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#context.docs.removeListener(this);
    this.#unsubscribeJournal();
    for (const channel of this.#docs.values()) channel.dispose();
    this.#docs.clear();
    this.#journal.dispose();
  }

  #route(frame: Frame): void {
    const kind = channelKind(frame.channel);
    if (kind === 'doc') this.#doc(frame);
    else if (kind === 'journal')
      this.#journal.receive(frame.type, frame.payload);
    else if (kind === 'control' && frame.type === CONTROL.HELLO) {
      throw new ProtocolError(CLOSE_CODES.PROTOCOL_VIOLATION, 'second hello');
    } else {
      throw new ProtocolError(
        CLOSE_CODES.UNKNOWN_CHANNEL,
        `unknown channel ${JSON.stringify(frame.channel)}`,
      );
    }
  }

  #doc(frame: Frame): void {
    const channel = this.#channel(frame.channel);
    if (channel) {
      channel.receive(frame.type, frame.payload);
      return;
    }
    if (frame.type > DOC.ABSENT) {
      throw new ProtocolError(
        CLOSE_CODES.UNKNOWN_MESSAGE,
        `document message type ${frame.type}`,
      );
    }

    // A document this side does not sync: say so once, so the peer stops
    // sending it and does not wait for an answer.
    if (frame.type === DOC.SYNC && !this.#saidAbsent.has(frame.channel)) {
      this.#saidAbsent.add(frame.channel);
      this.#link.send(frame.channel, DOC.ABSENT, new Uint8Array());
    }
  }

  #channel(name: string): DocChannel | undefined {
    const existing = this.#docs.get(name);
    if (existing) return existing;
    const entry = this.#context.docs.get(name);
    if (!entry || this.#disposed) return undefined;
    const channel = new DocChannel(
      entry,
      this.#link,
      this.#context.gate,
      this,
      this.#context.onState,
    );
    this.#docs.set(name, channel);
    return channel;
  }

  /**
   * Updates that came from any LAN peer are not passed on to others: every
   * device keeps its own connection to every other, so each edit travels
   * once from its author to each peer.
   */
  #isPeerOrigin(origin: unknown): boolean {
    return origin instanceof PeerSession;
  }
}
