/**
 * Documents of the relay, kept in SQLite by the store's `UpdateLog`.
 * Updates are written by group commit: those that arrive in one
 * event-loop turn share one transaction. With `deliver: 'after-commit'`
 * (the default) an update, and any sync answer, leaves the relay only
 * once the transaction holding it has committed, so whatever a client
 * received from the relay survives a restart or a killed process. The
 * log is compacted in the background and whenever a document is unloaded.
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
   * `after-commit` (default): an update is sent to the other clients only
   * after the transaction holding it has committed. `at-once`: it is sent
   * at once and committed on the next turn, so a killed process may lose
   * updates some clients already received (the figures in the README).
   */
  deliver?: 'after-commit' | 'at-once';
  /** Milliseconds to gather updates per commit; 0 (default) is one turn. */
  commitDelayMs?: number;
}

/** The defaults of {@link PersistenceOptions}. */
export const PERSISTENCE_DEFAULTS = {
  deliver: 'after-commit',
  commitDelayMs: 0,
} as const;

export interface SqliteDocSourceOptions extends PersistenceOptions {
  /** Default: silent. */
  logger?: Logger;
  /** Called once per failed batch (it is also logged and retried). */
  onCommitFailure?: (error: Error) => void;
  /** Called once per committed batch with the rows it wrote. */
  onCommit?: (rows: number) => void;
}

export class SqliteDocSource implements DocSource {
  readonly log: UpdateLog;
  readonly commits: GroupCommit;
  readonly #unbind = new Map<Y.Doc, () => void>();
  readonly #logger: Logger;
  readonly #gated: boolean;

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
    this.#gated =
      (options.deliver ?? PERSISTENCE_DEFAULTS.deliver) === 'after-commit';
    this.log.start();
  }

  open(name: string): Y.Doc {
    const doc = new Y.Doc();
    this.log.loadInto(name, doc);

    // Bound before the room listens, so each update is queued before the
    // room asks to send it.
    this.#unbind.set(doc, this.commits.bind(name, doc));
    return doc;
  }

  afterStored(_doc: Y.Doc, then: () => void): void {
    if (this.#gated) this.commits.afterCommit(then);
    else then();
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
