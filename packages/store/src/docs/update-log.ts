/**
 * Document persistence for Yjs on SQLite: every update is appended to the
 * document's log as it happens, and the log is compacted in the background
 * into one snapshot, so that loading reads one snapshot plus a short tail.
 *
 * @example
 * migrateUpdateLog(db);
 * const log = new UpdateLog(db, { logger });
 * const doc = new Y.Doc();
 * log.loadInto('b1/menu', doc);
 * const unbind = log.bind('b1/menu', doc);
 * log.start();
 * // ... later
 * unbind();
 * log.stop();
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { type Logger, silentLogger } from '@brigade/log';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import * as Y from 'yjs';

/** Options of {@link UpdateLog}; every one has a default. */
export interface UpdateLogOptions {
  /** Compact a document once its tail holds this many updates. */
  compactAfterUpdates?: number;
  /** Compact a document once its tail holds this many bytes. */
  compactAfterBytes?: number;
  /**
   * Decode every update before appending it, so that bytes which are not
   * a Yjs update are refused instead of breaking the document's next load.
   * Costs some microseconds per update.
   */
  validate?: boolean;
  /**
   * Drop the content of deleted items when compacting, as a live `Y.Doc`
   * does. Turn off for documents kept with `gc: false` for their history.
   */
  gc?: boolean;
  /** Where to log; a child with `ns: 'update-log'` is made of it. */
  logger?: Logger;
  /** Milliseconds since the epoch; recorded as the compaction time. */
  now?: () => number;
}

/** The defaults of {@link UpdateLogOptions}. */
export const UPDATE_LOG_DEFAULTS = {
  compactAfterUpdates: 500,
  compactAfterBytes: 1024 * 1024,
  validate: true,
  gc: true,
} as const;

/** Longest document name accepted, in characters. */
export const MAX_DOC_NAME_LENGTH = 512;

/** What one compaction did. */
export interface CompactionResult {
  name: string;
  /** Tail updates folded into the new snapshot. */
  folded: number;
  /** Bytes of those updates. */
  tailBytes: number;
  /** Bytes of the new snapshot. */
  snapshotBytes: number;
  /** Time spent, in milliseconds. */
  ms: number;
}

/** How much room one document takes. */
export interface DocSize {
  name: string;
  snapshotBytes: number;
  tailUpdates: number;
  tailBytes: number;
  /** When the snapshot was written (ms since the epoch), or null if none. */
  compactedAt: number | null;
}

/** Events of {@link UpdateLog}, each with one payload object. */
export interface UpdateLogEvents {
  compacted: [CompactionResult];
  'compaction-failed': [{ name: string; error: unknown }];
  /** A bound document's update could not be written; see {@link UpdateLog.bind}. */
  'append-failed': [{ name: string; error: unknown }];
}

/** Stable codes of {@link UpdateLogError}. */
export type UpdateLogErrorCode =
  | 'ERR_DOC_NAME'
  | 'ERR_DOC_UPDATE'
  | 'ERR_DOC_CORRUPT';

export class UpdateLogError extends Error {
  readonly code: UpdateLogErrorCode;

  constructor(code: UpdateLogErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UpdateLogError';
    this.code = code;
  }
}

interface SnapshotRow {
  state: Uint8Array;
  folded: number;
}

interface UpdateRow {
  id: number;
  data: Uint8Array;
}

interface SizeRow {
  name: string;
  snapshotBytes: number;
  tailUpdates: number;
  tailBytes: number;
  compactedAt: number | null;
}

interface TailCount {
  updates: number;
  bytes: number;
}

/** The snapshot and tail of one document, read in one transaction. */
interface Stored {
  snapshot: SnapshotRow | undefined;
  tail: UpdateRow[];
}

const SIZES_SQL = `
SELECT name,
  sum(snapshot_bytes) AS snapshotBytes,
  sum(tail_updates) AS tailUpdates,
  sum(tail_bytes) AS tailBytes,
  max(compacted_at) AS compactedAt
FROM (
  SELECT name, length(state) AS snapshot_bytes, 0 AS tail_updates,
    0 AS tail_bytes, compacted_at
  FROM doc_snapshot
  UNION ALL
  SELECT name, 0, count(*), sum(length(data)), NULL
  FROM doc_update GROUP BY name
)`;

