/**
 * Prometheus metrics of a sync endpoint. The relay registers them as
 * `brigade_relay_*`; another host (the till) can use its own prefix.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Per-message tallies. The hot path adds to plain numbers; they are moved
 * into the Prometheus counters when the registry is scraped, so a message
 * costs an addition rather than a labelled counter update.
 */
export interface TrafficTally {
  messagesIn: Map<string, number>;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface SyncMetrics {
  connections: Gauge;
  connectionsClosed: Counter<'reason'>;
  documentsLoaded: Gauge;
  traffic: TrafficTally;
  writesDropped: Counter;
  awarenessDropped: Counter;
  updateSeconds: Histogram;
  loadSeconds: Histogram;
}

/** Registers the sync metrics in `registry` under `prefix`. */
export function createSyncMetrics(
  registry: Registry,
  prefix = 'brigade_sync',
): SyncMetrics {
  const registers = [registry];
  const traffic: TrafficTally = {
    messagesIn: new Map(),
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  new Counter({
    name: `${prefix}_messages_in_total`,
    help: 'Messages received, by protocol message type',
    labelNames: ['type'],
    registers,
    collect() {
      for (const [type, count] of traffic.messagesIn) this.inc({ type }, count);
      traffic.messagesIn.clear();
    },
  });
  const tallied = (name: string, help: string, take: () => number): Counter =>
    new Counter({
      name: `${prefix}_${name}`,
      help,
      registers,
      collect() {
        this.inc(take());
      },
    });
  tallied('messages_out_total', 'Messages sent', () => {
    const n = traffic.messagesOut;
    traffic.messagesOut = 0;
    return n;
  });
  tallied('bytes_in_total', 'Message bytes received', () => {
    const n = traffic.bytesIn;
    traffic.bytesIn = 0;
    return n;
  });
  tallied('bytes_out_total', 'Message bytes sent', () => {
    const n = traffic.bytesOut;
    traffic.bytesOut = 0;
    return n;
  });
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
    traffic,
    writesDropped: new Counter({
      name: `${prefix}_writes_dropped_total`,
      help: 'Updates dropped because the connection may only read',
      registers,
    }),
    awarenessDropped: new Counter({
      name: `${prefix}_awareness_dropped_total`,
      help: 'Presence messages dropped because they spoke for a client another connection announced',
      registers,
    }),
    updateSeconds: new Histogram({
      name: `${prefix}_update_seconds`,
      help: 'Time to decode, apply, queue and fan out one incoming update',
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
