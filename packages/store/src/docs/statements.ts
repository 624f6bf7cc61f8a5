/**
 * The update log's SQL, prepared once per database handle: appends, the
 * reads of a document, and the transactions that replace a snapshot and
 * remove a document.
 */
import type { Database, Statement, Transaction } from 'better-sqlite3';

export interface SnapshotRow {
  state: Uint8Array;
  folded: number;
}

export interface UpdateRow {
  id: number;
  data: Uint8Array;
}

export interface SizeRow {
  name: string;
  snapshotBytes: number;
  tailUpdates: number;
  tailBytes: number;
  compactedAt: number | null;
}

export interface TailCount {
  updates: number;
  bytes: number;
}

/** The snapshot and tail of one document, read in one transaction. */
export interface Stored {
  snapshot: SnapshotRow | undefined;
  tail: UpdateRow[];
}

export interface DocStatements {
  insert: Statement<[string, Uint8Array]>;
  selectSnapshot: Statement<[string], SnapshotRow>;
  countTail: Statement<[string], TailCount>;
  listNames: Statement<[], { name: string }>;
  sizeOf: Statement<[string], SizeRow>;
  sizesAll: Statement<[], SizeRow>;
  readStored: Transaction<(name: string) => Stored>;
  /**
   * Writes the folded state of `seen` as the new snapshot and deletes the
   * tail rows it covers, or does nothing and returns false when another
   * connection compacted or removed the document since `seen` was read.
   */
  writeSnapshot: Transaction<
    (name: string, state: Uint8Array, seen: Stored, now: number) => boolean
  >;
  remove: Transaction<(name: string) => boolean>;
}

const SIZES_SQL = `
SELECT name,
  sum(snapshot_bytes) AS snapshotBytes,
  sum(tail_updates) AS tailUpdates,
  sum(tail_bytes) AS tailBytes,
  max(compacted_at) AS compactedAt
FROM (
  SELECT name, length(state) AS snapshot_bytes, 0 AS tail_updates,
    0 AS tail_bytes, compacted_at
  FROM doc_snapshot
  UNION ALL
  SELECT name, 0, count(*), sum(length(data)), NULL
  FROM doc_update GROUP BY name
)`;

const UPSERT_SNAPSHOT_SQL = `
INSERT INTO doc_snapshot (name, state, folded, compacted_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
  state = excluded.state,
  folded = excluded.folded,
  compacted_at = excluded.compacted_at`;

export function prepareDocStatements(db: Database): DocStatements {
  const selectSnapshot = db.prepare<[string], SnapshotRow>(
    'SELECT state, folded FROM doc_snapshot WHERE name = ?',
  );
  const selectTail = db.prepare<[string], UpdateRow>(
    'SELECT id, data FROM doc_update WHERE name = ? ORDER BY id',
  );
  return {
    insert: db.prepare('INSERT INTO doc_update (name, data) VALUES (?, ?)'),
    selectSnapshot,
    countTail: db.prepare(
      `SELECT count(*) AS updates, coalesce(sum(length(data)), 0) AS bytes
       FROM doc_update WHERE name = ?`,
    ),
    listNames: db.prepare(
      `SELECT name FROM doc_snapshot
       UNION SELECT name FROM doc_update ORDER BY name`,
    ),
    sizeOf: db.prepare(`${SIZES_SQL} WHERE name = ? GROUP BY name`),
    sizesAll: db.prepare(`${SIZES_SQL} GROUP BY name ORDER BY name`),
    readStored: db.transaction((name: string) => ({
      snapshot: selectSnapshot.get(name),
      tail: selectTail.all(name),
    })),
    writeSnapshot: prepareWriteSnapshot(db, selectSnapshot),
    remove: prepareRemove(db),
  };
}

function prepareWriteSnapshot(
  db: Database,
  selectSnapshot: Statement<[string], SnapshotRow>,
) {
  const upsert =
    db.prepare<[string, Uint8Array, number, number]>(UPSERT_SNAPSHOT_SQL);
  const deleteThrough = db.prepare<[string, number]>(
    'DELETE FROM doc_update WHERE name = ? AND id <= ?',
  );
  const hasRow = db.prepare<[number]>('SELECT 1 FROM doc_update WHERE id = ?');
  return db.transaction(
    (name: string, state: Uint8Array, seen: Stored, now: number) => {
      // Another connection may have compacted or removed the document
      // since the tail was read.
      const current = selectSnapshot.get(name);
      if (current?.folded !== seen.snapshot?.folded) return false;
      const lastId = seen.tail[seen.tail.length - 1]!.id;
      if (!hasRow.get(lastId)) return false;

      const folded = (seen.snapshot?.folded ?? 0) + seen.tail.length;
      upsert.run(name, state, folded, now);
      deleteThrough.run(name, lastId);
      return true;
    },
  );
}

function prepareRemove(db: Database) {
  const deleteSnapshot = db.prepare<[string]>(
    'DELETE FROM doc_snapshot WHERE name = ?',
  );
  const deleteTail = db.prepare<[string]>(
    'DELETE FROM doc_update WHERE name = ?',
  );
  return db.transaction((name: string) => {
    const snapshots = deleteSnapshot.run(name).changes;
    const updates = deleteTail.run(name).changes;
    return snapshots + updates > 0;
  });
}
