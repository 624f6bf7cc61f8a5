/**
 * Documents of the relay, kept in SQLite by the store's `UpdateLog`: every
 * update a client sends is appended before it is fanned out to the other
 * clients, so what anyone has seen survives a restart; the log is
 * compacted in the background and whenever a document is unloaded.
 */
import type { Logger } from '@brigade/log';
import { migrateUpdateLog, UpdateLog } from '@brigade/store';
import type { Database } from 'better-sqlite3';
import * as Y from 'yjs';
import type { DocSource } from '../sync/hub.ts';

export class SqliteDocSource implements DocSource {
  readonly log: UpdateLog;
  readonly #unbind = new Map<Y.Doc, () => void>();
  readonly #logger: Logger;

  constructor(db: Database, logger: Logger) {
    migrateUpdateLog(db);
    this.#logger = logger.child({ ns: 'docs' });
    // The hub decodes every client update before applying it, and the
    // log only ever sees updates Yjs itself emitted: no second check.
    this.log = new UpdateLog(db, { logger, validate: false });
    this.log.start();
  }

  open(name: string): Y.Doc {
    const doc = new Y.Doc();
    this.log.loadInto(name, doc);

    // Bound before the room listens, so each update is stored before it
    // is sent to anyone.
    this.#unbind.set(doc, this.log.bind(name, doc));
    return doc;
  }

  close(name: string, doc: Y.Doc): void {
    this.#unbind.get(doc)?.();
    this.#unbind.delete(doc);
    doc.destroy();
    try {
      this.log.compact(name);
    } catch (error) {
      this.#logger.error(
        { doc: name, err: (error as Error).message },
        'compaction on unload failed',
      );
    }
  }

  /** Stops background compaction; call after the hub has stopped. */
  stop(): void {
    this.log.stop();
  }
}
