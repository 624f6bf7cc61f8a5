/**
 * The relay's journal tables and their idempotent migration. The server
 * opens the database; this module only adds its own tables to it, so it
 * never touches `user_version` or pragmas that the server owns.
 */
import type { Database } from 'better-sqlite3';

interface Migration {
  name: string;
  sql: string;
}

/**
 * Applied in order, each once. A migration is never edited after it ships;
 * a change to the schema is a new entry at the end.
 */
const MIGRATIONS: Migration[] = [
  {
    name: '001-journal',
    sql: `
      -- Every acknowledged entry, exactly as the device sent it (body is
      -- the entry's JSON); the columns beside it serve lookups and reports.
      -- A rowid table: bodies are about a kilobyte, too big to sit in a
      -- WITHOUT ROWID b-tree (inserts were three times slower).
      CREATE TABLE journal_entries (
        id INTEGER PRIMARY KEY,
        org TEXT NOT NULL,
        branch TEXT NOT NULL,
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ts TEXT NOT NULL,
        business_date TEXT NOT NULL,
        hash TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (org, branch, device, seq)
      );
      CREATE INDEX journal_entries_by_date
        ON journal_entries (org, branch, business_date);

      -- The acknowledged tail of every device's chain; what the device
      -- last said it still holds unsent; the oldest sale it sent that was
      -- refused and is still not stored.
      CREATE TABLE journal_devices (
        org TEXT NOT NULL,
        branch TEXT NOT NULL,
        device TEXT NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_hash TEXT,
        last_ts TEXT,
        last_seen_at INTEGER NOT NULL,
        pending_count INTEGER,
        pending_oldest_sale_ts TEXT,
        unreported_sale_seq INTEGER,
        unreported_sale_ts TEXT,
        PRIMARY KEY (org, branch, device)
      ) WITHOUT ROWID;

      -- Integrity events; a repeat of the same event bumps its count.
      CREATE TABLE journal_alerts (
        id INTEGER PRIMARY KEY,
        org TEXT NOT NULL,
        branch TEXT NOT NULL,
        device TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        seq INTEGER,
        expected_seq INTEGER,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        entry_kind TEXT,
        entry_ts TEXT,
        hash TEXT,
        count INTEGER NOT NULL DEFAULT 1,
        first_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        UNIQUE (org, branch, device, kind, ref)
      );
      CREATE INDEX journal_alerts_by_branch
        ON journal_alerts (org, branch, last_at);
    `,
  },
  {
    name: '002-credits',
    sql: `
      -- Sum of credit notes against each original sale.
      CREATE TABLE journal_credits (
        org TEXT NOT NULL,
        branch TEXT NOT NULL,
        device TEXT NOT NULL,
        seq INTEGER NOT NULL,
        credited INTEGER NOT NULL,
        PRIMARY KEY (org, branch, device, seq)
      ) WITHOUT ROWID;
    `,
  },
];

/** Creates or upgrades the journal tables; safe to call on every start. */
export function migrateJournal(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS journal_migrations (
    name TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db.prepare('SELECT name FROM journal_migrations').pluck().all() as string[],
  );
  const record = db.prepare(
    'INSERT INTO journal_migrations (name, applied_at) VALUES (?, ?)',
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.name)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.name, Date.now());
    })();
  }
}
