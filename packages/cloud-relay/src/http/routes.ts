/**
 * One function per endpoint. Each authenticates, checks its input (a 400
 * naming the field), authorises against the branch (a 403), and answers
 * with JSON; `ApiError`s thrown here become the error response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@brigade/log';
import type { TokenClaims } from '../auth/token.ts';
import type { AlertStore } from '../journal/alerts.ts';
import type { IngestResult, JournalIngest } from '../journal/ingest.ts';
import type { JournalQueries } from '../journal/queries.ts';
import { type BatchLimits, parseBatch } from '../journal/validate.ts';
import type { SalesReports } from '../reports/sales.ts';
import { authorize, authorizeRole } from './access.ts';
import { readJson, sendJson, sendRawJson } from './body.ts';
import { invalidField } from './errors.ts';
import type { ApiMetrics } from './metrics.ts';
import { daysBetween, Query } from './query.ts';

/** Everything a route needs, built once per handler. */
export interface RouteContext {
  ingest: JournalIngest;
  queries: JournalQueries;
  alerts: AlertStore;
  reports: SalesReports;
  metrics: ApiMetrics;
  log: Logger;
  limits: BatchLimits;
  maxBodyBytes: number;
  /** Most entries `GET /v1/journal` returns at once. */
  maxPage: number;
  /** Longest range of business dates one sales report covers. */
  maxReportDays: number;
  now: () => number;
}

/** One request as the routes see it: authenticated, its URL parsed. */
export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  claims: TokenClaims;
}

/** `POST /v1/journal`: verify and store a batch for the token's branch. */
export async function postJournal(ctx: RouteContext, call: Call) {
  const { claims } = call;
  new Query(call.url.searchParams, []);

  // The role is known before the body: refuse early, read nothing.
  authorizeRole(claims, 'post-journal');
  const batch = parseBatch(
    await readJson(call.req, ctx.maxBodyBytes),
    ctx.limits,
  );
  const branch = batch.branch ?? onlyBranch(claims);
  authorize(claims, 'post-journal', branch);

  // Entries of other devices are accepted: a till's outbox forwards the
  // replicas it received over the LAN. The chain check still applies, but
  // a device token can start the chain of a device not yet seen.
  const started = performance.now();
  const result = ctx.ingest.ingest(
    { org: claims.org, branch, sender: claims.device },
    batch,
    ctx.now(),
  );
  const seconds = (performance.now() - started) / 1000;
  countIngest(ctx.metrics, result, seconds);
  ctx.log.info(
    {
      branch,
      device: claims.device,
      stored: result.stored.length,
      duplicate: result.duplicate.length,
      refused: result.refused.length,
      ms: Math.round(seconds * 1000),
    },
    'journal batch',
  );
  sendJson(call.res, 200, result);
}

function countIngest(
  metrics: ApiMetrics,
  result: IngestResult,
  seconds: number,
): void {
  metrics.ingestSeconds.observe(seconds);
  metrics.ingestEntries.inc({ result: 'stored' }, result.stored.length);
  metrics.ingestEntries.inc({ result: 'duplicate' }, result.duplicate.length);
  metrics.ingestEntries.inc({ result: 'refused' }, result.refused.length);
  for (const refusal of result.refused) {
    metrics.ingestRefused.inc({ code: refusal.code });
  }
}

/** `GET /v1/journal?branch=B&device=D[&after=SEQ][&limit=N]` */
export function getJournal(ctx: RouteContext, call: Call): void {
  const q = new Query(call.url.searchParams, [
    'branch',
    'device',
    'after',
    'limit',
  ]);
  const branch = q.branch();
  const device = q.id('device');
  const after = q.int('after', 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = q.int('limit', 1, ctx.maxPage, Math.min(1000, ctx.maxPage));
  authorize(call.claims, 'read-journal', branch);
  const page = ctx.queries.page(call.claims.org, branch, device, after, limit);

  // Entries go out as the text they were stored as, unparsed.
  const json = `{"entries":[${page.bodies.join(',')}],"nextAfter":${page.nextAfter}}`;
  sendRawJson(call.res, 200, json);
}

/** `GET /v1/devices?branch=B` */
export function getDevices(ctx: RouteContext, call: Call): void {
  const q = new Query(call.url.searchParams, ['branch']);
  const branch = q.branch();
  authorize(call.claims, 'read-devices', branch);
  const devices = ctx.queries.devices(call.claims.org, branch, ctx.now());
  sendJson(call.res, 200, { devices });
}

/** `GET /v1/reports/sales?branch=B&from=DATE&to=DATE` */
export function getSalesReport(ctx: RouteContext, call: Call): void {
  const q = new Query(call.url.searchParams, ['branch', 'from', 'to']);
  const branch = q.branch();
  const from = q.date('from');
  const to = q.date('to');
  const days = daysBetween(from, to);
  if (days < 0) throw invalidField('to', 'must not be before from');
  if (days >= ctx.maxReportDays) {
    throw invalidField(
      'to',
      `a report covers at most ${ctx.maxReportDays} days`,
    );
  }
  authorize(call.claims, 'read-reports', branch);
  sendJson(call.res, 200, ctx.reports.sales(call.claims.org, branch, from, to));
}

/** `GET /v1/alerts?branch=B[&limit=N]` */
export function getAlerts(ctx: RouteContext, call: Call): void {
  const q = new Query(call.url.searchParams, ['branch', 'limit']);
  const branch = q.branch();
  const limit = q.int('limit', 1, 5000, 500);
  authorize(call.claims, 'read-alerts', branch);
  const alerts = ctx.alerts.list(call.claims.org, branch, ctx.now(), limit);
  sendJson(call.res, 200, { alerts });
}

/** The branch a batch without `branch` belongs to: the token's only one. */
function onlyBranch(claims: TokenClaims): string {
  const [branch, other] = claims.branches;
  if (branch === undefined || other !== undefined || branch === '*') {
    throw invalidField(
      'branch',
      'is required when the token opens more than one branch',
    );
  }
  return branch;
}
