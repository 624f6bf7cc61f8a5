import { type Logger, silentLogger } from '@brigade/log';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { CLOSE_CODES, closeCodeName } from './close-codes.ts';
import { countBy, emptyCounters, type LanCounters } from './counters.ts';
import { Discovery } from './discovery/discovery.ts';
import { parsePeerAddress } from './discovery/static-peers.ts';
import { ProtocolError } from './errors.ts';
import {
  type LanEvents,
  type PeerInfo,
  type SyncStateChange,
  TypedEmitter,
} from './events.ts';
import { CONTROL_CHANNEL } from './framing/channels.ts';
import type { Frame } from './framing/frame.ts';
import { type BranchSecrets, deriveBranchSecrets } from './keys.ts';
import {
  type LanProviderOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.ts';
import { DocRegistry } from './sync/doc-registry.ts';
import { InitialSyncGate } from './sync/initial-sync-gate.ts';
import { JournalHub } from './sync/journal-hub.ts';
import {
  CONTROL,
  checkHello,
  decodeHello,
  encodeJson,
  type Hello,
  PROTOCOL_VERSION,
} from './sync/messages.ts';
import { PeerSession } from './sync/session.ts';
import {
  overallSyncState,
  type PeerStatus,
  peerStatuses,
} from './sync/session-views.ts';
import { type Attempt, logClose, openAttempt } from './transport/attempt.ts';
import { Connection, type ConnectionClosed } from './transport/connection.ts';
import { Dialer, type DialTarget } from './transport/dialer.ts';
import { Listener } from './transport/listener.ts';
import { keepNewConnection } from './transport/peer-selection.ts';
import { DuplicateSuccessors } from './transport/successors.ts';
import type { SecureLink } from './transport/tls.ts';

/**
 * Syncs Yjs documents and fiscal journals with the other devices of a
 * branch on the local network. See the package README for the protocol,
 * the security model and every option.
 *
 * @example
 * const lan = new LanProvider({
 *   device: 'till-1', branch: 'b1', role: 'till',
 *   branchKey, docs: { 'b1/menu': menu }, journal: store.journal,
 *   logger,
 * });
 * lan.on('peer-connected', ({ device, role }) => ...);
 * await lan.start();
 */
export class LanProvider extends TypedEmitter<LanEvents> {
  readonly device: string;
  readonly branch: string;
  readonly role: string;
  readonly #options: ResolvedOptions;
  readonly #secrets: BranchSecrets;
  readonly #log: Logger;
  readonly #counters = emptyCounters();
  readonly #docs = new DocRegistry();
  readonly #gate: InitialSyncGate<object>;
  readonly #journal: JournalHub | undefined;
  readonly #dialer: Dialer;
  readonly #attempts = new Set<Attempt>();
  readonly #sessions = new Map<string, Attempt>();
  readonly #successors = new DuplicateSuccessors();
  #listener: Listener | undefined;
  #discovery: Discovery | undefined;
  #starting: Promise<void> | undefined;
  #running = false;
  #port = 0;
  #lastState = '';

  constructor(options: LanProviderOptions) {
    super();
    this.#options = resolveOptions(options);
    this.device = options.device;
    this.branch = options.branch;
    this.role = options.role;
    this.#secrets = deriveBranchSecrets(options.branchKey, options.branch);
    this.#log = (options.logger ?? silentLogger).child({
      ns: 'lan',
      device: options.device,
    });
    this.#gate = new InitialSyncGate(this.#options.initialSyncTimeoutMs);
    if (options.journal) {
      this.#journal = new JournalHub(
        options.journal,
        this.#options.journalPollMs,
        this.#log,
      );
    }
    this.#dialer = this.#createDialer();
    for (const text of this.#options.staticPeers) {
      const { host, port } = parsePeerAddress(text);
      this.#dialer.addStatic(host, port);
    }
    for (const [name, doc] of Object.entries(options.docs ?? {})) {
      this.#docs.add(name, doc);
    }
  }

  /** The TCP port the listener is bound to (0 before `start`). */
  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * Listens for peers, starts beacons and dials static peers. Resolves once
   * the listener is bound; calling it again while started does nothing.
   */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /**
   * Closes every connection (code `NORMAL`), stops beacons, timers and the
   * listener, and detaches from the documents. Safe to call twice, and
   * while `start` is still binding (it waits for that first).
   */
  async stop(): Promise<void> {
    const starting = this.#starting;
    if (!starting) return;
    await starting.catch(() => {});
    if (this.#starting !== starting) return;
    this.#starting = undefined;
    await this.#teardown();
    this.#log.info({}, 'LAN provider stopped');
  }

  /** Starts syncing `doc` as `name` with every peer, without reconnecting. */
  addDoc(name: string, doc: Y.Doc, awareness?: Awareness): void {
    this.#docs.add(name, doc, awareness);
    this.#emitState();
  }

  /** Stops syncing `name`; the document itself is left as it is. */
  removeDoc(name: string): boolean {
    const removed = this.#docs.remove(name);
    this.#emitState();
    return removed;
  }

  /** The document synced as `name`. */
  doc(name: string): Y.Doc | undefined {
    return this.#docs.get(name)?.doc;
  }

  /**
   * The awareness of `name` (who is on which till). One the provider made
   * itself exists only between `start` and `stop`; pass your own to
   * `addDoc` to keep it across restarts.
   */
  awareness(name: string): Awareness | undefined {
    return this.#docs.awareness(name);
  }

  docNames(): string[] {
    return this.#docs.names();
  }

  /** Connected peers with their sync state. */
  peers(): PeerStatus[] {
    return peerStatuses(this.#sessions.values());
  }

  syncState(): SyncStateChange {
    return overallSyncState(this.#sessions);
  }

  /** A copy of the counters. */
  counters(): LanCounters {
    return structuredClone(this.#counters);
  }

  /** Tells the provider the journal grew, so peers hear of it now. */
  journalChanged(): void {
    this.#journal?.refresh();
  }

  async #start(): Promise<void> {
    this.#running = true;
    this.#docs.attachAll();
    this.#journal?.start();
    try {
      const { host, port, handshakeTimeoutMs } = this.#options;
      this.#listener = new Listener({
        host,
        port,
        psk: this.#secrets.psk,
        handshakeTimeoutMs,
        counters: this.#counters,
        log: this.#log,
        onSecure: (link) => this.#secure(link, undefined),
      });
      this.#port = await this.#listener.start();
      this.#dialer.start();
      if (this.#options.discovery) await this.#startDiscovery();
    } catch (error) {
      // A taken port leaves nothing running, and `start` can be retried.
      this.#starting = undefined;
      await this.#teardown();
      throw error;
    }
    this.#log.info(
      { port: this.#port, docs: this.#docs.names().length },
      'LAN provider started',
    );
  }

  /** Undoes `#start`, step by step; each step copes with never having run. */
  async #teardown(): Promise<void> {
    this.#running = false;
    this.#dialer.stop();
    await this.#discovery?.stop();
    this.#discovery = undefined;
    for (const attempt of [...this.#attempts]) {
      attempt.connection.close(CLOSE_CODES.NORMAL, 'provider stopped');
    }
    await this.#listener?.stop();
    this.#listener = undefined;
    this.#successors.clear();
    this.#docs.detachAll();
    this.#journal?.stop();
    this.#gate.clear();
    this.#port = 0;
  }

  async #startDiscovery(): Promise<void> {
    const discovery = new Discovery({
      ...this.#options,
      beaconKey: this.#secrets.beaconKey,
      counters: this.#counters,
      log: this.#log,
    });
    discovery.on('peer-seen', (peer) => {
      const dialing = this.#dialer.seen(peer.device, peer.address, peer.port);
      if (!dialing && !this.#sessions.has(peer.device)) discovery.announce();
    });
    this.#discovery = discovery;
    await discovery.start(this.#port);
  }

  #createDialer(): Dialer {
    return new Dialer({
      ...this.#options,
      self: this.device,
      psk: this.#secrets.psk,
      counters: this.#counters,
      log: this.#log,
      isConnected: (device) => this.#sessions.has(device),
      onSecure: (link, target) => this.#secure(link, target),
    });
  }

  /** A TLS session is up (dialled when `target` is set): say hello. */
  #secure(link: SecureLink, target: DialTarget | undefined): void {
    const o = this.#options;
    const connection = new Connection(link.tls, link.raw, {
      maxFrameBytes: o.maxFrameBytes,
      maxBufferedBytes: o.maxBufferedBytes,
      heartbeatMs: o.heartbeatMs,
      deadAfterMs: o.deadAfterMs,
      counters: this.#counters,
      log: this.#log,
    });
    const attempt = openAttempt(connection, target, o.handshakeTimeoutMs);
    this.#attempts.add(attempt);
    connection.on('frame', (frame) => this.#frame(attempt, frame));
    connection.on('closed', (closed) => this.#closed(attempt, closed));
    const hello: Hello = {
      protocol: PROTOCOL_VERSION,
      device: this.device,
      branch: this.branch,
      role: this.role,
      port: this.#port,
    };
    connection.send(CONTROL_CHANNEL, CONTROL.HELLO, encodeJson(hello));
  }

  #frame(attempt: Attempt, frame: Frame): void {
    if (attempt.session) {
      attempt.session.receive(frame);
      return;
    }
    try {
      this.#hello(attempt, frame);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      attempt.connection.close(error.closeCode, error.message);
    }
  }

  #hello(attempt: Attempt, frame: Frame): void {
    if (frame.channel !== CONTROL_CHANNEL || frame.type !== CONTROL.HELLO) {
      throw new ProtocolError(
        CLOSE_CODES.PROTOCOL_VIOLATION,
        `expected hello, got type ${frame.type} on ${JSON.stringify(frame.channel)}`,
      );
    }
    const hello = decodeHello(frame.payload);
    checkHello(hello, this.device, this.branch);
    clearTimeout(attempt.helloTimer);
    attempt.dialledBy = attempt.target ? this.device : hello.device;
    const replacing =
      this.#sessions.has(hello.device) ||
      this.#successors.arrived(hello.device);
    if (!this.#settleDuplicate(attempt, hello.device)) return;

    const peer: PeerInfo = {
      device: hello.device,
      role: hello.role,
      address: attempt.connection.address,
      port: hello.port,
    };
    if (attempt.target) this.#dialer.identified(attempt.target, peer.device);
    attempt.session = new PeerSession(peer, attempt.connection, {
      docs: this.#docs,
      gate: this.#gate,
      journal: this.#journal,
      journalBatch: this.#options.journalBatch,
      maxFrameBytes: this.#options.maxFrameBytes,
      counters: this.#counters,
      log: this.#log.child({ peer: peer.device }),
      onState: () => this.#emitState(),
    });
    this.#sessions.set(peer.device, attempt);
    this.#dialer.seen(peer.device, peer.address, peer.port);
    this.#dialer.connected(peer.device);
    // A replaced connection was never reported as gone, so its
    // successor is not reported as new.
    if (replacing) this.#log.debug({ ...peer }, 'peer connection replaced');
    else {
      this.#log.info({ ...peer }, 'peer connected');
      this.emit('peer-connected', peer);
    }
    attempt.session.open();
    this.#emitState();
  }

  /**
   * Keeps one connection per device pair; returns false when this new one
   * lost to the existing one and was closed.
   */
  #settleDuplicate(attempt: Attempt, device: string): boolean {
    const existing = this.#sessions.get(device);
    if (!existing) return true;
    const keepNew = keepNewConnection(
      this.device,
      device,
      existing.dialledBy ?? device,
      attempt.dialledBy ?? device,
    );
    const loser = keepNew ? existing : attempt;
    loser.replaced = true;
    loser.connection.close(CLOSE_CODES.DUPLICATE, 'another connection is kept');
    return keepNew;
  }

  #closed(attempt: Attempt, closed: ConnectionClosed): void {
    clearTimeout(attempt.helloTimer);
    this.#attempts.delete(attempt);
    const { session } = attempt;
    session?.dispose();
    this.#reportClose(attempt, closed);
    if (session && this.#sessions.get(session.peer.device) === attempt) {
      this.#sessions.delete(session.peer.device);

      // The peer kept the other connection of the pair: its hello is on
      // the way, so the device is only reported gone if it does not come.
      const duplicate = closed.byPeer && closed.code === CLOSE_CODES.DUPLICATE;
      if (duplicate && this.#running) {
        this.#expectSuccessor(attempt, closed);
      } else if (!attempt.replaced) {
        this.#lost(attempt, closed);
      }
    } else if (!session && !attempt.replaced && this.#running) {
      this.#dialer.lost(undefined, attempt.target, 0);
    }
    this.#emitState();
  }

  /** Reports a peer gone and lets the dialer retry it. */
  #lost(attempt: Attempt, closed: ConnectionClosed): void {
    const peer = attempt.session?.peer;
    if (!peer) return;
    this.emit('peer-disconnected', {
      ...peer,
      code: closed.code,
      codeName: closeCodeName(closed.code),
      reason: closed.reason,
      byPeer: closed.byPeer,
    });
    if (this.#running) {
      this.#dialer.lost(
        peer.device,
        attempt.target,
        Date.now() - attempt.openedAt,
      );
    }
  }

  #expectSuccessor(attempt: Attempt, closed: ConnectionClosed): void {
    const device = attempt.session?.peer.device as string;
    this.#successors.expect(device, this.#options.handshakeTimeoutMs, () => {
      if (!this.#sessions.has(device)) this.#lost(attempt, closed);
    });
  }

  #reportClose(attempt: Attempt, closed: ConnectionClosed): void {
    const rejected = logClose(this.#log, attempt, closed);
    if (!rejected) return;
    countBy(this.#counters.rejectedInput, rejected.codeName);
    this.emit('input-rejected', rejected);
  }

  #emitState(): void {
    const state = this.syncState();
    const key = JSON.stringify(state);
    if (key === this.#lastState) return;
    this.#lastState = key;
    this.emit('sync-state', state);
  }
}
