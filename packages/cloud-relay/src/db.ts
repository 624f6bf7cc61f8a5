/**
 * The relay's one SQLite file, `relay.sqlite` in the data directory. Every
 * part of the relay (documents, journals, the branch directory) keeps its
 * tables in it, so one online backup copies everything consistently.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The database file's name inside `--data DIR`. */
export const DATABASE_FILE = 'relay.sqlite';

/**
 * Opens (creating if needed) the relay database in `dataDir`: WAL mode, so
 * readers never wait for the writer; `synchronous=NORMAL`, so a commit
 * survives the relay process dying (a power cut may lose the last
 * transactions, never corrupt the file). Deleted content is zeroed
 * (`secure_delete`), and a new file uses incremental auto-vacuum, so an
 * erasure's `scrubDeleted` never has to rebuild it.
 */
export function openRelayDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));
  // Settable only before the first table is created.
  const empty = db.pragma('page_count', { simple: true }) === 0;
  if (empty) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * Says whether another connection (another process: `brigade token
 * revoke`, `brigade relay bind`) has committed to the file since it last
 * said so, from `PRAGMA data_version`; a cache kept beside the database
 * reloads only then. The first call says true.
 */
export function otherWriterWatch(db: Database.Database): () => boolean {
  let seen = -1;
  return () => {
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version === seen) return false;
    seen = version;
    return true;
  };
}
