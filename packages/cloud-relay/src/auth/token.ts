/**
 * Relay access tokens: a JSON claim set and its HMAC-SHA256 signature,
 * both base64url, joined by a dot. The relay's signing secret never leaves
 * the relay and the `brigade token` command; a token alone proves nothing
 * about any other token.
 *
 * @example
 * const token = signToken(
 *   { org: 'acme', branches: ['b1'], device: 'till-1', role: 'till' },
 *   secret,
 *   { ttlSeconds: 30 * 86400 },
 * );
 * const claims = verifyToken(token, secret); // throws TokenError if bad
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What each role may do; see {@link canRead} and {@link canWrite}. */
export const ROLES = ['till', 'kds', 'waiter', 'dashboard', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that read and write their branch's documents. */
const WRITER_ROLES: ReadonlySet<Role> = new Set(['till', 'kds', 'waiter']);

export interface TokenClaims {
  /** Organisation the token belongs to. */
  org: string;
  /**
   * Branches it names (and may bind to its organisation). An `admin`
   * token opens every branch of its organisation whatever it names; `*`
   * names none in particular.
   */
  branches: string[];
  /** Device or user the token was issued to. */
  device: string;
  role: Role;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
}

export type TokenErrorCode =
  | 'token-missing'
  | 'token-malformed'
  | 'token-forged'
  | 'token-expired'
  | 'token-revoked';

/** A token that cannot be trusted; `code` says why. */
export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface SignOptions {
  /** Lifetime in seconds; default 30 days. */
  ttlSeconds?: number;
  /** Clock, seconds since the epoch; default now. */
  now?: number;
}

/** Default token lifetime: 30 days. */
export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 86_400;

/** Signs a claim set with the relay secret. */
export function signToken(
  claims: Omit<TokenClaims, 'iat' | 'exp'>,
  secret: string | Buffer,
  options: SignOptions = {},
): string {
  assertSecret(secret);
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const exp = iat + (options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS);
  const body = Buffer.from(JSON.stringify({ ...claims, iat, exp }));
  const head = body.toString('base64url');
  return `${head}.${mac(head, secret).toString('base64url')}`;
}

/**
 * Checks a token's signature and lifetime, and with `revoked` whether it
 * was revoked (`Revocations.revoked`), and returns its claims.
 */
export function verifyToken(
  token: string | null | undefined,
  secret: string | Buffer,
  now = Math.floor(Date.now() / 1000),
  revoked?: (claims: TokenClaims) => boolean,
): TokenClaims {
  if (!token) throw new TokenError('token-missing', 'no token given');
  const [head, sig, extra] = token.split('.');
  if (!head || !sig || extra !== undefined) {
    throw new TokenError('token-malformed', 'token is not <claims>.<mac>');
  }
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(head, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('token-forged', 'token signature does not match');
  }
  const claims = parseClaims(head);
  if (claims.exp <= now) {
    throw new TokenError('token-expired', 'token has expired');
  }
  if (revoked?.(claims)) {
    throw new TokenError('token-revoked', 'this token was revoked');
  }
  return claims;
}

/** True if the token may read documents and reports of `branch`. */
export function canRead(claims: TokenClaims, branch: string): boolean {
  return claims.branches.includes(branch) || isOrgWide(claims);
}

/** True if the token may change documents of `branch`. */
export function canWrite(claims: TokenClaims, branch: string): boolean {
  if (claims.role === 'dashboard') return false;
  if (claims.role === 'admin') return canRead(claims, branch);
  return WRITER_ROLES.has(claims.role) && claims.branches.includes(branch);
}

/**
 * An `admin` token opens every branch of its organisation; which branches
 * those are is the relay's binding (`BranchDirectory`), not the token's.
 */
function isOrgWide(claims: TokenClaims): boolean {
  return claims.role === 'admin';
}

function mac(head: string, secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(head).digest();
}

function assertSecret(secret: string | Buffer): void {
  if (Buffer.byteLength(secret) < 32) {
    throw new TokenError(
      'token-malformed',
      'the signing secret must be at least 32 bytes',
    );
  }
}

function parseClaims(head: string): TokenClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('token-malformed', 'token claims are not JSON');
  }
  const c = value as Partial<TokenClaims> | null;
  const ok =
    c !== null &&
    typeof c === 'object' &&
    typeof c.org === 'string' &&
    Array.isArray(c.branches) &&
    c.branches.every((b) => typeof b === 'string') &&
    typeof c.device === 'string' &&
    ROLES.includes(c.role as Role) &&
    Number.isInteger(c.iat) &&
    Number.isInteger(c.exp);
  if (!ok) throw new TokenError('token-malformed', 'token claims are invalid');
  return c as TokenClaims;
}
