/**
 * Who may call what. Journals come from devices, so only device roles may
 * post them; sales figures and alerts are for managers, so only
 * `dashboard` and `admin` read them. Devices may read their branch's
 * acknowledged tails and journals back (a till rebuilding its disk does
 * exactly that).
 *
 * | action         | till / kds / waiter | dashboard    | admin             |
 * | -------------- | ------------------- | ------------ | ----------------- |
 * | post-journal   | own branches        | no           | no                |
 * | read-journal   | own branches        | own branches | org's branches    |
 * | read-devices   | own branches        | own branches | org's branches    |
 * | read-reports   | no                  | own branches | org's branches    |
 * | read-alerts    | no                  | own branches | org's branches    |
 */
import type { IncomingMessage } from 'node:http';
import {
  canRead,
  type Role,
  type TokenClaims,
  TokenError,
  verifyToken,
} from '../auth/token.ts';
import { ApiError } from './errors.ts';

export type Action =
  | 'post-journal'
  | 'read-journal'
  | 'read-devices'
  | 'read-reports'
  | 'read-alerts';

const DEVICES: Role[] = ['till', 'kds', 'waiter'];
const MANAGERS: Role[] = ['dashboard', 'admin'];

/** The roles allowed each action (the table above, as data). */
export const ACCESS: Readonly<Record<Action, readonly Role[]>> = {
  'post-journal': DEVICES,
  'read-journal': [...DEVICES, ...MANAGERS],
  'read-devices': [...DEVICES, ...MANAGERS],
  'read-reports': MANAGERS,
  'read-alerts': MANAGERS,
};

/**
 * Verifies the `Authorization: Bearer` token; throws a 401 `ApiError`
 * carrying the token error's code when it is missing, forged, expired or
 * (`revoked` says so) revoked.
 */
export function authenticate(
  req: IncomingMessage,
  secret: string | Buffer,
  nowMs: number,
  revoked?: (claims: TokenClaims) => boolean,
): TokenClaims {
  const token = bearerToken(req.headers.authorization);
  try {
    return verifyToken(token, secret, Math.floor(nowMs / 1000), revoked);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    throw new ApiError(401, error.code, error.message);
  }
}

/** Throws a 403 unless the token's role and branches allow the action. */
export function authorize(
  claims: TokenClaims,
  action: Action,
  branch: string,
): void {
  authorizeRole(claims, action);
  if (!canRead(claims, branch)) {
    throw new ApiError(
      403,
      'forbidden',
      `this token does not open branch ${branch}`,
      'branch',
    );
  }
}

/** Throws a 403 unless the token's role may take the action at all. */
export function authorizeRole(claims: TokenClaims, action: Action): void {
  if (!ACCESS[action].includes(claims.role)) {
    throw new ApiError(
      403,
      'forbidden',
      `a ${claims.role} token may not ${action.replace('-', ' ')}`,
    );
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new ApiError(
      401,
      'token-malformed',
      'use the header Authorization: Bearer <token>',
    );
  }
  return match[1];
}
