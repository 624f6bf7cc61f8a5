import { hkdfSync } from 'node:crypto';
import { LanError } from './errors.ts';

/** Secrets derived from the branch key; neither is ever logged or sent. */
export interface BranchSecrets {
  /** HMAC-SHA256 key that authenticates discovery beacons. */
  beaconKey: Buffer;
  /** The TLS pre-shared key of every connection between the branch's devices. */
  psk: Buffer;
}

/** The shortest branch key accepted, in bytes. */
export const MIN_BRANCH_KEY_BYTES = 16;

const SALT = 'brigade-lan-v1';

/**
 * Derives one key per purpose with HKDF-SHA256, so that a leaked beacon
 * key does not give the TLS key, and the branch name is bound into both:
 * another branch's key never opens this branch's connections.
 */
export function deriveBranchSecrets(
  branchKey: Buffer,
  branch: string,
): BranchSecrets {
  if (branchKey.length < MIN_BRANCH_KEY_BYTES) {
    throw new LanError(
      'BRANCH_KEY_TOO_SHORT',
      `branch key must be at least ${MIN_BRANCH_KEY_BYTES} bytes`,
    );
  }
  const derive = (purpose: string) =>
    Buffer.from(
      hkdfSync('sha256', branchKey, SALT, `${purpose}\0${branch}`, 32),
    );
  return { beaconKey: derive('beacon-hmac'), psk: derive('tls-psk') };
}
