/**
 * The stock and customer endpoints of the relay API (issue 7):
 *
 * - `GET /v1/reports/stock?branch=B[&limit=N]`: levels, movements and
 *   low-stock alerts (dashboard, admin).
 * - `GET /v1/reports/customers[?branch=B][&personal=1]`: counts, points
 *   liability and overdrawn balances of the token's organisation (one
 *   book for every branch); with `personal=1`, the customers with their
 *   personal fields (dashboard, admin of the organisation: no device
 *   token ever). A `branch`, if given, must be one of the organisation's.
 * - `POST /v1/customers/erase` `{customerId}`: erasure on request, in the
 *   organisation's book (admin of the organisation).
 *
 * Logs name customer ids, never a personal field.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@brigade/log';
import type { TokenClaims } from '../auth/token.ts';
import type { CustomerReports } from '../reports/customers.ts';
import type { StockReports } from '../reports/stock.ts';
import { authenticate, authorize, authorizeRole } from './access.ts';
import { readJson, sendJson } from './body.ts';
import { ApiError, invalidField } from './errors.ts';
import { Query } from './query.ts';
import { requestUrl } from './request-url.ts';

const ID = /^[A-Za-z0-9_:-]{1,100}$/;

export interface StockApiOptions {
  reports: StockReports;
  customers: CustomerReports;
  /** The organisation a branch is bound to (`BranchDirectory.orgOf`). */
  orgOf: (branch: string) => string | undefined;
  secret: string | Buffer;
  /** True for a token that was revoked (`Revocations.revoked`); default none. */
  revoked?: (claims: TokenClaims) => boolean;
  logger: Logger;
  now?: () => number;
}

/** Answers the stock and customer paths; false for every other path. */
export function createStockApi(options: StockApiOptions) {
  const log = options.logger.child({ ns: 'stock-api' });
  const now = options.now ?? Date.now;
  const { reports, customers } = options;
  const auth = (req: IncomingMessage) =>
    authenticate(req, options.secret, now(), options.revoked);

  /**
   * A branch named with a customer request must be one the token opens
   * and not one of another organisation: the book is the organisation's.
   * (A branch no device has reached yet is bound to no one.)
   */
  const authorizeOrgBranch = (claims: TokenClaims, branch: string) => {
    authorize(claims, 'read-reports', branch);
    const org = options.orgOf(branch);
    if (org !== undefined && org !== claims.org) {
      throw new ApiError(
        403,
        'forbidden',
        `branch ${branch} is not of this organisation`,
        'branch',
      );
    }
  };

  const routes: Record<
    string,
    Record<
      string,
      (
        req: IncomingMessage,
        url: URL,
        res: ServerResponse,
      ) => Promise<void> | void
    >
  > = {
    '/v1/reports/stock': {
      GET: (req, url, res) => {
        const claims = auth(req);
        const q = new Query(url.searchParams, ['branch', 'limit']);
        const branch = q.branch();
        const limit = q.int('limit', 1, 5000, 500);
        authorize(claims, 'read-reports', branch);
        sendJson(res, 200, reports.stock(branch, limit));
      },
    },
    '/v1/reports/customers': {
      GET: (req, url, res) => {
        const claims = auth(req);
        const q = new Query(url.searchParams, ['branch', 'personal']);
        const personal = url.searchParams.get('personal');
        if (personal !== null && personal !== '1' && personal !== '0') {
          throw invalidField('personal', 'must be 1 or 0');
        }
        authorizeRole(claims, 'read-reports');
        const branch = url.searchParams.has('branch') ? q.branch() : null;
        if (branch !== null) authorizeOrgBranch(claims, branch);
        const summary = {
          ...(branch !== null ? { branch } : {}),
          ...customers.summary(claims.org),
        };
        sendJson(
          res,
          200,
          personal === '1'
            ? { ...summary, list: customers.list(claims.org) }
            : summary,
        );
      },
    },
    '/v1/customers/erase': {
      POST: async (req, _url, res) => {
        const claims = auth(req);
        if (claims.role !== 'admin') {
          throw new ApiError(
            403,
            'forbidden',
            'only an admin token may erase a customer',
          );
        }
        const body = await readJson(req, 64 * 1024);
        if (typeof body !== 'object' || body === null) {
          throw invalidField('body', 'must be an object');
        }
        const { branch, customerId } = body as Record<string, unknown>;
        if (branch !== undefined) {
          if (typeof branch !== 'string' || !ID.test(branch)) {
            throw invalidField('branch', 'must name one branch');
          }
          authorizeOrgBranch(claims, branch);
        }
        if (typeof customerId !== 'string' || !ID.test(customerId)) {
          throw invalidField('customerId', 'must be a customer id');
        }
        const erased = customers.erase(claims.org, customerId);
        if (!erased) {
          throw new ApiError(
            404,
            'invalid-field',
            `no customer ${customerId}`,
            'customerId',
          );
        }
        log.info(
          { customerId, records: erased.length, by: claims.device },
          'customer erased',
        );
        sendJson(res, 200, { erased });
      },
    },
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = requestUrl(req.url, 'http://relay.invalid');
    const methods = url && routes[url.pathname];
    if (!url || !methods) return false;
    const handle = methods[req.method ?? ''];
    void (async () => {
      try {
        if (!handle) {
          throw new ApiError(
            405,
            'method-not-allowed',
            `${url.pathname} takes ${Object.keys(methods).join(', ')}`,
          );
        }
        await handle(req, url, res);
      } catch (error) {
        const apiError =
          error instanceof ApiError
            ? error
            : new ApiError(500, 'internal', 'the relay failed to answer');
        if (apiError.status >= 500)
          log.error(
            { route: url.pathname, err: String(error) },
            'request failed',
          );
        else
          log.info(
            {
              route: url.pathname,
              status: apiError.status,
              code: apiError.code,
            },
            'request refused',
          );
        if (!res.headersSent) sendJson(res, apiError.status, apiError.toJSON());
      }
    })();
    return true;
  };
}
