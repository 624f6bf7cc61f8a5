/**
 * Tables of the sync outbox: the queue of journal entries on their way to
 * the relay, and the dead letters the relay refused for good.
 */
import type { Database } from 'better-sqlite3';

const DDL = `
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  device TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ts TEXT NOT NULL,
  hash TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('own', 'replica')),
  entry TEXT,
  enqueued_at INTEGER NOT NULL,
  sent_at INTEGER,
  CHECK (sent_at IS NOT NULL OR entry IS NOT NULL)
) STRICT;

CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (id)
  WHERE sent_at IS NULL;

CREATE TABLE IF NOT EXISTS outbox_dead (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  device TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ts TEXT NOT NULL,
  hash TEXT NOT NULL,
  origin TEXT NOT NULL,
  entry TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  dead_at INTEGER NOT NULL
) STRICT;
`;

/**
 * Creates the outbox's tables if they are missing. Safe to call on every
 * start and on a database that other components share.
 *
 * `outbox.id` is the delivery order; AUTOINCREMENT keeps an id from ever
 * being handed out twice, so a dead letter that is revived gets its old
 * place back. A sent row keeps its key, sequence and hash but drops the
 * entry's JSON, which the journal holds anyway.
 */
export function migrateOutbox(db: Database): void {
  db.exec(DDL);
}
