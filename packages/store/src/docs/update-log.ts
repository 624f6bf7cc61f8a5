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
import type { Database } from 'better-sqlite3';
import * as Y from 'yjs';

import { checkName, corrupt, UpdateLogError } from './errors.ts';
import { FoldClosedError, FoldError, FoldWorker } from './fold-worker.ts';
import {
  type DocStatements,
  prepareDocStatements,
  type Stored,
  type TailCount,
} from './statements.ts';
import {
  type CompactionResult,
  type DocSize,
  UPDATE_LOG_DEFAULTS,
  type UpdateLogEvents,
  type UpdateLogOptions,
} from './types.ts';

export {
  MAX_DOC_NAME_LENGTH,
  UpdateLogError,
  type UpdateLogErrorCode,
} from './errors.ts';
export * from './types.ts';

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
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #limits: { updates: number; bytes: number };
  readonly #validate: boolean;
  readonly #gc: boolean;

  readonly #sql: DocStatements;

  /** Tail sizes appended by this process since the last compaction. */
  readonly #pending = new Map<string, TailCount>();
  readonly #queue = new Set<string>();
  #immediate: NodeJS.Immediate | undefined;
  #running = false;
  /** A background compaction is under way (possibly on the worker). */
  #busy = false;
  readonly #folder: FoldWorker | undefined;

  constructor(db: Database, options: UpdateLogOptions = {}) {
    super();
    this.#log = (options.logger ?? silentLogger).child({ ns: 'update-log' });
    this.#now = options.now ?? Date.now;
    this.#limits = {
      updates:
        options.compactAfterUpdates ?? UPDATE_LOG_DEFAULTS.compactAfterUpdates,
      bytes: options.compactAfterBytes ?? UPDATE_LOG_DEFAULTS.compactAfterBytes,
    };
    this.#validate = options.validate ?? UPDATE_LOG_DEFAULTS.validate;
    this.#gc = options.gc ?? UPDATE_LOG_DEFAULTS.gc;
    for (const [name, limit] of Object.entries(this.#limits)) {
      if (Number.isFinite(limit) && limit > 0) continue;
      throw new UpdateLogError(
        'ERR_DOC_OPTIONS',
        `compaction limit on ${name} must be a positive number`,
      );
    }
    const worker = options.worker ?? UPDATE_LOG_DEFAULTS.worker;
    this.#folder = worker ? new FoldWorker() : undefined;

    this.#sql = prepareDocStatements(db);
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
    this.#sql.insert.run(name, update);

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
    const { snapshot, tail } = this.#sql.readStored.deferred(name);
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
    const { snapshot, tail } = this.#sql.readStored.deferred(name);
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
   * While appends keep failing, every update encodes the whole document
   * again, which costs CPU on a large one.
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
   * Folds on the calling thread. Returns null when the tail is empty or
   * another connection compacted or removed the document meanwhile.
   */
  compact(name: string): CompactionResult | null {
    checkName(name);
    const started = performance.now();
    const seen = this.#sql.readStored.deferred(name);
    if (seen.tail.length === 0) return null;

    return this.#replace(name, seen, this.#fold(name, seen), started);
  }

  /** Writes the folded state unless the document changed under it. */
  #replace(
    name: string,
    seen: Stored,
    state: Uint8Array,
    started: number,
  ): CompactionResult | null {
    if (!this.#sql.writeSnapshot.immediate(name, state, seen, this.#now())) {
      return null;
    }
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
    return this.#sql.listNames.all().map((row) => row.name);
  }

  /** Deletes the document's snapshot and tail; false if there was none. */
  remove(name: string): boolean {
    checkName(name);
    this.#pending.delete(name);
    this.#queue.delete(name);
    return this.#sql.remove(name);
  }

  /** The room one document takes, or null when it is not stored. */
  size(name: string): DocSize | null {
    checkName(name);
    return this.#sql.sizeOf.get(name) ?? null;
  }

  /** The room every stored document takes, sorted by name. */
  sizes(): DocSize[] {
    return this.#sql.sizesAll.all();
  }

  /**
   * Starts background compaction: documents whose tail reaches a limit are
   * compacted one at a time, starting on a later event-loop turn than the
   * append that crossed the limit, and folded on a worker thread unless
   * `worker` is false. Documents already over a limit are queued now.
   * Idempotent.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#folder?.warm();
    for (const size of this.sizes()) {
      if (this.#overLimit(size.tailUpdates, size.tailBytes)) {
        this.#schedule(size.name);
      }
    }
    this.#log.debug({ queued: this.#queue.size }, 'started');
  }

  /**
   * Stops background compaction and its worker thread; queued documents
   * wait, and a fold under way is dropped unwritten. Idempotent.
   */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    this.#folder?.close();
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
      count = { ...this.#sql.countTail.get(name)! };
      this.#pending.set(name, count);
    }
    return count;
  }

  #overLimit(updates: number, bytes: number): boolean {
    return updates >= this.#limits.updates || bytes >= this.#limits.bytes;
  }

  #schedule(name: string): void {
    this.#queue.add(name);
    if (!this.#running || this.#immediate || this.#busy) return;
    this.#immediate = setImmediate(() => this.#compactNext());
  }

  #compactNext(): void {
    this.#immediate = undefined;
    const name = this.#queue.values().next().value;
    if (name === undefined) return;
    this.#queue.delete(name);
    this.#busy = true;
    void this.#compactInBackground(name).finally(() => {
      this.#busy = false;
      if (this.#queue.size > 0 && this.#running && !this.#immediate) {
        this.#immediate = setImmediate(() => this.#compactNext());
      }
    });
  }

  async #compactInBackground(name: string): Promise<void> {
    try {
      if (!this.#folder) {
        this.compact(name);
        return;
      }
      const started = performance.now();
      const seen = this.#sql.readStored.deferred(name);
      if (seen.tail.length === 0) return;
      const parts = seen.tail.map((update) => update.data);
      if (seen.snapshot) parts.unshift(seen.snapshot.state);
      const state = await this.#folder.fold(parts, this.#gc).catch((error) => {
        throw error instanceof FoldError ? corrupt(name, error) : error;
      });

      // Once stopped, the owner may be closing the database.
      if (this.#running) this.#replace(name, seen, state, started);
    } catch (error) {
      if (!this.#running || error instanceof FoldClosedError) return;
      // Wait for another round of appends before trying this one again.
      this.#pending.set(name, { updates: 0, bytes: 0 });
      this.#log.error({ name, err: error }, 'compaction failed');
      this.emit('compaction-failed', { name, error });
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

  #appendFailed(name: string, error: unknown): void {
    this.#log.error({ name, err: error }, 'append failed');
    this.emit('append-failed', { name, error });
  }
}