/**
 * A per-document log of Yjs updates on a better-sqlite3 handle whose
 * tables {@link migrateUpdateLog} created. The handle stays the caller's:
 * stop the log before closing it.
 *
 * Appends are single INSERT statements, so they join a transaction the
 * caller has open. With `synchronous=FULL` each append outside a
 * transaction waits for its own fsync.
 *
 * Two processes may share the file, but background compaction counts only
 * this process's appends, so a document written only by another process is
 * compacted when this one calls {@link UpdateLog.compact} or starts.
 */
export class UpdateLog extends EventEmitter<UpdateLogEvents> {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #limits: { updates: number; bytes: number };
  readonly #validate: boolean;
  readonly #gc: boolean;

  readonly #insert: Statement<[string, Uint8Array]>;
  readonly #selectSnapshot: Statement<[string], SnapshotRow>;
  readonly #selectTail: Statement<[string], UpdateRow>;
  readonly #countTail: Statement<[string], TailCount>;
  readonly #listNames: Statement<[], { name: string }>;
  readonly #sizeOf: Statement<[string], SizeRow>;
  readonly #sizesAll: Statement<[], SizeRow>;
  readonly #readStored: Transaction<(name: string) => Stored>;
  readonly #writeSnapshot: Transaction<
    (name: string, state: Uint8Array, seen: Stored) => boolean
  >;
  readonly #removeDoc: Transaction<(name: string) => boolean>;

  /** Tail sizes appended by this process since the last compaction. */
  readonly #pending = new Map<string, TailCount>();
  readonly #queue = new Set<string>();
  #immediate: NodeJS.Immediate | undefined;
  #running = false;

  constructor(db: Database, options: UpdateLogOptions = {}) {
    super();
    this.#db = db;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'update-log' });
    this.#now = options.now ?? Date.now;
    this.#limits = {
      updates:
        options.compactAfterUpdates ?? UPDATE_LOG_DEFAULTS.compactAfterUpdates,
      bytes: options.compactAfterBytes ?? UPDATE_LOG_DEFAULTS.compactAfterBytes,
    };
    this.#validate = options.validate ?? UPDATE_LOG_DEFAULTS.validate;
    this.#gc = options.gc ?? UPDATE_LOG_DEFAULTS.gc;

