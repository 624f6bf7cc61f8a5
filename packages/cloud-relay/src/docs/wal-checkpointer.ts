/**
 * Checkpoints the relay's WAL from a worker thread with its own
 * connection. SQLite's automatic checkpoint runs inside the commit that
 * crosses its threshold, on the event loop, and it fsyncs twice: on a
 * disk busy with other work that stalled the loop for up to 120 ms, and
 * every room's delivery with it. Here the worker copies the WAL into the
 * database file every `everyMs` (a passive checkpoint: it never blocks a
 * writer), so the automatic checkpoint of the main connection, kept as a
 * backstop with a higher threshold, finds little or nothing left to copy.
 *
 * @example
 * db.pragma(`wal_autocheckpoint = ${CHECKPOINT_DEFAULTS.backstopPages}`);
 * const checkpoints = new WalCheckpointer(db.name, { logger });
 * checkpoints.start();
 * // ... before db.close():
 * await checkpoints.stop();
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type Logger, silentLogger } from '@brigade/log';

export interface WalCheckpointerOptions {
  /** Milliseconds between checkpoints; default 250. */
  everyMs?: number;
  /** Default: silent. */
  logger?: Logger;
}

/** The defaults of {@link WalCheckpointerOptions}, and the backstop. */
export const CHECKPOINT_DEFAULTS = {
  everyMs: 250,
  /**
   * `wal_autocheckpoint` for the main connection: 16 MB of WAL. The WAL
   * restarts only after a checkpoint that no commit overlapped; should
   * the worker never find such a moment, the main connection checkpoints
   * at this size as before, cheaply since the frames are already copied.
   */
  backstopPages: 4_000,
} as const;

/**
 * The worker's source: plain JavaScript, so it runs the same under tsx
 * and plain Node; it loads better-sqlite3 by its resolved path.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ row });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/** What one checkpoint did, as SQLite reports it (in WAL frames). */
export interface CheckpointResult {
  /** 1 if it could not finish (a writer or reader held it back). */
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames of those now copied into the database file. */
  checkpointed: number;
}

interface Answer {
  row?: CheckpointResult;
  error?: string;
}

export class WalCheckpointer {
  readonly #file: string;
  readonly #everyMs: number;
  readonly #log: Logger;
  #worker: Worker | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inFlight = false;
  #failures = 0;
  #last: CheckpointResult | null = null;

  /** `file` is the database file, e.g. `db.name` of the main connection. */
  constructor(file: string, options: WalCheckpointerOptions = {}) {
    this.#file = file;
    this.#everyMs = options.everyMs ?? CHECKPOINT_DEFAULTS.everyMs;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'checkpoint' });
  }

  /** What the last checkpoint did, or null before the first. */
  get last(): CheckpointResult | null {
    return this.#last;
  }

  /** Starts the worker and the periodic checkpoint; idempotent. */
  start(): void {
    if (this.#worker) return;
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: { driver: driverPath, file: this.#file },
    });
    worker.on('message', this.#onAnswer);
    worker.on('error', (error) => {
      this.#log.error({ err: error.message }, 'checkpoint worker failed');
    });
    worker.once('exit', () => {
      if (this.#worker === worker) this.#worker = null;
    });

    // After the listeners: adding a 'message' listener refs the worker's
    // port again, which would keep the process alive.
    worker.unref();
    this.#worker = worker;
    this.#timer = setInterval(this.#tick, this.#everyMs);
    this.#timer.unref();
  }

  /** Stops checkpointing and closes the worker's connection; idempotent. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const worker = this.#worker;
    this.#worker = null;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));

    // Held while it closes its connection, so the process waits for it.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  readonly #tick = (): void => {
    if (this.#inFlight || !this.#worker) return;
    this.#inFlight = true;
    this.#worker.postMessage('checkpoint');
  };

  readonly #onAnswer = (answer: Answer): void => {
    this.#inFlight = false;
    if (answer.error === undefined) {
      this.#failures = 0;
      this.#last = answer.row ?? null;
      return;
    }

    // Logged once per run of failures: the main connection's own
    // checkpoint still bounds the WAL meanwhile.
    this.#failures += 1;
    if (this.#failures === 1) {
      this.#log.warn({ err: answer.error }, 'checkpoint failed');
    }
  };
}
