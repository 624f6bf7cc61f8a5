/**
 * Prometheus metrics of a sync endpoint. The relay registers them as
 * `brigade_relay_*`; another host (the till) can use its own prefix.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SyncMetrics {
  connections: Gauge;
  connectionsClosed: Counter<'reason'>;
  documentsLoaded: Gauge;
  messagesIn: Counter<'type'>;
  messagesOut: Counter;
  bytesIn: Counter;
  bytesOut: Counter;
  writesDropped: Counter;
  updateSeconds: Histogram;
  loadSeconds: Histogram;
}

/** Registers the sync metrics in `registry` under `prefix`. */
export function createSyncMetrics(
  registry: Registry,
  prefix = 'brigade_sync',
): SyncMetrics {
  const registers = [registry];
  return {
    connections: new Gauge({
      name: `${prefix}_connections`,
      help: 'WebSocket connections attached to a document',
      registers,
    }),
    connectionsClosed: new Counter({
      name: `${prefix}_connections_closed_total`,
      help: 'Connections closed, by close reason',
      labelNames: ['reason'],
      registers,
    }),
    documentsLoaded: new Gauge({
      name: `${prefix}_documents_loaded`,
      help: 'Documents held in memory',
      registers,
    }),
    messagesIn: new Counter({
      name: `${prefix}_messages_in_total`,
      help: 'Messages received, by protocol message type',
      labelNames: ['type'],
      registers,
    }),
    messagesOut: new Counter({
      name: `${prefix}_messages_out_total`,
      help: 'Messages sent',
      registers,
    }),
    bytesIn: new Counter({
      name: `${prefix}_bytes_in_total`,
      help: 'Message bytes received',
      registers,
    }),
    bytesOut: new Counter({
      name: `${prefix}_bytes_out_total`,
      help: 'Message bytes sent',
      registers,
    }),
    writesDropped: new Counter({
      name: `${prefix}_writes_dropped_total`,
      help: 'Updates dropped because the connection may only read',
      registers,
    }),
    updateSeconds: new Histogram({
      name: `${prefix}_update_seconds`,
      help: 'Time to apply, store and fan out one incoming update',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5],
      registers,
    }),
    loadSeconds: new Histogram({
      name: `${prefix}_document_load_seconds`,
      help: 'Time to load a document into memory',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
  };
}
