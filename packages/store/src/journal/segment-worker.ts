/**
 * The body of a verification worker thread. It opens the database file
 * read-only on its own connection (WAL lets readers share the file) and
 * takes segments from the shared list until none is left: the next
 * index comes from an atomic counter that the main thread draws from
 * too, so whichever thread is free takes the next segment.
 */
import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  type SegmentResult,
  type SegmentTask,
  verifySegment,
} from './segment.ts';

/** What the main thread gives each worker. */
export interface SegmentWorkerData {
  path: string;
  mmapBytes: number;
  tasks: SegmentTask[];
  /** [next task index, tasks finished by workers]. */
  control: Int32Array;
  port: MessagePort;
}

/** One finished segment: its result, or why it could not be verified. */
export interface SegmentAnswer {
  index: number;
  result?: SegmentResult;
  error?: string;
}

/** Slots of the shared control array. */
export const NEXT_TASK = 0;
export const FINISHED = 1;

/** Verifies segments until the list is exhausted, then closes. */
export function runSegmentWorker(data: SegmentWorkerData): void {
  const { control, port, tasks } = data;
  let db: Database.Database | undefined;
  try {
    db = new Database(data.path, { readonly: true, fileMustExist: true });
    db.pragma(`mmap_size = ${data.mmapBytes}`);
    for (;;) {
      const index = Atomics.add(control, NEXT_TASK, 1);
      const task = tasks[index];
      if (!task) break;
      port.postMessage(answer(db, index, task));
      Atomics.add(control, FINISHED, 1);
      Atomics.notify(control, FINISHED);
    }
  } finally {
    db?.close();
    port.close();
  }
}

function answer(
  db: Database.Database,
  index: number,
  task: SegmentTask,
): SegmentAnswer {
  try {
    return { index, result: verifySegment(db, task) };
  } catch (error) {
    return { index, error: String((error as Error)?.message ?? error) };
  }
}
