import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from '@brigade/log';
import { countBy, type LanCounters } from '../counters.ts';
import type { PeerInfo } from '../events.ts';
import { TypedEmitter } from '../events.ts';
import { checkBeacon, encodeBeacon } from './beacon.ts';
import { ReplayGuard } from './replay-guard.ts';

export interface DiscoveryOptions {
  device: string;
  branch: string;
  role: string;
  beaconKey: Buffer;
  discoveryPort: number;
  broadcastAddress: string;
  beaconIntervalMs: number;
  beaconJitter: number;
  beaconMaxAgeMs: number;
  counters: LanCounters;
  log: Logger;
  random?: () => number;
}

export interface DiscoveryEvents {
  /** An authentic, fresh beacon of another device of the branch. */
  'peer-seen': PeerInfo;
}

/** The shortest gap between two beacons sent out of schedule. */
const MIN_EXTRA_BEACON_GAP_MS = 500;

/**
 * Sends this device's beacon on start and then on a jittered interval, and
 * reports every authentic beacon of another device of the branch.
 */
export class Discovery extends TypedEmitter<DiscoveryEvents> {
  readonly #options: DiscoveryOptions;
  readonly #guard: ReplayGuard;
  readonly #random: () => number;
  #socket: Socket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #tcpPort = 0;
  #lastSentAt = 0;

  constructor(options: DiscoveryOptions) {
    super();
    this.#options = options;
    this.#guard = new ReplayGuard(options.beaconMaxAgeMs);
    this.#random = options.random ?? Math.random;
  }

  /** Binds the UDP port and sends the first beacon. */
  async start(tcpPort: number): Promise<void> {
    if (this.#socket) return;
    this.#tcpPort = tcpPort;
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.#socket = socket;
    socket.on('message', (bytes, from) => this.#receive(bytes, from));
    socket.on('error', (error) =>
      this.#options.log.warn({ err: error.message }, 'discovery socket error'),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.#options.discoveryPort, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setBroadcast(true);
    this.#sendNow();
    this.#schedule();
  }

  stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  /**
   * Sends a beacon now unless one went out very recently: a device that
   * just appeared learns about this one without waiting a whole interval.
   */
  announce(): void {
    if (Date.now() - this.#lastSentAt < MIN_EXTRA_BEACON_GAP_MS) return;
    this.#sendNow();
  }

  #schedule(): void {
    const { beaconIntervalMs, beaconJitter } = this.#options;
    const spread = (this.#random() * 2 - 1) * beaconJitter;
    this.#timer = setTimeout(
      () => {
        this.#sendNow();
        this.#schedule();
      },
      beaconIntervalMs * (1 + spread),
    );
    this.#timer.unref();
  }

  #sendNow(): void {
    const socket = this.#socket;
    if (!socket) return;
    const { device, branch, role, beaconKey } = this.#options;
    this.#lastSentAt = Date.now();
    const bytes = encodeBeacon(
      { device, branch, role, port: this.#tcpPort, sentAt: this.#lastSentAt },
      beaconKey,
    );
    const { discoveryPort, broadcastAddress } = this.#options;
    socket.send(bytes, discoveryPort, broadcastAddress, (error) => {
      if (error) {
        this.#options.log.debug({ err: error.message }, 'beacon not sent');
      } else {
        this.#options.counters.beaconsSent++;
      }
    });
  }

  #receive(bytes: Buffer, from: RemoteInfo): void {
    const { branch, beaconKey, beaconMaxAgeMs, counters, log } = this.#options;
    const now = Date.now();
    const check = checkBeacon(bytes, {
      branch,
      key: beaconKey,
      now,
      maxAgeMs: beaconMaxAgeMs,
    });
    if (!check.ok) {
      countBy(counters.beaconsRejected, check.reason);
      log.debug({ from: from.address, reason: check.reason }, 'beacon ignored');
      return;
    }
    const { beacon } = check;
    if (beacon.device === this.#options.device) return;
    if (!this.#guard.admit(beacon.device, beacon.sentAt, beacon.nonce, now)) {
      countBy(counters.beaconsRejected, 'replayed');
      log.debug(
        { from: from.address, device: beacon.device },
        'beacon replayed',
      );
      return;
    }
    counters.beaconsAccepted++;
    this.emit('peer-seen', {
      device: beacon.device,
      role: beacon.role,
      address: from.address,
      port: beacon.port,
    });
  }
}
