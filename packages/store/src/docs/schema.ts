/**
 * Tables of the document update log. Each document has at most one
 * snapshot row (its state at the last compaction) and a tail of update
 * rows appended since; the document is the snapshot merged with its tail.
 */
import type { Database } from 'better-sqlite3';

const DDL = `
CREATE TABLE IF NOT EXISTS doc_snapshot (
  name TEXT PRIMARY KEY,
  state BLOB NOT NULL,
  folded INTEGER NOT NULL,
  compacted_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS doc_update (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  data BLOB NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS doc_update_by_name ON doc_update (name, id);
`;

/**
 * Creates the update log's tables if they are missing. Safe to call on
 * every start and on a database that other components share.
 *
 * `doc_snapshot.folded` counts every update ever folded into the snapshot;
 * compaction uses it to notice that another connection compacted first.
 * `doc_update.id` orders the tail and is never handed out twice
 * (AUTOINCREMENT), so compaction deletes exactly the rows it has read.
 */
export function migrateUpdateLog(db: Database): void {
  db.exec(DDL);
}
