/**
 * The store's own tables: identity, the device's journal, replicas of
 * other devices' journals and the settlement-claim ledger. The update
 * log and the outbox add theirs to the same database, so that one
 * transaction can cover a journal entry and its outbox record.
 */
import type { Database } from 'better-sqlite3';
import { GENESIS_HASH } from '../journal/hash.ts';

/** `PRAGMA application_id` of a Brigade store: "Brgd". */
export const APPLICATION_ID = 0x42726764;

/** `PRAGMA user_version`: the schema this code writes. */
export const SCHEMA_VERSION = 1;

/** The database file inside a till's data folder. */
export const DATABASE_FILE = 'brigade.db';

const ENTRY_COLUMNS = `
  device TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  kind TEXT NOT NULL,
  ts TEXT NOT NULL,
  business_date TEXT NOT NULL,
  user TEXT NOT NULL,
  doc_no TEXT,
  payload TEXT NOT NULL,
  total INTEGER NOT NULL,
  tax INTEGER NOT NULL,
  run_sales INTEGER NOT NULL,
  run_credits INTEGER NOT NULL,
  run_net INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  ref_doc TEXT GENERATED ALWAYS AS (
    CASE WHEN kind IN ('credit-note', 'reprint')
    THEN json_extract(payload, '$.original.docNo') END
  ) VIRTUAL`;

function appendOnly(table: string): string {
  return `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, 'brigade: ${table} is append-only'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, 'brigade: ${table} is append-only'); END;`;
}

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE journal (${ENTRY_COLUMNS},
  PRIMARY KEY (seq)
) STRICT;
CREATE UNIQUE INDEX journal_doc_no ON journal (doc_no) WHERE doc_no IS NOT NULL;
CREATE INDEX journal_kind ON journal (kind, seq);
CREATE INDEX journal_ref_doc ON journal (ref_doc) WHERE ref_doc IS NOT NULL;
${appendOnly('journal')}

-- The last line of defence behind the code: a row can only extend the
-- chain, with the next number and the last hash as its link.
CREATE TRIGGER journal_extends_chain BEFORE INSERT ON journal
WHEN NEW.seq <> coalesce((SELECT max(seq) FROM journal), 0) + 1
  OR NEW.prev_hash <> coalesce(
    (SELECT hash FROM journal ORDER BY seq DESC LIMIT 1), '${GENESIS_HASH}')
BEGIN SELECT RAISE(ABORT, 'brigade: journal entry does not extend the chain'); END;

CREATE TABLE replica_journal (${ENTRY_COLUMNS},
  PRIMARY KEY (device, seq)
) STRICT;
CREATE INDEX replica_doc_no ON replica_journal (doc_no) WHERE doc_no IS NOT NULL;
CREATE INDEX replica_ref_doc ON replica_journal (ref_doc) WHERE ref_doc IS NOT NULL;
${appendOnly('replica_journal')}

CREATE TRIGGER replica_extends_chain BEFORE INSERT ON replica_journal
WHEN NEW.seq <> coalesce(
    (SELECT max(seq) FROM replica_journal WHERE device = NEW.device), 0) + 1
BEGIN SELECT RAISE(ABORT, 'brigade: replica entry does not extend its chain'); END;

-- Settlement entries whose claim is in the order document. Bookkeeping
-- only: a missing row makes start-up write the claim again.
CREATE TABLE settlement_claim (
  seq INTEGER PRIMARY KEY,
  written_at TEXT NOT NULL
) STRICT;
`;

/** Creates the store's tables in an empty database and stamps it. */
export function createSchema(
  db: Database,
  identity: { device: string; branch: string; createdAt: string },
): void {
  db.exec(DDL);
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  put.run('format', 'brigade-store');
  put.run('device', identity.device);
  put.run('branch', identity.branch);
  put.run('created_at', identity.createdAt);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
