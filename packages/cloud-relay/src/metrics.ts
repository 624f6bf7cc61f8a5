/**
 * The relay's one Prometheus registry. The sync metrics are
 * `brigade_relay_*`; the HTTP API registers its own (`brigade_http_*`,
 * `brigade_ingest_*`) on the same registry; Node's process metrics
 * (CPU, memory, event-loop lag) come with the default collectors.
 */
import {
  Counter,
  collectDefaultMetrics,
  Histogram,
  Registry,
} from 'prom-client';
import { createSyncMetrics, type SyncMetrics } from './sync/metrics.ts';

export interface RelayMetrics {
  registry: Registry;
  sync: SyncMetrics;
  /** WebSocket handshakes refused, by reason (`token-expired`, `forbidden`, ...). */
  socketAuthFailures: Counter<'reason'>;
  /** Document batches that failed to commit (each kept and retried). */
  docCommitFailures: Counter;
  /** Document batches committed (group commit: many updates each). */
  docCommits: Counter;
  /** Document updates written by those commits. */
  docUpdatesStored: Counter;
  /** How long each document commit held the event loop. */
  docCommitSeconds: Histogram;
}

/** A fresh registry with every relay metric on it. */
export function createRelayMetrics(): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'brigade_relay_' });
  return {
    registry,
    sync: createSyncMetrics(registry, 'brigade_relay'),
    socketAuthFailures: new Counter({
      name: 'brigade_relay_auth_failures_total',
      help: 'WebSocket connections refused for their token, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    docCommitFailures: new Counter({
      name: 'brigade_relay_doc_commit_failures_total',
      help: 'Batches of document updates that failed to commit (kept, retried)',
      registers: [registry],
    }),
    docCommits: new Counter({
      name: 'brigade_relay_doc_commits_total',
      help: 'Transactions that stored document updates (one per batch)',
      registers: [registry],
    }),
    docUpdatesStored: new Counter({
      name: 'brigade_relay_doc_updates_stored_total',
      help: 'Document updates (rows) stored by those transactions',
      registers: [registry],
    }),
    docCommitSeconds: new Histogram({
      name: 'brigade_relay_doc_commit_seconds',
      help: 'Time one document commit held the event loop',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
  };
}
