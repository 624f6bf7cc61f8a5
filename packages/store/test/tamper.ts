/**
 * What an auditor's attacker does to a till's database file with the
 * sqlite3 shell: drop the triggers, then delete, edit, swap, rewrite or
 * append rows, recomputing hashes where that helps hide the change, or
 * store a payload spelled otherwise than canonically.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  ClosingTallyBuilder,
  canonicalize,
  computeHashWithPayloadText,
  DATABASE_FILE,
  type EntryDraft,
  GENESIS_HASH,
  type JournalEntry,
  sealEntry,
  ZERO_TOTALS,
} from '../src/index.ts';
import {
  ENTRY_COLUMNS,
  ENTRY_PLACEHOLDERS,
  type EntryRow,
  entryToRow,
  rowToEntry,
} from '../src/journal/rows.ts';

/** Runs `fn` on the raw database with the journal's triggers dropped. */
export function tamper(dir: string, fn: (db: Database.Database) => void) {
  const db = new Database(join(dir, DATABASE_FILE));
  try {
    for (const name of [
      'journal_no_update',
      'journal_no_delete',
      'journal_extends_chain',
    ]) {
      db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    }
    db.transaction(() => fn(db))();
  } finally {
    db.close();
  }
}

/** Every entry of the own journal, in order. */
export function readChain(db: Database.Database): JournalEntry[] {
  const rows = db
    .prepare(`SELECT ${ENTRY_COLUMNS} FROM journal ORDER BY seq`)
    .raw()
    .all() as EntryRow[];
  return rows.map((r) => rowToEntry(r).entry);
}

/** The facts of an entry, for re-sealing. */
export function draftOf(entry: JournalEntry): EntryDraft {
  const { device, kind, ts, businessDate, user, docNo, payload, total, tax } =
    entry;
  return { device, kind, ts, businessDate, user, docNo, payload, total, tax };
}

/**
 * Rewrites the chain from `fromSeq` with fresh hashes: each later entry
 * goes through `edit` (null drops it) and is sealed again; Z closings in
 * the rewritten part get freshly computed sums, so the chain is
 * internally consistent and only outside anchors can tell.
 */
export function rewriteFrom(
  dir: string,
  fromSeq: number,
  edit: (draft: EntryDraft, old: JournalEntry) => EntryDraft | null,
): void {
  tamper(dir, (db) => {
    const chain = readChain(db);
    db.prepare('DELETE FROM journal WHERE seq >= ?').run(fromSeq);
    const insert = db.prepare(
      `INSERT INTO journal (${ENTRY_COLUMNS}) VALUES (${ENTRY_PLACEHOLDERS})`,
    );
    let prev: JournalEntry | null = null;
    let tally = new ClosingTallyBuilder();
    for (const old of chain) {
      const draft = old.seq < fromSeq ? draftOf(old) : edit(draftOf(old), old);
      if (!draft) continue;
      if (draft.kind === 'z-closing') {
        draft.payload = {
          ...draft.payload,
          fromSeq: tally.fromSeq,
          toSeq: prev?.seq ?? 0,
          lastHash: prev?.hash ?? GENESIS_HASH,
          perpetual: { ...(prev?.running ?? ZERO_TOTALS) },
          ...tally.result(),
        };
      }
      const sealed = sealEntry(prev, draft);
      if (old.seq >= fromSeq) {
        insert.run(...entryToRow(sealed.entry, sealed.payloadText));
      }
      if (draft.kind === 'z-closing') {
        tally = new ClosingTallyBuilder();
        tally.reset(sealed.entry.seq + 1);
      } else {
        tally.add(sealed.entry);
      }
      prev = sealed.entry;
    }
  });
}

/** Appends a forged entry that extends the chain with a valid hash. */
export function appendForged(dir: string, draft: Omit<EntryDraft, 'device'>) {
  tamper(dir, (db) => {
    const prev = readChain(db).at(-1) ?? null;
    const sealed = sealEntry(prev, {
      ...draft,
      device: prev?.device ?? 'till-1',
    });
    db.prepare(
      `INSERT INTO journal (${ENTRY_COLUMNS}) VALUES (${ENTRY_PLACEHOLDERS})`,
    ).run(...entryToRow(sealed.entry, sealed.payloadText));
  });
}

/** Inserts an entry as given (its hash and totals are the attacker's). */
export function insertEntry(dir: string, entry: JournalEntry): void {
  tamper(dir, (db) => {
    db.prepare(
      `INSERT INTO journal (${ENTRY_COLUMNS}) VALUES (${ENTRY_PLACEHOLDERS})`,
    ).run(...entryToRow(entry, canonicalize(entry.payload)));
  });
}

/**
 * Stores entry `seq`'s payload as `spell` writes its canonical text (the
 * same value spelled otherwise), hashed honestly over the new text, and
 * links every later entry to it again, Z closings' `lastHash` included:
 * the spelling is the only fault left.
 */
export function respellPayload(
  dir: string,
  seq: number,
  spell: (canonical: string) => string,
): void {
  tamper(dir, (db) => {
    const rows = db
      .prepare(
        `SELECT ${ENTRY_COLUMNS} FROM journal WHERE seq >= ? ORDER BY seq`,
      )
      .raw()
      .all(seq) as EntryRow[];
    const update = db.prepare(
      'UPDATE journal SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?',
    );
    let prevHash: string | null = null;
    for (const row of rows) {
      const { entry, payloadText } = rowToEntry(row);
      const linked = { ...entry, prevHash: prevHash ?? entry.prevHash };
      let text = payloadText;
      if (entry.seq === seq) text = spell(payloadText);
      else if (entry.kind === 'z-closing') {
        text = canonicalize({ ...entry.payload, lastHash: linked.prevHash });
      }
      const hash = computeHashWithPayloadText(linked, text);
      update.run(text, linked.prevHash, hash, entry.seq);
      prevHash = hash;
    }
  });
}
