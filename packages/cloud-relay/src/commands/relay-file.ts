/**
 * What the operator commands that change a relay's data folder while it
 * runs (`brigade token revoke`, `brigade relay bind`) share: the relay's
 * database opened for one small write, and their flags checked.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@brigade/cli';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../db.ts';

/**
 * Runs `fn` on the relay database in `dir` and closes it; a folder with
 * no relay database is a usage error (exit 2), never a new empty file.
 * A running relay holds the same file: writes wait up to 5 s for it.
 */
export function withRelayDatabase<T>(
  dir: string,
  fn: (db: Database.Database) => T,
): T {
  const file = join(dir, DATABASE_FILE);
  if (!existsSync(file)) {
    throw new UsageError(`${dir} holds no relay database (${DATABASE_FILE})`);
  }
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** A flag's trimmed value; a usage error naming it, with `help`, if missing. */
export function requiredFlag(
  value: string | undefined,
  flag: string,
  help: string,
): string {
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`${flag} is required\n\n${help}`);
  }
  return value.trim();
}
