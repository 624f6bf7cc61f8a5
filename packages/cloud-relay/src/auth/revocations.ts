/**
 * Revoked tokens. A token is never stored, so it is revoked by what it
 * names: every token of one device (or dashboard, or admin) of one
 * organisation issued at or before a moment. A new token issued after
 * that moment works again, so a till whose token leaked gets a fresh one
 * and the leaked one is dead everywhere: at the next connection or
 * request, and on sockets already open within {@link REVOCATION_SWEEP_MS}.
 *
 * The list lives in the relay's SQLite file, so `brigade token revoke`
 * can write it while the relay runs; the relay notices another
 * connection's commit through `PRAGMA data_version` and reloads it.
 *
 * @example
 * const revocations = new Revocations(db);
 * revocations.revoke('acme', 'till-3', Math.floor(Date.now() / 1000));
 * revocations.revoked(claims); // true for till-3's tokens issued until now
 */
import type { Database, Statement } from 'better-sqlite3';
import { otherWriterWatch } from '../db.ts';
import type { TokenClaims } from './token.ts';

/** How often the relay checks the tokens of open sockets again. */
export const REVOCATION_SWEEP_MS = 5_000;

/** One revocation: tokens of `device` of `org` issued at or before `before`. */
export interface Revocation {
  org: string;
  device: string;
  /** Seconds since the epoch. */
  before: number;
}

export class Revocations {
  readonly #changed: () => boolean;
  readonly #upsert: Statement;
  readonly #all: Statement;
  /** By `org \u0000 device`; null once this process wrote a revocation. */
  #byDevice: Map<string, number> | null = null;

  constructor(db: Database) {
    this.#changed = otherWriterWatch(db);
    db.exec(`CREATE TABLE IF NOT EXISTS token_revocations (
      org TEXT NOT NULL,
      device TEXT NOT NULL,
      before INTEGER NOT NULL,
      revoked_at TEXT NOT NULL,
      PRIMARY KEY (org, device)
    ) STRICT`);
    this.#upsert = db.prepare(
      `INSERT INTO token_revocations (org, device, before, revoked_at)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (org, device) DO UPDATE
         SET before = max(before, excluded.before), revoked_at = excluded.revoked_at`,
    );
    this.#all = db.prepare(
      'SELECT org, device, before FROM token_revocations ORDER BY org, device',
    );
  }

  /**
   * Revokes every token of `device` of `org` issued at or before
   * `before` (seconds); a later revocation of the same device only ever
   * moves the moment forward.
   */
  revoke(org: string, device: string, before: number): void {
    this.#upsert.run(org, device, before, new Date().toISOString());
    this.#byDevice = null;
  }

  /** True when the token's claims fall under a revocation. */
  revoked(claims: TokenClaims): boolean {
    const before = this.#revocations().get(
      `${claims.org}\u0000${claims.device}`,
    );
    return before !== undefined && claims.iat <= before;
  }

  /** Every revocation, by organisation and device. */
  list(): Revocation[] {
    return this.#all.all() as Revocation[];
  }

  /** The revocations by device, read again when the file changed. */
  #revocations(): Map<string, number> {
    if (this.#changed() || this.#byDevice === null) {
      this.#byDevice = new Map(
        this.list().map((r) => [`${r.org}\u0000${r.device}`, r.before]),
      );
    }
    return this.#byDevice;
  }
}
