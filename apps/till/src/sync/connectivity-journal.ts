/**
 * Journals the till's relay connectivity: one `offline` entry when the
 * relay has been out of reach for a whole debounce, one `online` entry
 * when it has been back as long. A flap shorter than the debounce (a
 * relay restart, a Wi-Fi blip) writes nothing, and so does start-up:
 * the level compared against is the last one journalled, read back from
 * the journal, so a restart neither repeats a transition nor journals
 * the moments before the relay link connects. Only the relay link is
 * watched, and only while the till runs: an outage that began and ended
 * while it was stopped leaves no entry.
 */
import { type Logger, silentLogger } from '@brigade/log';
import type { JournalEntry, Store } from '@brigade/store';
import type { RelayStatus, SyncState } from './status.ts';

/**
 * How long a change of relay connectivity must last before it is
 * journalled: 10 s. The relay links retry about every second, so a relay
 * restart is over well within it, while an outage that matters (ZATCA's
 * 24-hour reporting limit) is journalled within seconds of its start.
 */
export const CONNECTIVITY_DEBOUNCE_MS = 10_000;

/** The two levels the journal records: the entry kinds themselves. */
export type Connectivity = 'online' | 'offline';

/** What the till shows at one moment: its state and the relay's. */
export interface ConnectivityReading {
  state: SyncState;
  relay: RelayStatus;
}

export interface ConnectivityJournalOptions {
  store: Store;
  /** Who the entries name: the device id. */
  user: string;
  /** The current business date, `YYYY-MM-DD`. */
  businessDate: () => string;
  /** The till's state now, read again when a change has lasted. */
  read: () => ConnectivityReading;
  /** Default {@link CONNECTIVITY_DEBOUNCE_MS}. */
  debounceMs?: number;
  /** Called after an entry was journalled (send it on). */
  onJournal?: (entry: JournalEntry) => void;
  logger?: Logger;
}

/** The connectivity a reading shows: online while the relay is connected. */
export function connectivityOf(relay: RelayStatus): Connectivity {
  return relay.state === 'connected' ? 'online' : 'offline';
}

export class ConnectivityJournal {
  #options: ConnectivityJournalOptions;
  #log: Logger;
  #debounceMs: number;
  /** The last level journalled (online when none was). */
  #level: Connectivity;
  /** The last sync state seen at that level; null before any is known. */
  #state: SyncState | null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ConnectivityJournalOptions) {
    this.#options = options;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'connectivity' });
    this.#debounceMs = options.debounceMs ?? CONNECTIVITY_DEBOUNCE_MS;
    const last = options.store.journal.lastOf(['offline', 'online']);
    this.#level = (last?.kind as Connectivity | undefined) ?? 'online';
    const to = last?.payload.to;
    this.#state = typeof to === 'string' ? (to as SyncState) : null;
  }

  /** The level last journalled (online when none was). */
  get journalled(): Connectivity {
    return this.#level;
  }

  /**
   * Takes a reading: a level other than the journalled one starts the
   * debounce (if it is not running), the journalled level cancels it.
   */
  observe(reading: ConnectivityReading): void {
    if (this.#stopped) return;
    if (connectivityOf(reading.relay) === this.#level) {
      this.#state = reading.state;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    this.#timer ??= setTimeout(() => this.#settle(), this.#debounceMs);
    this.#timer.unref();
  }

  /** Drops a change still in its debounce; idempotent. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The debounce ran out: journal the change if it still holds. */
  #settle(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    try {
      this.#journal();
    } catch (error) {
      // A full disk must not lose the transition: try again later.
      this.#log.warn({ err: String(error) }, 'connectivity not journalled');
      this.#timer = setTimeout(() => this.#settle(), this.#debounceMs);
      this.#timer.unref();
    }
  }

  /** Journals the level read now, if it is not the journalled one. */
  #journal(): void {
    const reading = this.#options.read();
    const level = connectivityOf(reading.relay);
    if (level === this.#level) {
      this.#state = reading.state;
      return;
    }
    const from = this.#state;
    const entry = this.#options.store.record({
      kind: level,
      user: this.#options.user,
      businessDate: this.#options.businessDate(),
      reason: reasonOf(level, reading.relay),
      from,
      to: reading.state,
    });
    this.#level = level;
    this.#state = reading.state;
    this.#log.info(
      { kind: level, from, to: reading.state, seq: entry.seq },
      'connectivity change journalled',
    );
    this.#options.onJournal?.(entry);
  }
}

/** Why the level changed, in an operator's words. */
function reasonOf(level: Connectivity, relay: RelayStatus): string {
  if (level === 'online') return 'relay connected';
  const why = relay.lastError ? `: ${relay.lastError}` : '';
  const what =
    relay.state === 'forbidden'
      ? 'relay refused this till'
      : `relay ${relay.state}`;
  return `${what}${why}`.slice(0, 200);
}
