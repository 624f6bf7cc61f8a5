/**
 * The API's Prometheus metrics, registered on the registry the server
 * passes in. Every name starts with `brigade_http_`, `brigade_ingest_` or
 * `brigade_journal_` so that it cannot clash with the sync server's own.
 */
import { Counter, Histogram, type Metric, type Registry } from 'prom-client';

export interface ApiMetrics {
  /** Entries by outcome: `stored`, `duplicate`, `refused`. */
  ingestEntries: Counter<'result'>;
  /** Refused entries by refusal code (`fork`, `gap`, `bad-hash`, ...). */
  ingestRefused: Counter<'code'>;
  /** Seconds spent verifying and storing one batch. */
  ingestSeconds: Histogram;
  /** Alerts recorded, by kind (`fork`, `gap`, `verification-failed`, ...). */
  alerts: Counter<'kind'>;
  /** Requests by route and status. */
  requests: Counter<'route' | 'status'>;
  /** Seconds from request to response, by route. */
  requestSeconds: Histogram<'route'>;
  /** Requests refused for their token, by reason. */
  authFailures: Counter<'reason'>;
}

/** Creates the metrics, or reuses them if this registry already has them. */
export function apiMetrics(registry: Registry): ApiMetrics {
  return {
    ingestEntries: counter(registry, 'brigade_ingest_entries_total', {
      help: 'Journal entries received, by result',
      labelNames: ['result'],
    }),
    ingestRefused: counter(registry, 'brigade_ingest_refused_total', {
      help: 'Journal entries refused, by reason code',
      labelNames: ['code'],
    }),
    ingestSeconds: histogram(registry, 'brigade_ingest_batch_seconds', {
      help: 'Time to verify and store one journal batch',
      labelNames: [],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    alerts: counter(registry, 'brigade_journal_alerts_total', {
      help: 'Journal integrity alerts recorded, by kind',
      labelNames: ['kind'],
    }),
    requests: counter(registry, 'brigade_http_requests_total', {
      help: 'HTTP API requests, by route and status',
      labelNames: ['route', 'status'],
    }),
    requestSeconds: histogram(registry, 'brigade_http_request_seconds', {
      help: 'HTTP API latency from request to response, by route',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    authFailures: counter(registry, 'brigade_http_auth_failures_total', {
      help: 'HTTP API requests refused for their token, by reason',
      labelNames: ['reason'],
    }),
  };
}

interface Spec<L extends string> {
  help: string;
  labelNames: L[];
}

function counter<L extends string>(
  registry: Registry,
  name: string,
  spec: Spec<L>,
): Counter<L> {
  const existing = registry.getSingleMetric(name) as Metric<L> | undefined;
  if (existing) return existing as Counter<L>;
  return new Counter({ name, ...spec, registers: [registry] });
}

function histogram<L extends string>(
  registry: Registry,
  name: string,
  spec: Spec<L> & { buckets: number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(name) as Metric<L> | undefined;
  if (existing) return existing as Histogram<L>;
  return new Histogram({ name, ...spec, registers: [registry] });
}
