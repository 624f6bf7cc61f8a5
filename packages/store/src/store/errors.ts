/**
 * Errors of the store. Each has a stable `code`; callers switch on the
 * code, people read the message.
 */
import type { ChainFault } from '../journal/faults.ts';

export const STORE_ERROR_CODES = [
  /** The data folder or its database does not exist (read-only open). */
  'store-missing',
  /** The file is SQLite but not a Brigade store (or a newer schema). */
  'store-foreign',
  /** The file is not a readable SQLite database. */
  'store-corrupt',
  /** The folder or file cannot be written. */
  'store-read-only',
  /** The disk (or the database's page limit) is full. */
  'store-full',
  /** The store belongs to another device or branch than the one opening it. */
  'store-device-mismatch',
  /** The store is closed. */
  'store-closed',
  /** A settlement's invoice snapshot does not add up. */
  'invalid-settlement',
  /** A credit note or reprint names a document that is not held. */
  'missing-original',
  /** A credit note exceeds what is left of its original. */
  'credit-exceeds-original',
  /** Replicated entries failed verification; see `fault`. */
  'replica-rejected',
  /** A replicated entry has the seq of a held one but another hash. */
  'fork',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** Every error the store throws on purpose. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = 'StoreError';
  }
}

/** Replicated entries were refused; nothing of the batch was stored. */
export class ReplicaError extends StoreError {
  /** The first fault found. */
  readonly fault: ChainFault;

  constructor(code: 'replica-rejected' | 'fork', fault: ChainFault) {
    super(
      code,
      `${fault.device ?? 'replica'} seq ${fault.seq}: ${fault.code}: ${fault.message}`,
    );
    this.fault = fault;
    this.name = 'ReplicaError';
  }
}

/**
 * Maps an SQLite error to a store error where one applies: full disk,
 * read-only files, not a database.
 */
export function fromSqliteError(error: unknown, where: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const message = `${where}: ${(error as Error).message}`;
  if (code === 'SQLITE_FULL') {
    return new StoreError('store-full', message, { cause: error });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN') {
    return new StoreError('store-read-only', message, { cause: error });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('store-corrupt', message, { cause: error });
  }
  return error;
}
