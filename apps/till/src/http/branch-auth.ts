/**
 * Who may use the till's port beyond loopback: holders of a token signed
 * with the branch key, in the relay's token format, so that
 * `brigade token --secret-file <branch key file> --branch B ...` makes one.
 * On loopback the port is open, as only this machine can reach it.
 */
import {
  type Access,
  canRead,
  canWrite,
  TokenError,
  verifyToken,
} from '@brigade/cloud-relay';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** True when `host` binds only the loopback interface. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

export class BranchAuth {
  readonly required: boolean;
  #key: string;
  #branch: string;

  constructor(branchKey: string, branch: string, httpHost: string) {
    this.#key = branchKey;
    this.#branch = branch;
    this.required = !isLoopback(httpHost);
  }

  /** What `token` allows on this branch; null when it allows nothing. */
  accessOf(token: string | null): Access | null {
    if (!this.required) return 'write';
    try {
      const claims = verifyToken(token, this.#key);
      if (canWrite(claims, this.#branch)) return 'write';
      return canRead(claims, this.#branch) ? 'read' : null;
    } catch (error) {
      if (error instanceof TokenError) return null;
      throw error;
    }
  }
}
