/**
 * One document's y-websocket connection to the relay. It uses the stock
 * `WebsocketProvider` for the protocol but keeps reconnection for itself:
 * jittered exponential back-off instead of the provider's fixed ladder,
 * and no retry at all once the relay says the token or branch is refused.
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '@brigade/log';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { Backoff, type BackoffOptions } from './backoff.ts';

/**
 * Close codes after which the relay will refuse this till again until its
 * token changes: 4401 (token missing, forged or expired) and 4403 (token
 * not valid for this branch). They match cloud-relay's `CLOSE` table.
 */
export const RELAY_REFUSED_CODES: ReadonlySet<number> = new Set([4401, 4403]);

export type LinkState =
  | 'connecting'
  | 'connected'
  | 'disconnected'
  | 'forbidden';

export interface RelayDocLinkEvents {
  change: [{ state: LinkState; synced: boolean }];
}

export interface RelayDocLinkOptions {
  /** `ws://host:port` of the relay. */
  url: string;
  /** Room name, `<branch>/<doc>`. */
  room: string;
  token: string;
  doc: Y.Doc;
  backoff?: BackoffOptions;
  logger?: Logger;
}

export class RelayDocLink extends EventEmitter<RelayDocLinkEvents> {
  readonly room: string;
  #provider: WebsocketProvider;
  #backoff: Backoff;
  #timer: NodeJS.Timeout | undefined;
  #state: LinkState = 'disconnected';
  #lastError: string | null = null;
  #log: Logger;
  #stopped = false;

  constructor(options: RelayDocLinkOptions) {
    super();
    this.room = options.room;
    this.#log = (options.logger ?? silentLogger).child({ room: options.room });
    this.#backoff = new Backoff(options.backoff);
    this.#provider = new WebsocketProvider(
      options.url,
      options.room,
      options.doc,
      {
        connect: false,
        params: { token: options.token },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        // Every server close comes back here; the link decides what next.
        shouldReconnect: () => false,
      },
    );
    this.#provider.on('status', ({ status }) => this.#onStatus(status));
    this.#provider.on('sync', () => this.#emit());
    this.#provider.on('closed', ({ code, reason }) =>
      this.#onClosed(code, reason),
    );
  }

  get state(): LinkState {
    return this.#state;
  }

  get synced(): boolean {
    return this.#state === 'connected' && this.#provider.synced;
  }

  /** Why the last connection ended, for the status. */
  get lastError(): string | null {
    return this.#lastError;
  }

  start(): void {
    if (this.#stopped || this.#state !== 'disconnected') return;
    this.#connect();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#provider.destroy();
    // The provider made this awareness and leaves its timer running.
    this.#provider.awareness.destroy();
    this.removeAllListeners();
  }

  #connect(): void {
    this.#state = 'connecting';
    this.#provider.connect();
    this.#emit();
  }

  #onStatus(status: 'connected' | 'disconnected' | 'connecting'): void {
    if (status === 'connected') {
      this.#state = 'connected';
      this.#backoff.reset();
      this.#lastError = null;
      this.#log.info({}, 'relay connected');
    } else if (status === 'disconnected' && this.#state === 'connected') {
      // The provider's own watchdog dropped a silent socket and is dialling
      // again; a server close would follow through `closed` instead.
      this.#state = 'connecting';
    }
    this.#emit();
  }

  #onClosed(code: number, reason: string): void {
    if (this.#stopped) return;
    this.#lastError = `closed ${code}${reason ? ` ${reason}` : ''}`;
    if (RELAY_REFUSED_CODES.has(code)) {
      this.#state = 'forbidden';
      this.#log.warn({ code, reason }, 'relay refused this till; not retrying');
      this.#emit();
      return;
    }
    this.#state = 'disconnected';
    const delay = this.#backoff.next();
    this.#log.debug({ code, delay }, 'relay connection closed; retrying');
    this.#timer = setTimeout(() => this.#connect(), delay);
    this.#timer.unref();
    this.#emit();
  }

  #emit(): void {
    this.emit('change', { state: this.#state, synced: this.synced });
  }
}
