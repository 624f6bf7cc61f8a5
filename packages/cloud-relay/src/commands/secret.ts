/**
 * Where `brigade relay` and `brigade token` find the signing secret: the
 * environment variable `BRIGADE_RELAY_SECRET`, or the file named by
 * `--secret-file`. Never a plain flag: flags show up in `ps` and shell
 * history.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '@brigade/cli';

/** The environment variable that may hold the secret. */
export const SECRET_ENV = 'BRIGADE_RELAY_SECRET';

/** Shortest secret accepted, in bytes. */
export const MIN_SECRET_BYTES = 32;

/**
 * The secret from `--secret-file` (trailing newline removed) or the
 * environment; throws a {@link UsageError} if neither gives a secret of
 * at least 32 bytes.
 */
export function readSecret(
  env: NodeJS.ProcessEnv,
  secretFile: string | undefined,
): string {
  let secret: string | undefined;
  if (secretFile !== undefined) {
    try {
      secret = readFileSync(secretFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new UsageError(
        `cannot read --secret-file ${secretFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  } else {
    secret = env[SECRET_ENV];
  }
  if (!secret) {
    throw new UsageError(
      `no signing secret: set ${SECRET_ENV} or pass --secret-file FILE`,
    );
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new UsageError(
      `the signing secret must be at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return secret;
}
