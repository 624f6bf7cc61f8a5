import type { Logger } from '@brigade/log';
import type { JournalReplication } from '@brigade/store';
import type * as Y from 'yjs';

/**
 * Every tunable with its default. Times are milliseconds. The till uses
 * these as they are; tests shorten the timers.
 */
export const LAN_DEFAULTS = {
  /** TCP port of the TLS listener; 0 picks a free one (tests). */
  port: 55800,
  /** Address the TLS listener binds to. */
  host: '0.0.0.0',
  /** UDP port beacons are sent to and received on. */
  discoveryPort: 55799,
  /** Where beacons are sent; `127.255.255.255` keeps them on loopback. */
  broadcastAddress: '255.255.255.255',
  /** Send and listen for beacons; false leaves only static peers. */
  discovery: true,
  /** `host:port` of peers to dial directly where broadcast is blocked. */
  staticPeers: [] as readonly string[],
  /** Mean time between two beacons. */
  beaconIntervalMs: 3000,
  /** Each interval is drawn from mean ± this fraction. */
  beaconJitter: 0.25,
  /** How far a beacon's time may differ from ours; also the replay window. */
  beaconMaxAgeMs: 30_000,
  /** A peer known only from beacons is forgotten after this much silence. */
  peerExpiryMs: 15_000,
  /** The larger id dials too if no connection came after this long. */
  dialGraceMs: 10_000,
  /** Random delay before a dial that a beacon triggered. */
  dialJitterMs: 200,
  /** Connection attempts (TCP and TLS) in flight at once. */
  maxConcurrentDials: 4,
  /** A dial that has not finished its TLS handshake by then fails. */
  connectTimeoutMs: 3000,
  /** After TLS, the peer's hello must arrive within this. */
  handshakeTimeoutMs: 5000,
  /** Interval of heartbeat pings. */
  heartbeatMs: 1000,
  /** A peer silent for this long is closed as dead. */
  deadAfterMs: 3500,
  /** First reconnect delay (then doubling, jittered). */
  backoffBaseMs: 250,
  /** Longest reconnect delay. */
  backoffMaxMs: 10_000,
  /** Hard limit on one frame's body; a larger frame closes the peer. */
  maxFrameBytes: 16 * 1024 * 1024,
  /** A peer that leaves this much unread is closed instead of queued for. */
  maxBufferedBytes: 64 * 1024 * 1024,
  /** Journal entries per frame at most. */
  journalBatch: 256,
  /** How often the journal's heads are compared for new local entries. */
  journalPollMs: 1000,
  /** Longest wait for one peer's first sync of a document before the next. */
  initialSyncTimeoutMs: 2000,
};

export type LanDefaults = typeof LAN_DEFAULTS;

export interface LanProviderOptions extends Partial<LanDefaults> {
  /** This device's id, unique in the branch (`till-1`, `kds-grill`). */
  device: string;
  /** The branch id; only devices of the same branch and key connect. */
  branch: string;
  /** What this device is (`till`, `kds`, `tablet`); shown to peers. */
  role: string;
  /** The branch's shared secret, at least 16 bytes; never sent or logged. */
  branchKey: Buffer;
  /** Documents to sync from the start, by name. */
  docs?: Record<string, Y.Doc>;
  /** The store's journal; without it the journal channel is not served. */
  journal?: JournalReplication;
  /** Default `silentLogger`. */
  logger?: Logger;
}

export type ResolvedOptions = LanDefaults &
  Omit<LanProviderOptions, keyof LanDefaults>;

export function resolveOptions(options: LanProviderOptions): ResolvedOptions {
  const resolved = { ...LAN_DEFAULTS } as ResolvedOptions;
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  return resolved;
}
