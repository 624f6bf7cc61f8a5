/**
 * The relay's JSON API over HTTP: journal ingest, device status, journal
 * read-back, sales reports and alerts. The server owns the HTTP listener
 * and the database; this module adds its tables to that database and
 * answers the requests under `/v1/` that it knows.
 *
 * @example
 * const api = createApiHandler({ db, secret, logger, registry });
 * http.createServer((req, res) => {
 *   if (!api(req, res)) sendNotFound(res);
 * });
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@brigade/log';
import type { Database } from 'better-sqlite3';
import type { Registry } from 'prom-client';
import type { TokenClaims } from '../auth/token.ts';
import { AlertStore } from '../journal/alerts.ts';
import { JournalIngest } from '../journal/ingest.ts';
import { JournalQueries } from '../journal/queries.ts';
import { migrateJournal } from '../journal/schema.ts';
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from '../journal/validate.ts';
import { SalesReports } from '../reports/sales.ts';
import { authenticate } from './access.ts';
import { sendJson } from './body.ts';
import { ApiError } from './errors.ts';
import { apiMetrics } from './metrics.ts';
import { requestUrl } from './request-url.ts';
import * as routes from './routes.ts';

export type { Alert, AlertKind } from '../journal/alerts.ts';
export {
  ALERT_KINDS,
  REPORTING_LIMIT_MS,
  REPORTING_WARNING_MS,
} from '../journal/alerts.ts';
export type { EntryRef, IngestResult, Refusal } from '../journal/ingest.ts';
export type { DeviceStatus } from '../journal/queries.ts';
export type { JournalBatch, PendingReport } from '../journal/validate.ts';
export { DEFAULT_BATCH_LIMITS } from '../journal/validate.ts';
export type { SalesReport } from '../reports/sales.ts';
export { ACCESS, type Action } from './access.ts';
export { ApiError, type ApiErrorCode } from './errors.ts';

export interface ApiOptions {
  /** The relay's database; the API creates its `journal_*` tables in it. */
  db: Database;
  /** The token signing secret (at least 32 bytes). */
  secret: string | Buffer;
  /** True for a token that was revoked (`Revocations.revoked`); default none. */
  revoked?: (claims: TokenClaims) => boolean;
  logger: Logger;
  /** Where the API registers its `brigade_http_*` and `brigade_ingest_*` metrics. */
  registry: Registry;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** Largest request body in bytes; default 16 MiB. */
  maxBodyBytes?: number;
  /** Batch limits; default {@link DEFAULT_BATCH_LIMITS}. */
  limits?: Partial<BatchLimits>;
}

/** Defaults of the options that have one. */
export const DEFAULT_API_OPTIONS = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxPage: 5_000,
  maxReportDays: 366,
} as const;

/** Answers a request if it is the API's; false lets the caller answer. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

type Route = (ctx: routes.RouteContext, call: routes.Call) => unknown;

/** Each path the API owns, with its handler for each method. */
const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  '/v1/journal': { GET: routes.getJournal, POST: routes.postJournal },
  '/v1/devices': { GET: routes.getDevices },
  '/v1/reports/sales': { GET: routes.getSalesReport },
  '/v1/alerts': { GET: routes.getAlerts },
};

/**
 * Creates the API handler. Runs the journal tables' migration at once
 * (idempotent), then returns a function that answers the API's paths and
 * returns false for every other path.
 */
export function createApiHandler(options: ApiOptions): ApiHandler {
  migrateJournal(options.db);
  const log = options.logger.child({ ns: 'api' });
  const metrics = apiMetrics(options.registry);
  const ctx: routes.RouteContext = {
    ingest: new JournalIngest(options.db, log, (kind) =>
      metrics.alerts.inc({ kind }),
    ),
    queries: new JournalQueries(options.db),
    alerts: new AlertStore(options.db),
    reports: new SalesReports(options.db),
    metrics,
    log,
    limits: { ...DEFAULT_BATCH_LIMITS, ...options.limits },
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_API_OPTIONS.maxBodyBytes,
    maxPage: DEFAULT_API_OPTIONS.maxPage,
    maxReportDays: DEFAULT_API_OPTIONS.maxReportDays,
    now: options.now ?? Date.now,
  };

  return (req, res) => {
    const url = requestUrl(req.url, 'http://relay.invalid');
    const methods = url && ROUTES[url.pathname];
    if (!url || !methods) return false;
    const auth = (r: IncomingMessage) =>
      authenticate(r, options.secret, ctx.now(), options.revoked);
    void serve(ctx, auth, methods, req, res, url);
    return true;
  };
}

async function serve(
  ctx: routes.RouteContext,
  auth: (req: IncomingMessage) => TokenClaims,
  methods: Partial<Record<string, Route>>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const started = performance.now();
  const route = url.pathname;
  try {
    const handle = methods[req.method ?? ''];
    if (!handle) {
      const allow = Object.keys(methods).join(', ');
      res.setHeader('allow', allow);
      throw new ApiError(405, 'method-not-allowed', `${route} takes ${allow}`);
    }
    const claims = authenticateLogged(ctx, req, auth, route);
    await handle(ctx, { req, res, url, claims });
  } catch (error) {
    answerError(ctx, res, route, error);
  } finally {
    const status = String(res.statusCode);
    ctx.metrics.requests.inc({ route, status });
    ctx.metrics.requestSeconds.observe(
      { route },
      (performance.now() - started) / 1000,
    );
  }
}

function authenticateLogged(
  ctx: routes.RouteContext,
  req: IncomingMessage,
  auth: (req: IncomingMessage) => TokenClaims,
  route: string,
) {
  try {
    return auth(req);
  } catch (error) {
    if (error instanceof ApiError) {
      ctx.metrics.authFailures.inc({ reason: error.code });
      ctx.log.warn(
        { route, reason: error.code, remote: req.socket.remoteAddress },
        'request refused: token',
      );
    }
    throw error;
  }
}

function answerError(
  ctx: routes.RouteContext,
  res: ServerResponse,
  route: string,
  error: unknown,
): void {
  const apiError = asApiError(error);
  if (apiError.status >= 500) {
    ctx.log.error({ route, err: describe(error) }, 'request failed');
  } else if (apiError.status !== 401) {
    ctx.log.info(
      {
        route,
        status: apiError.status,
        code: apiError.code,
        field: apiError.field,
      },
      'request refused',
    );
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (apiError.status === 401) headers['www-authenticate'] = 'Bearer';
  if (apiError.status === 503) headers['retry-after'] = '1';

  // The rest of an oversized body is never read: end the connection.
  if (apiError.status === 413) headers.connection = 'close';
  sendJson(res, apiError.status, apiError.toJSON(), headers);
}

/** What to answer for an error; a locked database is worth a retry. */
function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new ApiError(503, 'busy', 'the database is busy; retry shortly');
  }
  return new ApiError(500, 'internal', 'the relay failed to answer');
}

function describe(error: unknown): { message: string; stack?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  return error.stack
    ? { message: error.message, stack: error.stack }
    : { message: error.message };
}
