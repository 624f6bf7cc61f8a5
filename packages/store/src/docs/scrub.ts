/**
 * Scrubbing deleted content off a database file, for erasure on request.
 * Deleting a row is not enough: SQLite leaves its bytes in the freed page
 * or cell, and in WAL mode the old page images stay in the `-wal` file
 * until a checkpoint. A connection with `secure_delete` on zeroes what it
 * deletes; this finishes the job after an erasure's compaction.
 *
 * @example
 * log.compact('b1/customers');
 * const result = scrubDeleted(db); // result.walTruncated, result.vacuumed
 */
import { performance } from 'node:perf_hooks';
import type { Database } from 'better-sqlite3';

/** What {@link scrubDeleted} did. */
export interface ScrubResult {
  /**
   * The whole file was rebuilt (`VACUUM`): the first scrub of a file that
   * was not created with incremental auto-vacuum, whose pages freed before
   * `secure_delete` was on may still hold deleted bytes.
   */
  vacuumed: boolean;
  /** Free (already zeroed) pages cut off the end of the file. */
  releasedPages: number;
  /**
   * The `-wal` file was checkpointed and truncated to zero bytes. False
   * when another connection still reads an old snapshot: its frames then
   * stay until the next checkpoint that finds no reader.
   */
  walTruncated: boolean;
  ms: number;
}

/** `PRAGMA auto_vacuum` value of incremental mode. */
const INCREMENTAL = 2;

/**
 * Makes content deleted so far unrecoverable from the database's files:
 * turns `secure_delete` on for the connection, rebuilds the file once if
 * it may hold pages freed without it (and switches it to incremental
 * auto-vacuum, which marks it as scrubbed), gives free pages back, and
 * truncates the WAL. Call it outside any transaction. The one-time
 * rebuild costs time in proportion to the file's size and needs as much
 * free disk again; later calls cost in proportion to the free pages.
 */
export function scrubDeleted(db: Database): ScrubResult {
  const started = performance.now();
  db.pragma('secure_delete = ON');

  let vacuumed = false;
  let releasedPages = 0;
  if (db.pragma('auto_vacuum', { simple: true }) !== INCREMENTAL) {
    // The mode only changes through a rebuild, so after this the header
    // says that every free page of the file was zeroed.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
    vacuumed = true;
  } else {
    releasedPages = db.pragma('freelist_count', { simple: true }) as number;
    db.exec('PRAGMA incremental_vacuum');
  }

  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as {
    busy: number;
  }[];
  return {
    vacuumed,
    releasedPages,
    walTruncated: checkpoint?.busy === 0,
    ms: performance.now() - started,
  };
}
