/**
 * The reusable heart of a y-websocket endpoint: it attaches authorised
 * WebSocket connections to rooms, loads a document when its first client
 * arrives, unloads it `evictAfterMs` after its last client leaves, and
 * refuses new documents past `maxDocuments`. It knows nothing of tokens or
 * storage: the host decides access before calling {@link SyncHub.attach}
 * and supplies documents through a {@link DocSource}.
 *
 * @example
 * const hub = new SyncHub({ docs: { open: (name) => docs.get(name) } });
 * wss.on('connection', (ws, req) => {
 *   const access = authorise(req); // the host's own decision
 *   if (!access) return closeSocket(ws, 'unauthorised');
 *   hub.attach(ws, { docName: 'b1/menu', access });
 * });
 */
import { type Logger, silentLogger } from '@brigade/log';
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { CLOSE, type CloseReason } from './close-codes.ts';
import { type Access, SyncConnection } from './connection.ts';
import { resolveLimits, type SyncLimits } from './limits.ts';
import type { SyncMetrics } from './metrics.ts';
import { Room } from './room.ts';

/** Where the hub gets documents and gives them back. */
export interface DocSource {
  /** The document of that name, loaded or created; may be async. */
  open(name: string): Y.Doc | Promise<Y.Doc>;
  /** The hub no longer needs the document (no client for a while). */
  close?(name: string, doc: Y.Doc): void | Promise<void>;
  /**
   * Runs `then` once every change `doc` has emitted so far is stored. The
   * hub answers sync step 1 through it, so a client is told it is synced
   * only with stored state; updates themselves go out at once. Without
   * it, answers are sent at once too.
   */
  afterStored?(doc: Y.Doc, then: () => void): void;
}

export interface SyncHubOptions {
  docs: DocSource;
  /** Overrides of {@link DEFAULT_SYNC_LIMITS}. */
  limits?: Partial<SyncLimits>;
  /** Default: silent. */
  logger?: Logger;
  /** From {@link createSyncMetrics}; default none. */
  metrics?: SyncMetrics;
}

export interface AttachOptions {
  /** The document's full name, e.g. `b1/day/2026-12-03`. */
  docName: string;
  /** The host's decision: `read` drops the client's updates. */
  access: Access;
  /** Who is connecting (device name), for logs only. */
  peer?: string;
}

/** Thrown when a new document would pass `maxDocuments`. */
export class TooManyDocumentsError extends Error {
  readonly code = 'too-many-documents';
}

interface RoomEntry {
  ready: Promise<Room>;
  room: Room | null;
}

