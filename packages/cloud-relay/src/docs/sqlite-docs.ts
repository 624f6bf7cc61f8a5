/**
 * Documents of the relay, kept in SQLite by the store's `UpdateLog`.
 * Updates are written by group commit: those that arrive in one
 * event-loop turn share one transaction. The hub sends an update to the
 * other clients at once, but answers sync step 1 (what makes a client
 * report `synced`) only once everything before it has committed, so what
 * the relay acknowledges survives a restart or a killed process; an
 * update sent on but lost with the process is still held by the clients
 * that have it, and they send it back when they reconnect. The log is
 * compacted in the background and whenever a document is unloaded.
 */
import { type Logger, silentLogger } from '@brigade/log';
import { migrateUpdateLog, UpdateLog } from '@brigade/store';
import type { Database } from 'better-sqlite3';
import * as Y from 'yjs';
import type { DocSource } from '../sync/hub.ts';
import { GroupCommit } from './group-commit.ts';

/** How the relay stores documents. */
export interface PersistenceOptions {
  /**
   * Milliseconds to gather updates per commit (0 is one event-loop
   * turn); default 100. Delivery does not wait for commits, so gathering
   * longer costs only that much more wait for a sync answer, and saves
   * most commits: at 400 updates a second, 10 instead of 400. Each commit
   * cost the event loop about 0.15 ms, the largest share of the CPU the
   * relay spent beyond a bare y-websocket server.
   */
  commitDelayMs?: number;
}

/** The defaults of {@link PersistenceOptions}. */
export const PERSISTENCE_DEFAULTS = {
  commitDelayMs: 100,
} as const;

export interface SqliteDocSourceOptions extends PersistenceOptions {
  /** Default: silent. */
  logger?: Logger;
  /** Called once per failed batch (it is also logged and retried). */
  onCommitFailure?: (error: Error) => void;
  /** Called once per committed batch with its rows and its seconds. */
  onCommit?: (rows: number, seconds: number) => void;
}

export class SqliteDocSource implements DocSource {
  readonly log: UpdateLog;
  readonly commits: GroupCommit;
  readonly #unbind = new Map<Y.Doc, () => void>();
  readonly #logger: Logger;

  constructor(db: Database, options: SqliteDocSourceOptions = {}) {
    const logger = options.logger ?? silentLogger;
    migrateUpdateLog(db);
    this.#logger = logger.child({ ns: 'docs' });
    // The hub decodes every client update before applying it, and the
    // log only ever sees updates Yjs itself emitted: no second check.
    this.log = new UpdateLog(db, { logger, validate: false });
    this.commits = new GroupCommit(db, this.log, {
      delayMs: options.commitDelayMs ?? PERSISTENCE_DEFAULTS.commitDelayMs,
      logger,
      ...(options.onCommitFailure
        ? { onFailure: options.onCommitFailure }
        : {}),
      ...(options.onCommit ? { onCommit: options.onCommit } : {}),
    });
    this.log.start();
  }

  open(name: string): Y.Doc {
    const doc = new Y.Doc();
    this.log.loadInto(name, doc);

    // Bound before the room listens, so an update is queued before it is
    // sent, and a sync answer asked for after it waits for its commit.
    this.#unbind.set(doc, this.commits.bind(name, doc));
    return doc;
  }

  afterStored(_doc: Y.Doc, then: () => void): void {
    this.commits.afterCommit(then);
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

  /**
   * Commits what is queued and stops background compaction; call after
   * the hub has stopped and before closing the database.
   */
  stop(): void {
    this.commits.stop();
    this.log.stop();
  }
}
