/**
 * Group commit for the relay's documents: updates are queued as Yjs emits
 * them and written by the store's `UpdateLog` in one SQLite transaction
 * per event-loop turn (or per `delayMs`), so a burst of updates from many
 * rooms shares one commit instead of stalling the loop once per update.
 *
 * Callers that must not acknowledge anything before it is stored (the
 * relay's answer to sync step 1) pass that step to
 * {@link GroupCommit.afterCommit}: it runs once every update queued so
 * far has committed, in queue order.
 *
 * @example
 * const commits = new GroupCommit(db, log, { logger });
 * const unbind = commits.bind('b1/menu', doc);
 * commits.afterCommit(() => answerSyncStep1());
 */
import { type Logger, silentLogger } from '@brigade/log';
import type { UpdateLog } from '@brigade/store';
import type { Database } from 'better-sqlite3';
import * as Y from 'yjs';

export interface GroupCommitOptions {
  /**
   * Milliseconds to gather updates before committing; 0 (the default)
   * commits on the next event-loop turn (`setImmediate`).
   */
  delayMs?: number;
  /** First wait before retrying a failed batch; doubles up to `retryMaxMs`. */
  retryMs?: number;
  /** Longest wait between retries of a failing batch. */
  retryMaxMs?: number;
  /** Called once per failed batch, after it is logged (a metric, a test). */
  onFailure?: (error: Error) => void;
  /**
   * Called once per committed batch with the rows it wrote and the
   * seconds its transaction held the event loop (metrics).
   */
  onCommit?: (rows: number, seconds: number) => void;
  /** Default: silent. */
  logger?: Logger;
}

/** The defaults of {@link GroupCommitOptions}. */
export const GROUP_COMMIT_DEFAULTS = {
  delayMs: 0,
  retryMs: 50,
  retryMaxMs: 5_000,
} as const;

/** What is still to be written for one document. */
interface Pending {
  name: string;
  /** The live document, or null once it was unloaded while unwritten. */
  doc: Y.Doc | null;
  /** Updates in emission order, or the whole state after a failure. */
  updates: Uint8Array[];
  /**
   * A batch holding this document failed: its queued updates were
   * dropped from memory and the next attempt writes the document's whole
   * state, which covers them and everything since.
   */
  whole: boolean;
}

export class GroupCommit {
  readonly #log: UpdateLog;
  readonly #logger: Logger;
  readonly #options: Required<
    Omit<GroupCommitOptions, 'logger' | 'onFailure' | 'onCommit'>
  >;
  readonly #onFailure: ((error: Error) => void) | undefined;
  readonly #onCommit: ((rows: number, seconds: number) => void) | undefined;
  readonly #write: (batch: Pending[]) => number;

  /** Per document name, in first-queued order. */
  #pending = new Map<string, Pending>();
  #waiters: (() => void)[] = [];
  /** Cancels the scheduled flush, if one is scheduled. */
  #scheduled: (() => void) | null = null;
  #retryMs = 0;
  #failures = 0;
  #commits = 0;

