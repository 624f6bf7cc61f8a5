import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@brigade/log';
import type { LanCounters } from '../counters.ts';
import { acceptTls, type SecureLink } from './tls.ts';

export interface ListenerOptions {
  host: string;
  port: number;
  psk: Buffer;
  /** A socket that has not finished the TLS handshake by then is dropped. */
  handshakeTimeoutMs: number;
  counters: LanCounters;
  log: Logger;
  onSecure: (link: SecureLink) => void;
}

/** Accepts TCP connections and completes the TLS-PSK handshake on each. */
export class Listener {
  readonly #options: ListenerOptions;
  #server: Server | undefined;
  /** Sockets still in their handshake, so `stop` can drop them. */
  #handshaking = new Set<Socket>();

  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  /** Listens and resolves with the bound port. */
  async start(): Promise<number> {
    const server = createServer((raw) => this.#accept(raw));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) =>
      this.#options.log.warn({ err: error.message }, 'listener error'),
    );
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Stops accepting and drops handshakes in progress. */
  async stop(): Promise<void> {
    for (const raw of this.#handshaking) raw.destroy();
    this.#handshaking.clear();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(raw: Socket): void {
    const { psk, handshakeTimeoutMs, counters, log } = this.#options;
    this.#handshaking.add(raw);
    const tls = acceptTls(raw, psk);
    const timer = setTimeout(
      () => fail('handshake timed out'),
      handshakeTimeoutMs,
    );
    const fail = (reason: string) => {
      clearTimeout(timer);
      if (!this.#handshaking.delete(raw)) return;
      counters.handshakeFailures++;
      log.warn({ from: raw.remoteAddress, reason }, 'TLS handshake refused');
      tls.destroy();
      raw.destroy();
    };
    const onError = (error: Error) => fail(error.message);
    const onClose = () => fail('closed during handshake');
    tls.once('error', onError);
    raw.once('error', onError);
    raw.once('close', onClose);
    tls.once('secure', () => {
      clearTimeout(timer);
      this.#handshaking.delete(raw);
      tls.off('error', onError);
      raw.off('error', onError);
      raw.off('close', onClose);
      this.#options.onSecure({ tls, raw });
    });
  }
}
