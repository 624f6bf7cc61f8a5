/**
 * Erasures that reach the relay through sync. A till erases a customer in
 * its copy of the book and sends the change like any other; the relay
 * stores it in the book's update log, whose tail still holds the updates
 * that wrote the name and phone. This watches every customer book the hub
 * loads: once a change from a client writes to an erased record (the
 * erasure itself, or an edit from a device that had not seen it, which
 * is blanked here as on the tills), the book is compacted after the
 * change's group commit and the database file is scrubbed, as the
 * relay's own erasure endpoint does.
 *
 * It wraps the relay's {@link DocSource}, so the hub needs no change:
 *
 * @example
 * const hub = new SyncHub({ docs: new ErasureWatch(docs, { db, log }) });
 */
import { CustomerBook, onErasedWrite, yjsEngine } from '@brigade/crdt-model';
import { type Logger, silentLogger } from '@brigade/log';
import { scrubDeleted, type UpdateLog } from '@brigade/store';
import type { Database } from 'better-sqlite3';
import type * as Y from 'yjs';
import type { DocSource } from '../sync/hub.ts';
import { RELAY_WRITER } from './stock.ts';

export interface ErasureWatchOptions {
  /** The relay's database, scrubbed after each erasure's compaction. */
  db: Database;
  /** The update log the wrapped source stores documents in. */
  log: UpdateLog;
  /** Default: silent. */
  logger?: Logger;
}

/** True for the documents holding customers: `.../customers`. */
export function isCustomerBookRoom(name: string): boolean {
  return name.endsWith('/customers');
}

export class ErasureWatch implements DocSource {
  readonly #source: DocSource;
  readonly #db: Database;
  readonly #log: UpdateLog;
  readonly #logger: Logger;
  readonly #unwatch = new Map<Y.Doc, () => void>();
  /** Books whose scrub waits for a commit. */
  readonly #due = new Set<string>();

  constructor(source: DocSource, options: ErasureWatchOptions) {
    this.#source = source;
    this.#db = options.db;
    this.#log = options.log;
    this.#logger = (options.logger ?? silentLogger).child({ ns: 'erasure' });
  }

  async open(name: string): Promise<Y.Doc> {
    const doc = await this.#source.open(name);
    if (isCustomerBookRoom(name)) this.#watch(name, doc);
    return doc;
  }

  async close(name: string, doc: Y.Doc): Promise<void> {
    this.#unwatch.get(doc)?.();
    this.#unwatch.delete(doc);
    await this.#source.close?.(name, doc);
  }

  afterStored(doc: Y.Doc, then: () => void): void {
    if (this.#source.afterStored) this.#source.afterStored(doc, then);
    else then();
  }

  /** Books with an erasure whose compaction and scrub are still due. */
  get pending(): number {
    return this.#due.size;
  }

  #watch(name: string, doc: Y.Doc): void {
    const engine = yjsEngine(doc);
    const book = new CustomerBook(engine, { device: RELAY_WRITER });

    // A relay stopped between an erasure's commit and its compaction left
    // the old updates in the tail: finish the job on load.
    const tail = this.#log.size(name)?.tailUpdates ?? 0;
    if (tail > 0 && book.records().some((r) => r.erased)) {
      this.#scrubSoon(name, doc);
    }
    const stop = onErasedWrite(engine, () => {
      book.scrubErased();
      this.#scrubSoon(name, doc);
    });
    this.#unwatch.set(doc, () => {
      stop();
      book.close();
      engine.destroy();
    });
  }

  /** Compacts and scrubs once what the hub queued so far is stored. */
  #scrubSoon(name: string, doc: Y.Doc): void {
    if (this.#due.has(name)) return;
    this.#due.add(name);
    // A change is seen before Yjs emits its update, so the commit is
    // asked for once the update is queued; the scrub runs on the turn
    // after that commit, when no transaction or statement is open.
    queueMicrotask(() =>
      this.afterStored(doc, () => setImmediate(() => this.#scrub(name))),
    );
  }

  #scrub(name: string): void {
    this.#due.delete(name);
    // The relay stopped meanwhile; unloading compacted the book.
    if (!this.#db.open) return;
    try {
      this.#log.compact(name);
      const result = scrubDeleted(this.#db);
      this.#logger.info(
        { doc: name, ...result, ms: Math.round(result.ms) },
        'erased customer data scrubbed',
      );
    } catch (error) {
      this.#logger.error(
        { doc: name, err: (error as Error).message },
        'erased customer data not scrubbed',
      );
    }
  }
}
