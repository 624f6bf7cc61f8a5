/**
 * Opening a till's data folder: create it on first start, refuse a
 * folder or file that is missing, foreign or corrupt with a typed error,
 * and set the pragmas every connection needs.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fromSqliteError, StoreError } from './errors.ts';
import {
  APPLICATION_ID,
  createSchema,
  DATABASE_FILE,
  SCHEMA_VERSION,
} from './schema.ts';

/** Who a store belongs to, as stamped when it was created. */
export interface StoreIdentity {
  device: string;
  branch: string;
}

export interface OpenDatabaseOptions {
  dir: string;
  /** Open without writing anything; the folder must hold a store. */
  readonly: boolean;
  /** Required to create a store; checked against an existing one. */
  identity?: StoreIdentity;
  synchronous: 'FULL' | 'NORMAL';
  /** Page limit of the database file (tests simulate a full disk with it). */
  maxPageCount?: number;
  /** ISO time recorded as the store's creation time. */
  now: string;
}

/** Opens (or creates) the database of a data folder. */
export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const path = join(options.dir, DATABASE_FILE);
  prepareFolder(options.dir, path, options.readonly);
  try {
    return openAt(path, options);
  } catch (error) {
    if (!options.readonly || !cannotShareMemory(error)) throw error;
  }

  // A WAL database in a folder nobody may write (a read-only mount, an
  // auditor's copy) cannot get its shared-memory file; read a private
  // copy of the files instead. Nothing is written next to the original.
  const copy = mkdtempSync(join(tmpdir(), 'brigade-readonly-'));
  const cleanup = () => rmSync(copy, { recursive: true, force: true });
  try {
    for (const suffix of ['', '-wal']) {
      const from = `${path}${suffix}`;
      if (existsSync(from))
        copyFileSync(from, join(copy, `${DATABASE_FILE}${suffix}`));
    }
    const opened = openAt(join(copy, DATABASE_FILE), options);
    return { ...opened, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** An open database and what closing it must also undo. */
export interface OpenedDatabase {
  db: Database.Database;
  identity: StoreIdentity;
  /** Removes a private read-only copy, if one was made. */
  cleanup?: () => void;
}

function openAt(path: string, options: OpenDatabaseOptions): OpenedDatabase {
  let db: Database.Database;
  try {
    db = new Database(path, {
      readonly: options.readonly,
      fileMustExist: options.readonly,
    });
  } catch (error) {
    throw fromSqliteError(error, `cannot open ${path}`);
  }
  try {
    const identity = initialise(db, path, options);
    return { db, identity };
  } catch (error) {
    db.close();
    throw fromSqliteError(error, `cannot use ${path}`);
  }
}

function cannotShareMemory(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = String(cause?.code ?? (error as { code?: unknown }).code);
  return code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN';
}

function prepareFolder(dir: string, path: string, readonly: boolean): void {
  if (!readonly) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StoreError('store-read-only', `cannot create ${dir}`, {
        cause: error,
      });
    }
    return;
  }
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder?.isDirectory()) {
    throw new StoreError('store-missing', `${dir} is not a folder`);
  }
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new StoreError(
      'store-missing',
      `${dir} is not a Brigade data folder (no ${DATABASE_FILE})`,
    );
  }
}

function initialise(
  db: Database.Database,
  path: string,
  options: OpenDatabaseOptions,
): StoreIdentity {
  // Reading the header is the first access: a file that is not SQLite
  // fails here with SQLITE_NOTADB.
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")
    .get() as { n: number };
  // Nothing is written (not even the WAL switch) before the file is
  // known to be an empty new database or a Brigade store.
  if (appId === 0 && tables.n === 0 && !options.readonly) {
    if (!options.identity) {
      throw new StoreError(
        'store-missing',
        `${path} is new: a device and branch are needed to create it`,
      );
    }
    const identity = options.identity;
    // Only settable before the first table: a new store's free pages can
    // then be given back after an erasure without rebuilding the file.
    db.pragma('auto_vacuum = INCREMENTAL');
    setPragmas(db, options);
    db.transaction(() =>
      createSchema(db, { ...identity, createdAt: options.now }),
    )();
  } else if (appId !== APPLICATION_ID) {
    throw new StoreError(
      'store-foreign',
      `${path} is an SQLite database but not a Brigade store`,
    );
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'store-foreign',
      `${path} has schema ${version}; this Brigade reads up to ${SCHEMA_VERSION}`,
    );
  }
  const identity = checkIdentity(db, path, options.identity);
  if (!options.readonly) setPragmas(db, options);
  return identity;
}

function setPragmas(db: Database.Database, options: OpenDatabaseOptions) {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma('busy_timeout = 5000');
  // Deleted rows are zeroed in place, so a customer's erased name is not
  // left in a freed page or cell.
  db.pragma('secure_delete = ON');
  if (options.maxPageCount !== undefined) {
    db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
  }
}

function checkIdentity(
  db: Database.Database,
  path: string,
  wanted: StoreIdentity | undefined,
): StoreIdentity {
  const rows = db.prepare('SELECT key, value FROM meta').all() as {
    key: string;
    value: string;
  }[];
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const device = meta.get('device');
  const branch = meta.get('branch');
  if (meta.get('format') !== 'brigade-store' || !device || !branch) {
    throw new StoreError('store-foreign', `${path} has no Brigade identity`);
  }
  if (wanted && (wanted.device !== device || wanted.branch !== branch)) {
    throw new StoreError(
      'store-device-mismatch',
      `${path} belongs to ${branch}/${device}, not ${wanted.branch}/${wanted.device}`,
    );
  }
  return { device, branch };
}