  constructor(db: Database, log: UpdateLog, options: GroupCommitOptions = {}) {
    this.#log = log;
    this.#logger = (options.logger ?? silentLogger).child({
      ns: 'group-commit',
    });
    this.#options = {
      delayMs: options.delayMs ?? GROUP_COMMIT_DEFAULTS.delayMs,
      retryMs: options.retryMs ?? GROUP_COMMIT_DEFAULTS.retryMs,
      retryMaxMs: options.retryMaxMs ?? GROUP_COMMIT_DEFAULTS.retryMaxMs,
    };
    this.#onFailure = options.onFailure;
    this.#onCommit = options.onCommit;

    // `append` is one INSERT, so every append of a batch joins this
    // transaction; a throw rolls the whole batch back.
    this.#write = db.transaction((batch: Pending[]) => {
      let rows = 0;
      for (const entry of batch) {
        for (const update of updatesOf(entry)) {
          this.#log.append(entry.name, update);
          rows += 1;
        }
      }
      return rows;
    });
  }

  /** Transactions committed so far. */
  get commits(): number {
    return this.#commits;
  }

  /** Batches that failed to commit so far (each retried). */
  get failures(): number {
    return this.#failures;
  }

  /** True while updates wait to be written. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /**
   * Queues every update `doc` emits under `name` (except those the log
   * itself applied while loading). Returns the unbinding, which commits
   * what is queued for the document at once.
   */
  bind(name: string, doc: Y.Doc): () => void {
    const onUpdate = (update: Uint8Array, origin: unknown): void => {
      if (origin === this.#log) return;
      this.#queue(name, doc, update);
    };
    doc.on('update', onUpdate);
    return () => {
      doc.off('update', onUpdate);
      this.#release(name, doc);
    };
  }

  /**
   * Runs `then` once every update queued so far has committed; at once
   * when nothing is queued. Waiters run in the order they were given.
   */
  afterCommit(then: () => void): void {
    if (this.#pending.size === 0 && this.#waiters.length === 0) {
      then();
      return;
    }
    this.#waiters.push(then);
  }

  /**
   * Commits everything queued now, on the calling turn. Returns false
   * (after logging and counting the failure) when the write failed; the
   * batch stays queued and is retried.
   */
  flush(): boolean {
    this.#cancel();
    if (this.#pending.size === 0) {
      this.#runWaiters();
      return true;
    }
    const batch = [...this.#pending.values()];
    const started = performance.now();
    let rows: number;
    try {
      rows = this.#write(batch);
    } catch (error) {
      this.#failed(batch, error as Error);
      return false;
    }
    this.#commits += 1;
    this.#onCommit?.(rows, (performance.now() - started) / 1000);
    this.#retryMs = 0;
    this.#pending = new Map();
    this.#runWaiters();
    return true;
  }

  /** Commits what is queued and stops scheduling; call before closing. */
  stop(): void {
    this.flush();
    this.#cancel();
  }

  #queue(name: string, doc: Y.Doc, update: Uint8Array): void {
    const entry = this.#pending.get(name);
    if (!entry) {
      this.#pending.set(name, { name, doc, updates: [update], whole: false });
    } else if (!entry.whole) {
      entry.updates.push(update);
    }
    this.#schedule(this.#options.delayMs);
  }

  /** The document leaves memory: write its queue now, or keep its state. */
  #release(name: string, doc: Y.Doc): void {
    const entry = this.#pending.get(name);
    if (!entry || entry.doc !== doc) return;
    if (this.flush()) return;

    // The write failed and the document is about to be destroyed: keep
    // its whole state as bytes, so the retry still has it.
    entry.updates = [Y.encodeStateAsUpdate(doc)];
    entry.doc = null;
    entry.whole = false;
  }

  #failed(batch: Pending[], error: Error): void {
    this.#failures += 1;
    for (const entry of batch) {
      if (entry.doc) {
        entry.whole = true;
        entry.updates = [];
      }
    }
    this.#retryMs = Math.min(
      Math.max(this.#retryMs * 2, this.#options.retryMs),
      this.#options.retryMaxMs,
    );
    this.#logger.error(
      {
        docs: batch.length,
        failures: this.#failures,
        retryMs: this.#retryMs,
        err: error.message,
      },
      'document batch failed to commit; kept and retried',
    );
    this.#onFailure?.(error);
    this.#schedule(this.#retryMs);
  }

  #schedule(delayMs: number): void {
    if (this.#scheduled) return;
    const run = () => {
      this.#scheduled = null;
      this.flush();
    };
    if (delayMs > 0) {
      const timer = setTimeout(run, delayMs);
      this.#scheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(run);
      this.#scheduled = () => clearImmediate(immediate);
    }
  }

  #cancel(): void {
    this.#scheduled?.();
    this.#scheduled = null;
  }

  #runWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const then of waiters) {
      try {
        then();
      } catch (error) {
        this.#logger.error(
          { err: (error as Error).message },
          'a step waiting for a commit failed',
        );
      }
    }
  }
}

/** What a pending entry writes: its updates, or its document's state. */
function updatesOf(entry: Pending): Uint8Array[] {
  if (entry.whole && entry.doc) return [Y.encodeStateAsUpdate(entry.doc)];
  return entry.updates;
}
