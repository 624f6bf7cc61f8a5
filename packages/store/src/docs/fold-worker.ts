/**
 * Folds a snapshot and its tail into one Yjs state on a worker thread, so
 * that background compaction of a large document never stalls the till's
 * event loop. The worker holds no database handle: it gets the bytes and
 * returns the state, and the caller writes it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker's source. It is plain JavaScript evaluated in the worker, so
 * it runs the same under tsx and under plain Node, and loads Yjs by its
 * resolved CommonJS path.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(workerData.yjs);
parentPort.on('message', ({ id, parts, gc }) => {
  const doc = new Y.Doc({ gc });
  try {
    doc.transact(() => {
      for (const part of parts) Y.applyUpdate(doc, part);
    });
    parentPort.postMessage({ id, state: Y.encodeStateAsUpdate(doc) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  } finally {
    doc.destroy();
  }
});
`;

const yjsPath = createRequire(import.meta.url).resolve('yjs');

interface Pending {
  resolve: (state: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface Answer {
  id: number;
  state?: Uint8Array;
  error?: string;
}

/** Thrown when the bytes do not fold: they are not valid Yjs updates. */
export class FoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FoldError';
  }
}

/** Rejects the folds still running when {@link FoldWorker.close} is called. */
export class FoldClosedError extends Error {
  constructor() {
    super('fold worker closed');
    this.name = 'FoldClosedError';
  }
}

/**
 * One worker thread, started on the first fold and never keeping the
 * process alive on its own. Folds run one after another in it.
 */
export class FoldWorker {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #ids = 0;

  /** The state of `parts` applied in order to a fresh document. */
  fold(parts: Uint8Array[], gc: boolean): Promise<Uint8Array> {
    const worker = this.#start();
    const id = ++this.#ids;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, parts, gc });
    });
  }

  /** Starts the thread now, so that the first fold does not wait for it. */
  warm(): void {
    this.#start();
  }

  /** Ends the thread; folds still running reject. Idempotent. */
  close(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new FoldClosedError());
    if (worker) void worker.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: { yjs: yjsPath },
    });
    worker.unref();
    worker.on('message', (answer: Answer) => this.#settle(answer));
    worker.on('error', (error) => this.#crashed(worker, error));
    worker.on('exit', (code) => {
      this.#crashed(worker, new Error(`fold worker exited with ${code}`));
    });
    this.#worker = worker;
    return worker;
  }

  #settle({ id, state, error }: Answer): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (state) pending.resolve(state);
    else pending.reject(new FoldError(error ?? 'fold failed'));
  }

  /** A dead worker fails its folds; the next fold starts a new one. */
  #crashed(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#failAll(error);
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