export class SyncHub {
  readonly limits: SyncLimits;
  readonly #docs: DocSource;
  readonly #log: Logger;
  readonly #metrics: SyncMetrics | undefined;
  readonly #rooms = new Map<string, RoomEntry>();
  readonly #connections = new Set<SyncConnection>();
  #sweepTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: SyncHubOptions) {
    this.limits = resolveLimits(options.limits);
    this.#docs = options.docs;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'sync' });
    this.#metrics = options.metrics;
  }

  /** Connections currently attached. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Names of the documents held in memory. */
  loadedDocuments(): string[] {
    return [...this.#rooms.keys()];
  }

  /**
   * The in-memory document of a loaded room, if any: a change made to it
   * is stored and sent to every client of the room, like a client's.
   */
  loadedDoc(name: string): Y.Doc | undefined {
    return this.#rooms.get(name)?.room?.doc;
  }

  /** Serves `docName` over `ws` with the given access. */
  attach(ws: WebSocket, options: AttachOptions): SyncConnection {
    const logger = this.#log.child({ peer: options.peer ?? null });
    const connection = new SyncConnection(ws, options.docName, options.access, {
      limits: this.limits,
      logger,
      metrics: this.#metrics,
      onDetach: this.#onDetach,
    });
    if (this.#stopped) {
      connection.close('goingAway', 'server is stopping');
      return connection;
    }
    this.#connections.add(connection);
    this.#metrics?.connections.inc();
    logger.debug({ doc: options.docName, access: options.access }, 'attached');

    this.#room(options.docName).then(
      (room) => {
        connection.join(room);
        if (room.members.size === 0) this.#scheduleSweep();
      },
      (error: unknown) => {
        const tooMany = error instanceof TooManyDocumentsError;
        connection.close(
          tooMany ? 'tooManyDocuments' : 'internalError',
          tooMany ? 'too many documents in memory' : 'document failed to load',
        );
        if (!tooMany) {
          this.#log.error(
            { doc: options.docName, err: (error as Error).message },
            'document failed to load',
          );
        }
      },
    );
    return connection;
  }

  /** Closes every connection (1001) and unloads every document. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    for (const connection of [...this.#connections]) {
      connection.close('goingAway', 'server is stopping');
    }
    const entries = [...this.#rooms.entries()];
    await Promise.allSettled(entries.map(([, entry]) => entry.ready));
    for (const [name] of entries) await this.#unload(name);
  }

  #room(name: string): Promise<Room> {
    const existing = this.#rooms.get(name);
    if (existing) {
      if (existing.room) existing.room.idleSince = null;
      return existing.ready;
    }
    if (this.#rooms.size >= this.limits.maxDocuments) this.#evictOldestIdle();
    if (this.#rooms.size >= this.limits.maxDocuments) {
      return Promise.reject(new TooManyDocumentsError(name));
    }

    const entry: RoomEntry = { ready: this.#load(name), room: null };
    this.#rooms.set(name, entry);
    this.#metrics?.documentsLoaded.set(this.#rooms.size);
    entry.ready.then(
      (room) => {
        entry.room = room;
      },
      () => {
        this.#rooms.delete(name);
        this.#metrics?.documentsLoaded.set(this.#rooms.size);
      },
    );
    return entry.ready;
  }

  async #load(name: string): Promise<Room> {
    const started = performance.now();
    const doc = await this.#docs.open(name);
    const seconds = (performance.now() - started) / 1000;
    this.#metrics?.loadSeconds.observe(seconds);
    this.#log.debug({ doc: name, ms: Math.round(seconds * 1000) }, 'loaded');
    const afterStored = this.#docs.afterStored?.bind(this.#docs);
    return new Room(name, doc, this.limits.awarenessFlushMs, afterStored);
  }

  readonly #onDetach = (connection: SyncConnection): void => {
    if (!this.#connections.delete(connection)) return;
    this.#metrics?.connections.dec();
    this.#scheduleSweep();
  };

  /** Unloads rooms idle for `evictAfterMs`; re-arms while any is idle. */
  #scheduleSweep(): void {
    if (this.#sweepTimer || this.#stopped) return;
    this.#sweepTimer = setTimeout(() => {
      this.#sweepTimer = null;
      void this.#sweep();
    }, this.limits.evictAfterMs);
    this.#sweepTimer.unref();
  }

  async #sweep(): Promise<void> {
    const cutoff = performance.now() - this.limits.evictAfterMs;
    let waiting = false;
    for (const [name, entry] of this.#rooms) {
      const idleSince = entry.room?.idleSince;
      if (idleSince === null || idleSince === undefined) continue;
      if (idleSince <= cutoff + 1) await this.#unload(name);
      else waiting = true;
    }
    if (waiting) this.#scheduleSweep();
  }

  #evictOldestIdle(): void {
    let oldest: Room | null = null;
    for (const { room } of this.#rooms.values()) {
      if (room?.idleSince == null) continue;
      if (!oldest || room.idleSince < (oldest.idleSince ?? 0)) oldest = room;
    }
    if (oldest) void this.#unload(oldest.name);
  }

  async #unload(name: string): Promise<void> {
    const room = this.#rooms.get(name)?.room;
    if (!room) return;
    this.#rooms.delete(name);
    this.#metrics?.documentsLoaded.set(this.#rooms.size);
    room.destroy();
    try {
      await this.#docs.close?.(name, room.doc);
      this.#log.debug({ doc: name }, 'unloaded');
    } catch (error) {
      this.#log.error(
        { doc: name, err: (error as Error).message },
        'document failed to unload',
      );
    }
  }
}

/**
 * Accepts nothing on `ws` and closes it with the named code, for refusals
 * the host decides before attaching (bad token, wrong branch, bad path).
 */
export function refuse(
  ws: WebSocket,
  reason: CloseReason,
  detail: string = reason,
  closeTimeoutMs = 2_000,
): void {
  ws.close(CLOSE[reason], detail.slice(0, 120));
  const cutOff = setTimeout(() => ws.terminate(), closeTimeoutMs);
  cutOff.unref();
  ws.once('close', () => clearTimeout(cutOff));
}
