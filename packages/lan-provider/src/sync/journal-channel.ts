import type { Logger } from '@brigade/log';
import type { JournalEntry } from '@brigade/store';
import { CLOSE_CODES } from '../close-codes.ts';
import type { LanCounters } from '../counters.ts';
import { ProtocolError } from '../errors.ts';
import type { SyncState } from '../events.ts';
import { JOURNAL_CHANNEL } from '../framing/channels.ts';
import type { InitialSyncGate } from './initial-sync-gate.ts';
import type { JournalHub } from './journal-hub.ts';
import type { Link } from './link.ts';
import {
  decodeEntries,
  decodeHeads,
  encodeJson,
  type Heads,
  JOURNAL,
} from './messages.ts';

export interface JournalChannelOptions {
  batch: number;
  maxFrameBytes: number;
  counters: LanCounters;
  log: Logger;
}

/**
 * The fiscal journals exchanged with one peer. Each side says how far it
 * holds every device's chain (its heads); the other sends what is missing,
 * in order, in batches, then says it is caught up. Received entries go to
 * the store, which verifies them before storing any.
 */
export class JournalChannel {
  readonly #hub: JournalHub | undefined;
  readonly #link: Link;
  readonly #peerDevice: string;
  readonly #gate: InitialSyncGate<object>;
  readonly #origin: object;
  readonly #options: JournalChannelOptions;
  readonly #onState: () => void;
  /** What the peer holds, from its heads and from what went to it since. */
  #peerHeads: Heads = Object.create(null);
  #heard = false;
  #opened = false;
  /** The peer serves no journal. */
  #peerAbsent = false;

  constructor(
    hub: JournalHub | undefined,
    link: Link,
    peerDevice: string,
    gate: InitialSyncGate<object>,
    origin: object,
    options: JournalChannelOptions,
    onState: () => void,
  ) {
    this.#hub = hub;
    this.#link = link;
    this.#peerDevice = peerDevice;
    this.#gate = gate;
    this.#origin = origin;
    this.#options = options;
    this.#onState = onState;
  }

  /** Sends this side's heads when the gate allows. */
  open(): void {
    const hub = this.#hub;
    if (!hub) return;
    this.#gate.request(JOURNAL_CHANNEL, this.#origin, () => {
      this.#opened = true;
      this.#send(JOURNAL.HEADS, encodeJson(hub.heads()));
    });
  }

  state(): SyncState {
    if (!this.#hub || this.#peerAbsent) return 'synced';
    if (!this.#heard || !this.#opened) return 'syncing';
    const ours = this.#hub.heads();
    const devices = new Set([
      ...Object.keys(ours),
      ...Object.keys(this.#peerHeads),
    ]);
    for (const device of devices) {
      const mine = ours[device] ?? 0;
      const theirs = this.#peerHeads[device] ?? 0;
      if (mine < theirs) return 'syncing';
      if (theirs < mine && device !== this.#peerDevice) return 'syncing';
    }
    return 'synced';
  }

  receive(type: number, payload: Uint8Array): void {
    if (type === JOURNAL.HEADS) this.#heads(payload);
    else if (type === JOURNAL.ENTRIES) this.#entries(payload);
    else if (type === JOURNAL.CAUGHT_UP) this.#caughtUp();
    else if (type === JOURNAL.ABSENT) {
      this.#peerAbsent = true;
      this.#caughtUp();
    } else {
      throw new ProtocolError(
        CLOSE_CODES.UNKNOWN_MESSAGE,
        `journal message type ${type}`,
      );
    }
  }

  /** Our heads moved: tell the peer and send it what it now lacks. */
  headsChanged(): void {
    const hub = this.#hub;
    if (!hub || !this.#opened) return;
    this.#send(JOURNAL.HEADS, encodeJson(hub.heads()));
    this.#push();
    this.#onState();
  }

  dispose(): void {
    this.#gate.release(JOURNAL_CHANNEL, this.#origin);
  }

  #heads(payload: Uint8Array): void {
    const heads = decodeHeads(payload);
    if (!this.#hub) {
      this.#send(JOURNAL.ABSENT, new Uint8Array());
      return;
    }
    for (const [device, seq] of Object.entries(heads)) {
      this.#peerHeads[device] = Math.max(this.#peerHeads[device] ?? 0, seq);
    }
    this.#heard = true;
    this.#push();
    this.#send(JOURNAL.CAUGHT_UP, new Uint8Array());
    this.#onState();
  }

  #entries(payload: Uint8Array): void {
    const entries = decodeEntries(payload) as JournalEntry[];
    if (!this.#hub) return;

    // The peer holds what it sends: recorded first, so that the heads
    // change this causes does not send the same entries straight back.
    for (const entry of entries) {
      const held = this.#peerHeads[entry.device] ?? 0;
      this.#peerHeads[entry.device] = Math.max(held, entry.seq);
    }
    let result: { stored: number; duplicates: number };
    try {
      result = this.#hub.accept(entries);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const message = error instanceof Error ? error.message : String(error);
      throw new ProtocolError(
        CLOSE_CODES.JOURNAL_REJECTED,
        `store refused entries (${String(code ?? 'no code')}): ${message}`,
      );
    }
    this.#options.counters.journalEntriesStored += result.stored;
    this.#onState();
  }

  #caughtUp(): void {
    this.#gate.release(JOURNAL_CHANNEL, this.#origin);
    this.#onState();
  }

  /** Sends, per device, the entries after what the peer holds, in order. */
  #push(): void {
    const hub = this.#hub;
    if (!hub || !this.#heard) return;
    for (const [device, head] of Object.entries(hub.heads())) {
      if (device === this.#peerDevice) continue;
      for (;;) {
        const held = this.#peerHeads[device] ?? 0;
        if (held >= head) break;
        const batch = hub.journal.entriesAfter(
          device,
          held,
          this.#options.batch,
        );
        const last = batch.at(-1);
        if (!last) break;

        // Recorded before sending: an answer handled while sending (a
        // heads message) then starts from here, not from the old head.
        this.#peerHeads[device] = last.seq;
        this.#sendEntries(batch);
      }
    }
  }

  /** One frame per batch, split in halves until each fits the frame limit. */
  #sendEntries(entries: JournalEntry[]): void {
    const payload = encodeJson(entries);
    if (
      payload.length + 64 > this.#options.maxFrameBytes &&
      entries.length > 1
    ) {
      const half = Math.ceil(entries.length / 2);
      this.#sendEntries(entries.slice(0, half));
      this.#sendEntries(entries.slice(half));
      return;
    }
    this.#send(JOURNAL.ENTRIES, payload);
    this.#options.counters.journalEntriesSent += entries.length;
  }

  #send(type: number, payload: Uint8Array): void {
    this.#link.send(JOURNAL_CHANNEL, type, payload);
  }
}
