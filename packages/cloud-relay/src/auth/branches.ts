/**
 * Which organisation each branch belongs to. Branch names share one
 * namespace on a relay (`/<branch>/<doc>`), so the relay binds a branch to
 * the organisation of the first valid token that names it explicitly, and
 * from then on refuses tokens of any other organisation for that branch.
 * An `admin` token opens, beyond the branches it names, only branches
 * already bound to its own organisation. The binding lives in the
 * `relay_branches` table; an operator pre-binds or moves a branch with
 * `brigade relay bind`, which a running relay notices (another
 * connection's commit changes `PRAGMA data_version`) without a restart.
 */
import type { Database, Statement } from 'better-sqlite3';
import { otherWriterWatch } from '../db.ts';
import { canRead, canWrite, type TokenClaims } from './token.ts';

/** What a token may do with one branch's documents. */
export type BranchAccess =
  | { allowed: true; write: boolean }
  | { allowed: false; why: string };

export class BranchDirectory {
  readonly #changed: () => boolean;
  readonly #select: Statement<[string], { org: string }>;
  readonly #upsert: Statement<[string, string, string, number]>;
  readonly #insert: Statement<[string, string, string, number]>;
  readonly #ofOrg: Statement<[string], { branch: string }>;
  readonly #cache = new Map<string, string>();

  constructor(db: Database) {
    this.#changed = otherWriterWatch(db);
    db.exec(`CREATE TABLE IF NOT EXISTS relay_branches (
      branch TEXT PRIMARY KEY,
      org TEXT NOT NULL,
      first_device TEXT NOT NULL,
      bound_at INTEGER NOT NULL
    ) STRICT`);
    this.#select = db.prepare(
      'SELECT org FROM relay_branches WHERE branch = ?',
    );
    this.#insert = db.prepare(
      `INSERT INTO relay_branches (branch, org, first_device, bound_at)
       VALUES (?, ?, ?, ?) ON CONFLICT (branch) DO NOTHING`,
    );
    this.#upsert = db.prepare(
      `INSERT INTO relay_branches (branch, org, first_device, bound_at)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (branch) DO UPDATE
         SET org = excluded.org, first_device = excluded.first_device,
             bound_at = excluded.bound_at`,
    );
    this.#ofOrg = db.prepare(
      'SELECT branch FROM relay_branches WHERE org = ? ORDER BY branch',
    );
  }

  /** The branches bound to `org`, by name. */
  branchesOf(org: string): string[] {
    return this.#ofOrg.all(org).map((row) => row.branch);
  }

  /**
   * Binds `branch` to `org` whether it was bound or not (the operator's
   * `brigade relay bind`); returns the organisation it had, if any.
   */
  bind(branch: string, org: string, by: string): string | undefined {
    const previous = this.#select.get(branch)?.org;
    this.#upsert.run(branch, org, by, Date.now());
    this.#cache.clear();
    return previous;
  }

  /** The organisation `branch` is bound to, or undefined. */
  orgOf(branch: string): string | undefined {
    if (this.#changed()) this.#cache.clear();
    const cached = this.#cache.get(branch);
    if (cached !== undefined) return cached;
    const org = this.#select.get(branch)?.org;
    if (org !== undefined) this.#cache.set(branch, org);
    return org;
  }

  /**
   * Decides what `claims` may do with `branch`, binding the branch to the
   * token's organisation if the token names it and it is not bound yet.
   */
  decide(claims: TokenClaims, branch: string): BranchAccess {
    if (claims.branches.includes(branch)) {
      const org = this.#bind(branch, claims);
      if (org !== claims.org) {
        return {
          allowed: false,
          why: 'branch belongs to another organisation',
        };
      }
    } else if (!canRead(claims, branch)) {
      return { allowed: false, why: 'token does not name this branch' };
    } else if (this.orgOf(branch) !== claims.org) {
      return {
        allowed: false,
        why: 'branch is not bound to this organisation',
      };
    }
    return { allowed: true, write: canWrite(claims, branch) };
  }

  #bind(branch: string, claims: TokenClaims): string {
    const known = this.orgOf(branch);
    if (known !== undefined) return known;
    this.#insert.run(branch, claims.org, claims.device, Date.now());
    return this.orgOf(branch) ?? claims.org;
  }
}