    this.#insert = db.prepare(
      'INSERT INTO doc_update (name, data) VALUES (?, ?)',
    );
    this.#selectSnapshot = db.prepare(
      'SELECT state, folded FROM doc_snapshot WHERE name = ?',
    );
    this.#selectTail = db.prepare(
      'SELECT id, data FROM doc_update WHERE name = ? ORDER BY id',
    );
    this.#countTail = db.prepare(
      `SELECT count(*) AS updates, coalesce(sum(length(data)), 0) AS bytes
       FROM doc_update WHERE name = ?`,
    );
    this.#listNames = db.prepare(
      'SELECT name FROM doc_snapshot UNION SELECT name FROM doc_update ORDER BY name',
    );
    this.#sizeOf = db.prepare(`${SIZES_SQL} WHERE name = ? GROUP BY name`);
    this.#sizesAll = db.prepare(`${SIZES_SQL} GROUP BY name ORDER BY name`);
    this.#readStored = db.transaction((name: string) => ({
      snapshot: this.#selectSnapshot.get(name),
      tail: this.#selectTail.all(name),
    }));
    this.#writeSnapshot = this.#prepareWriteSnapshot();
    this.#removeDoc = this.#prepareRemove();
  }

  /**
   * Appends one update to the document's log. Throws an
   * {@link UpdateLogError} (`ERR_DOC_NAME`, `ERR_DOC_UPDATE`) and writes
   * nothing when the name or the update is not acceptable.
   */
  append(name: string, update: Uint8Array): void {
    checkName(name);
    this.#checkUpdate(name, update);
    const count = this.#tailCount(name);
    this.#insert.run(name, update);

    count.updates += 1;
    count.bytes += update.byteLength;
    if (count.updates >= this.#limits.updates) this.#schedule(name);
    else if (count.bytes >= this.#limits.bytes) this.#schedule(name);
  }

  /**
   * The document's whole state as one Yjs update (its snapshot and tail
   * merged), or null when nothing is stored under the name.
   */
  load(name: string): Uint8Array | null {
    checkName(name);
    const { snapshot, tail } = this.#readStored.deferred(name);
    const parts = tail.map((u) => u.data);
    if (snapshot) parts.unshift(snapshot.state);
    if (parts.length === 0) return null;
    if (parts.length === 1) return parts[0]!;
    try {
      return Y.mergeUpdates(parts);
    } catch (error) {
      throw corrupt(name, error);
    }
  }

  /**
   * Applies the stored state to `doc` in one Yjs transaction whose origin
   * is this log, so a binding made by {@link UpdateLog.bind} does not
   * append it again. Returns false when nothing is stored under the name.
   */
  loadInto(name: string, doc: Y.Doc): boolean {
    checkName(name);
    const { snapshot, tail } = this.#readStored.deferred(name);
    if (!snapshot && tail.length === 0) return false;
    try {
      doc.transact(() => {
        if (snapshot) Y.applyUpdate(doc, snapshot.state);
        for (const update of tail) Y.applyUpdate(doc, update.data);
      }, this);
    } catch (error) {
      throw corrupt(name, error);
    }
    return true;
  }

  /**
   * Appends every update `doc` emits from now on, except those whose
   * origin is this log. Returns the function that stops it; destroying the
   * document stops it too.
   *
   * An append that fails (a full disk, a closed database) is logged and
   * emitted as `append-failed`; it does not throw into Yjs. The next
   * update then appends the document's whole state, which covers every
   * update missed in between, and unbinding makes one last such attempt.
   */
  bind(name: string, doc: Y.Doc): () => void {
    checkName(name);
    let behind = false;
    const write = () => {
      try {
        this.append(name, Y.encodeStateAsUpdate(doc));
        behind = false;
      } catch (error) {
        this.#appendFailed(name, error);
      }
    };
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      if (behind) return write();
      try {
        this.append(name, update);
      } catch (error) {
        behind = true;
        this.#appendFailed(name, error);
      }
    };
    const unbind = () => {
      doc.off('update', onUpdate);
      doc.off('destroy', unbind);
      if (behind) write();
    };
    doc.on('update', onUpdate);
    doc.on('destroy', unbind);
    return unbind;
  }

  /**
   * Folds the document's tail into its snapshot now: the new snapshot is
   * written and the tail rows it covers are deleted in one transaction, so
   * a crash at any moment leaves either the old or the new state, whole.
   * Returns null when the tail is empty or another connection compacted
   * the document meanwhile.
   */
  compact(name: string): CompactionResult | null {
    checkName(name);
    const started = performance.now();
    const seen = this.#readStored.deferred(name);
    if (seen.tail.length === 0) return null;

    const state = this.#fold(name, seen);
    if (!this.#writeSnapshot.immediate(name, state, seen)) return null;
    this.#pending.delete(name);
    this.#queue.delete(name);

    const result: CompactionResult = {
      name,
      folded: seen.tail.length,
      tailBytes: seen.tail.reduce((sum, u) => sum + u.data.byteLength, 0),
      snapshotBytes: state.byteLength,
      ms: performance.now() - started,
    };
    this.#log.debug(result, 'compacted');
    this.emit('compacted', result);
    return result;
  }

  /** Compacts every document that has a tail; returns what was done. */
  compactAll(): CompactionResult[] {
    const done: CompactionResult[] = [];
    for (const { name, tailUpdates } of this.sizes()) {
      if (tailUpdates === 0) continue;
      const result = this.compact(name);
      if (result) done.push(result);
    }
    return done;
  }

  /** Names of every stored document, sorted. */
  list(): string[] {
    return this.#listNames.all().map((row) => row.name);
  }

  /** Deletes the document's snapshot and tail; false if there was none. */
  remove(name: string): boolean {
    checkName(name);
    this.#pending.delete(name);
    this.#queue.delete(name);
    return this.#removeDoc(name);
  }

  /** The room one document takes, or null when it is not stored. */
  size(name: string): DocSize | null {
    checkName(name);
    return this.#sizeOf.get(name) ?? null;
  }

  /** The room every stored document takes, sorted by name. */
  sizes(): DocSize[] {
    return this.#sizesAll.all();
  }

  /**
   * Starts background compaction: documents whose tail reaches a limit are
   * compacted one per event-loop turn, after the append that crossed it has
   * returned. Documents already over a limit are queued now. Idempotent.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const size of this.sizes()) {
      if (this.#overLimit(size.tailUpdates, size.tailBytes)) {
        this.#schedule(size.name);
      }
    }
    this.#log.debug({ queued: this.#queue.size }, 'started');
  }

  /** Stops background compaction; queued documents wait. Idempotent. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    this.#log.debug({ queued: this.#queue.size }, 'stopped');
  }

  #checkUpdate(name: string, update: Uint8Array): void {
    if (!(update instanceof Uint8Array) || update.byteLength === 0) {
      throw new UpdateLogError(
        'ERR_DOC_UPDATE',
        `update for "${name}" must be a non-empty Uint8Array`,
      );
    }
    if (!this.#validate) return;
    try {
      Y.decodeUpdate(update);
    } catch (error) {
      throw new UpdateLogError(
        'ERR_DOC_UPDATE',
        `update for "${name}" is not a Yjs update`,
        error,
      );
    }
  }

  #tailCount(name: string): TailCount {
    let count = this.#pending.get(name);
    if (!count) {
      count = { ...this.#countTail.get(name)! };
      this.#pending.set(name, count);
    }
    return count;
  }

  #overLimit(updates: number, bytes: number): boolean {
    return updates >= this.#limits.updates || bytes >= this.#limits.bytes;
  }

  #schedule(name: string): void {
    this.#queue.add(name);
    if (!this.#running || this.#immediate) return;
    this.#immediate = setImmediate(() => this.#compactNext());
  }

  #compactNext(): void {
    this.#immediate = undefined;
    const name = this.#queue.values().next().value;
    if (name === undefined) return;
    this.#queue.delete(name);
    try {
      this.compact(name);
    } catch (error) {
      // Wait for another round of appends before trying this one again.
      this.#pending.set(name, { updates: 0, bytes: 0 });
      this.#log.error({ name, err: error }, 'compaction failed');
      this.emit('compaction-failed', { name, error });
    }
    if (this.#queue.size > 0 && this.#running) {
      this.#immediate = setImmediate(() => this.#compactNext());
    }
  }

  #fold(name: string, seen: Stored): Uint8Array {
    const doc = new Y.Doc({ gc: this.#gc });
    try {
      doc.transact(() => {
        if (seen.snapshot) Y.applyUpdate(doc, seen.snapshot.state);
        for (const update of seen.tail) Y.applyUpdate(doc, update.data);
      });
      return Y.encodeStateAsUpdate(doc);
    } catch (error) {
      throw corrupt(name, error);
    } finally {
      doc.destroy();
    }
  }

  #prepareWriteSnapshot() {
    const upsert = this.#db.prepare<[string, Uint8Array, number, number]>(
      `INSERT INTO doc_snapshot (name, state, folded, compacted_at)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET
         state = excluded.state,
         folded = excluded.folded,
         compacted_at = excluded.compacted_at`,
    );
    const deleteThrough = this.#db.prepare<[string, number]>(
      'DELETE FROM doc_update WHERE name = ? AND id <= ?',
    );
    return this.#db.transaction(
      (name: string, state: Uint8Array, seen: Stored) => {
        // Another connection may have compacted since the tail was read.
        const now = this.#selectSnapshot.get(name);
        if (now?.folded !== seen.snapshot?.folded) return false;

        const lastId = seen.tail[seen.tail.length - 1]!.id;
        const folded = (seen.snapshot?.folded ?? 0) + seen.tail.length;
        upsert.run(name, state, folded, this.#now());
        deleteThrough.run(name, lastId);
        return true;
      },
    );
  }

  #prepareRemove() {
    const deleteSnapshot = this.#db.prepare<[string]>(
      'DELETE FROM doc_snapshot WHERE name = ?',
    );
    const deleteTail = this.#db.prepare<[string]>(
      'DELETE FROM doc_update WHERE name = ?',
    );
    return this.#db.transaction((name: string) => {
      const snapshots = deleteSnapshot.run(name).changes;
      const updates = deleteTail.run(name).changes;
      return snapshots + updates > 0;
    });
  }

  #appendFailed(name: string, error: unknown): void {
    this.#log.error({ name, err: error }, 'append failed');
    this.emit('append-failed', { name, error });
  }
}

function checkName(name: string): void {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > MAX_DOC_NAME_LENGTH
  ) {
    throw new UpdateLogError(
      'ERR_DOC_NAME',
      `document name must be a string of 1 to ${MAX_DOC_NAME_LENGTH} characters`,
    );
  }
}

function corrupt(name: string, error: unknown): UpdateLogError {
  return new UpdateLogError(
    'ERR_DOC_CORRUPT',
    `stored state of "${name}" does not decode as Yjs updates`,
    error,
  );
}
