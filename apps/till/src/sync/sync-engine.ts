/**
 * Everything that moves the till's data off the till: the LAN provider
 * (documents and journals with the branch's other devices), a y-websocket
 * link per document to the relay, and the outbox sender that delivers
 * journal entries (own and replicated) to the relay's `POST /v1/journal`.
 * It reports one {@link SyncSnapshot} for the status.
 */
import { EventEmitter } from 'node:events';
import { LanProvider } from '@brigade/lan-provider';
import { type Logger, silentLogger } from '@brigade/log';
import { type DeliveryResult, OutboxSender, type Store } from '@brigade/store';
import type * as Y from 'yjs';
import type { PeerAddress, RelayOptions } from '../cli/options.ts';
import { RelaySync } from './relay-sync.ts';
import type { OutboxStatus, PeerStatus, RelayStatus } from './status.ts';

export interface SyncEngineOptions {
  store: Store;
  device: string;
  branch: string;
  branchKey: string;
  docs: Record<string, Y.Doc>;
  lan: {
    port: number;
    discoveryPort: number;
    broadcast: string;
    peers: PeerAddress[];
  };
  relay: RelayOptions | null;
  logger?: Logger;
}

export interface SyncSnapshot {
  peers: PeerStatus[];
  relay: RelayStatus;
  outbox: OutboxStatus;
  /** `ts` of the oldest own sale not yet acknowledged (ZATCA clock). */
  oldestUnreportedSaleTs: string | null;
}

/**
 * Back-off of the relay links: 250 ms doubling to 1 s, jittered. A down
 * relay costs one refused connection per document about every second;
 * in return a till notices the relay's return within a second and sends
 * its outbox at once.
 */
export const RELAY_LINK_BACKOFF = { baseMs: 250, maxMs: 1_000 } as const;

/** Back-off of the outbox sender after failed deliveries: 0.5 s to 5 s. */
export const SENDER_BACKOFF = { initialMs: 500, maxMs: 5_000 } as const;

export class SyncEngine extends EventEmitter<{ change: [] }> {
  readonly lan: LanProvider;
  #relay: RelaySync | null = null;
  #sender: OutboxSender | null = null;
  #journalReachable = false;
  #lastDeliveryError: string | null = null;
  #options: SyncEngineOptions;
  #log: Logger;

  constructor(options: SyncEngineOptions) {
    super();
    this.#options = options;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'sync' });
    const changed = () => this.emit('change');
    this.lan = new LanProvider({
      device: options.device,
      branch: options.branch,
      role: 'till',
      branchKey: Buffer.from(options.branchKey, 'utf8'),
      port: options.lan.port,
      discoveryPort: options.lan.discoveryPort,
      broadcastAddress: options.lan.broadcast,
      staticPeers: options.lan.peers.map((p) => `${p.host}:${p.port}`),
      docs: options.docs,
      journal: options.store,
      logger: options.logger ?? silentLogger,
    });
    this.lan.on('peer-connected', changed);
    this.lan.on('peer-disconnected', changed);
    this.lan.on('sync-state', changed);
    if (options.relay) this.#setUpRelay(options.relay, changed);
    // A finished exchange may have brought peers' journal entries: send
    // them on now rather than at the sender's next poll.
    this.lan.on('sync-state', ({ state }) => {
      if (state === 'synced' && this.#relay?.summary().state === 'connected') {
        void this.#sender?.flush();
      }
    });
  }

  async start(): Promise<void> {
    await this.lan.start();
    for (const [name, doc] of Object.entries(this.#options.docs)) {
      this.#relay?.add(name, doc);
    }
    this.#sender?.start();
  }

  /** Starts syncing one more document (the next business day). */
  addDoc(name: string, doc: Y.Doc): void {
    this.lan.addDoc(name, doc);
    this.#relay?.add(name, doc);
    this.emit('change');
  }

  /** After a local journal append: tell the peers and send at once. */
  journalChanged(): void {
    this.lan.journalChanged();
    void this.#sender?.flush();
    this.emit('change');
  }

  snapshot(): SyncSnapshot {
    const status = this.#options.store.outbox.status();
    return {
      peers: this.lan.peers().map((p) => ({
        device: p.device,
        role: p.role,
        address: `${p.address}:${p.port}`,
        state: p.state,
      })),
      relay: this.#relayStatus(),
      outbox: {
        pending: status.pending,
        oldestPendingAgeMs: status.oldestPendingAgeMs,
        deadLetters: status.deadLetters,
      },
      oldestUnreportedSaleTs: status.oldestOwnSaleTs,
    };
  }

  /**
   * Stops the links and the sender after one last delivery attempt of
   * at most `flushMs`; entries left stay queued for the next start.
   */
  async stop(flushMs = 1_000): Promise<void> {
    if (this.#sender && this.#relay?.summary().state === 'connected') {
      await Promise.race([
        this.#sender.flush().catch(() => undefined),
        new Promise((r) => setTimeout(r, flushMs).unref()),
      ]);
    }
    await this.#sender?.stop();
    this.#relay?.stop();
    await this.lan.stop();
    this.removeAllListeners();
  }

  #setUpRelay(relay: RelayOptions, changed: () => void): void {
    this.#relay = new RelaySync({
      url: relay.wsUrl,
      token: relay.token,
      backoff: RELAY_LINK_BACKOFF,
      logger: this.#log,
    });
    let wasConnected = false;
    this.#relay.on('change', () => {
      const connected = this.#relay?.summary().state === 'connected';
      // The relay is back: deliver what waited without sitting out a back-off.
      if (connected && !wasConnected) void this.#sender?.flush();
      wasConnected = connected;
      changed();
    });
    this.#sender = new OutboxSender({
      outbox: this.#options.store.outbox,
      deliver: (entries, { signal }) => this.#deliver(relay, entries, signal),
      backoff: SENDER_BACKOFF,
      pollMs: 2_000,
      timeoutMs: 10_000,
      logger: this.#log,
    });
    this.#sender.on('delivered', () => {
      this.#journalReachable = true;
      this.#lastDeliveryError = null;
    });
    this.#sender.on('delivery-failed', ({ error }) => {
      this.#journalReachable = false;
      this.#lastDeliveryError = (error as Error)?.message ?? String(error);
    });
    this.#sender.on('status', changed);
  }

  async #deliver(
    relay: RelayOptions,
    entries: unknown[],
    signal: AbortSignal,
  ): Promise<DeliveryResult> {
    const res = await fetch(`${relay.httpUrl}/v1/journal`, {
      method: 'POST',
      signal,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${relay.token}`,
      },
      body: JSON.stringify({ branch: this.#options.branch, entries }),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(`relay answered ${res.status}: ${text.slice(0, 200)}`);
    }
    return (await res.json()) as DeliveryResult;
  }

  #relayStatus(): RelayStatus {
    if (!this.#relay) {
      return {
        state: 'disabled',
        docs: 0,
        docsSynced: 0,
        journalReachable: false,
        lastError: null,
      };
    }
    const summary = this.#relay.summary();
    return {
      state: summary.state,
      docs: summary.docs,
      docsSynced: summary.docsSynced,
      journalReachable: this.#journalReachable,
      lastError: summary.lastError ?? this.#lastDeliveryError,
    };
  }
}
