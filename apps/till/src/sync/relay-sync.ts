/**
 * The till's documents at the relay: one {@link RelayDocLink} per open
 * document, summed up into one relay state for the status.
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '@brigade/log';
import type * as Y from 'yjs';
import type { BackoffOptions } from './backoff.ts';
import { RelayDocLink } from './relay-doc-link.ts';
import type { RelayState } from './status.ts';

export interface RelaySyncOptions {
  /** `ws://host:port` of the relay. */
  url: string;
  token: string;
  backoff?: BackoffOptions;
  logger?: Logger;
}

export interface RelaySyncSummary {
  state: Exclude<RelayState, 'disabled'>;
  docs: number;
  docsSynced: number;
  lastError: string | null;
}

export class RelaySync extends EventEmitter<{ change: [] }> {
  #links = new Map<string, RelayDocLink>();
  #options: RelaySyncOptions;
  #log: Logger;
  #stopped = false;

  constructor(options: RelaySyncOptions) {
    super();
    this.#options = options;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'relay-sync' });
  }

  /** Starts syncing `doc` as room `name` (`<branch>/<doc>`); idempotent. */
  add(name: string, doc: Y.Doc): void {
    if (this.#stopped || this.#links.has(name)) return;
    const link = new RelayDocLink({
      url: this.#options.url,
      room: name,
      token: this.#options.token,
      doc,
      logger: this.#log,
      ...(this.#options.backoff ? { backoff: this.#options.backoff } : {}),
    });
    link.on('change', () => this.emit('change'));
    this.#links.set(name, link);
    link.start();
  }

  /** Stops syncing one document (a day that was closed). */
  remove(name: string): void {
    this.#links.get(name)?.stop();
    this.#links.delete(name);
    this.emit('change');
  }

  summary(): RelaySyncSummary {
    const links = [...this.#links.values()];
    const states = links.map((l) => l.state);
    const state: RelaySyncSummary['state'] = states.includes('forbidden')
      ? 'forbidden'
      : links.length > 0 && states.every((s) => s === 'connected')
        ? 'connected'
        : states.includes('connecting') || states.includes('connected')
          ? 'connecting'
          : 'disconnected';
    const lastError =
      links.map((l) => l.lastError).find((e) => e !== null) ?? null;
    return {
      state,
      docs: links.length,
      docsSynced: links.filter((l) => l.synced).length,
      lastError,
    };
  }

  stop(): void {
    this.#stopped = true;
    for (const link of this.#links.values()) link.stop();
    this.#links.clear();
    this.removeAllListeners();
  }
}
