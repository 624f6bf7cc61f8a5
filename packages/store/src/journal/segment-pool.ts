/**
 * Runs segments on the main thread and on worker threads at once, and
 * stays synchronous: the main thread verifies segments itself while the
 * workers start, then blocks (`Atomics.wait`) until the segments the
 * workers took are done and reads their answers with
 * `receiveMessageOnPort`. A worker that never starts costs nothing but
 * its start-up: the main thread then takes every segment itself.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { ChainVerifier } from './chain-verifier.ts';
import { ReferenceRecorder } from './reference-recorder.ts';
import {
  type SegmentResult,
  type SegmentTask,
  verifySegment,
} from './segment.ts';
import {
  FINISHED,
  NEXT_TASK,
  type SegmentAnswer,
  type SegmentWorkerData,
} from './segment-worker.ts';

/**
 * The worker's entry, plain JavaScript so that it starts the same under
 * tsx and plain Node: it registers tsx's CommonJS loader (synchronous,
 * about 10 ms, where the ES module loader starts a thread of its own and
 * takes about 250 ms) and runs `segment-worker.ts`. A failure to start
 * is swallowed; the main thread does the work instead.
 */
const SOURCE = `
const { workerData } = require('node:worker_threads');
try {
  require(workerData.loader).register();
  require(workerData.module).runSegmentWorker(workerData);
} catch {
  workerData.port.close();
}
`;

const WORKER_MODULE = fileURLToPath(
  new URL('./segment-worker.ts', import.meta.url),
);

/** tsx's CommonJS loader for the worker, or null when it is not installed. */
const LOADER = resolveLoader();

export interface PoolOptions {
  /** Worker threads besides the main thread. */
  workers: number;
  /** Memory map of each worker's connection. */
  mmapBytes: number;
  /** How long the main thread waits for a worker's segment before verifying it itself. */
  stallMs: number;
  /**
   * The main thread takes segments too (default). Tests turn it off to
   * see the workers do every segment.
   */
  callerTakes?: boolean;
}

/**
 * Verifies `tasks` on the main thread's `db` and `workers` threads.
 * Returns the results by task, or stops early with the first result
 * that has a fault (the others are then not needed).
 */
export function runSegments(
  db: Database,
  tasks: SegmentTask[],
  options: PoolOptions,
): { results: SegmentResult[]; faulty: boolean } {
  const workers = LOADER && tasks.length > 1 ? options.workers : 0;
  const control = new Int32Array(new SharedArrayBuffer(8));
  const ports = Array.from({ length: workers }, () =>
    startWorker(db.name, tasks, control, options.mmapBytes),
  );
  try {
    return collect(db, tasks, control, ports, options);
  } finally {
    // Later claims find nothing left; the workers end on their own.
    Atomics.store(control, NEXT_TASK, tasks.length);
    for (const { port, worker } of ports) {
      port.close();
      void worker.terminate();
    }
  }
}

interface Started {
  worker: Worker;
  port: MessagePort;
}

function startWorker(
  path: string,
  tasks: SegmentTask[],
  control: Int32Array,
  mmapBytes: number,
): Started {
  const { port1, port2 } = new MessageChannel();
  const data: SegmentWorkerData & { loader: string; module: string } = {
    path,
    mmapBytes,
    tasks,
    control,
    port: port2,
    loader: LOADER as string,
    module: WORKER_MODULE,
  };
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: data,
    transferList: [port2],
  });
  worker.unref();
  // An error is answered by the main thread doing the work.
  worker.on('error', () => {});
  return { worker, port: port1 };
}

function collect(
  db: Database,
  tasks: SegmentTask[],
  control: Int32Array,
  started: Started[],
  { stallMs, callerTakes = true }: PoolOptions,
): { results: SegmentResult[]; faulty: boolean } {
  const results: (SegmentResult | undefined)[] = new Array(tasks.length).fill(
    undefined,
  );
  const done = (result: SegmentResult) => result.fault !== null;

  // Take segments while any are left, reading answers in between.
  while (callerTakes) {
    const index = Atomics.add(control, NEXT_TASK, 1);
    const task = tasks[index];
    if (!task) break;
    const result = verifySegment(db, task);
    results[index] = result;
    if (done(result) || drain(started, results).some(done)) {
      return { results: results as SegmentResult[], faulty: true };
    }
  }

  // Wait for the segments the workers still hold; verify one here
  // when no answer came for `stallMs`.
  let finished = Atomics.load(control, FINISHED);
  let lastProgress = performance.now();
  for (;;) {
    if (drain(started, results).some(done)) {
      return { results: results as SegmentResult[], faulty: true };
    }
    const missing = results.indexOf(undefined);
    if (missing < 0)
      return { results: results as SegmentResult[], faulty: false };
    if (performance.now() - lastProgress > stallMs) {
      results[missing] = verifySegment(db, tasks[missing] as SegmentTask);
      lastProgress = performance.now();
      continue;
    }
    Atomics.wait(control, FINISHED, finished, 20);
    const now = Atomics.load(control, FINISHED);
    if (now !== finished) lastProgress = performance.now();
    finished = now;
  }
}

/**
 * Answers waiting on the ports, stored by task; returns the new results.
 * A segment a worker could not read counts as faulty: the sequential
 * verifier then reads it again and meets the same problem itself.
 */
function drain(
  started: Started[],
  results: (SegmentResult | undefined)[],
): SegmentResult[] {
  const fresh: SegmentResult[] = [];
  for (const { port } of started) {
    for (;;) {
      const message = receiveMessageOnPort(port);
      if (!message) break;
      const answer = message.message as SegmentAnswer;
      const result = answer.result ?? unreadable(answer.error);
      if (results[answer.index] === undefined) {
        results[answer.index] = result;
        fresh.push(result);
      }
    }
  }
  return fresh;
}

function unreadable(error: string | undefined): SegmentResult {
  const fault = {
    code: 'malformed' as const,
    seq: 0,
    message: `a worker could not read its segment: ${error ?? 'unknown'}`,
  };
  return {
    fault,
    summary: new ChainVerifier('').summary(),
    references: [],
    documents: new ReferenceRecorder().documents(),
  };
}

function resolveLoader(): string | null {
  try {
    return createRequire(import.meta.url).resolve('tsx/cjs/api');
  } catch {
    return null;
  }
}
