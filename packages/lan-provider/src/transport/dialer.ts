import type { Logger } from '@brigade/log';
import type { LanCounters } from '../counters.ts';
import { Backoff } from './backoff.ts';
import { shouldDial } from './peer-selection.ts';
import { dialTls, type SecureLink } from './tls.ts';

/** Somewhere this device may connect to. */
export interface DialTarget {
  host: string;
  port: number;
  /** Known from a beacon or a hello; unknown for a static peer not yet met. */
  device: string | undefined;
  static: boolean;
  lastSeenAt: number;
  /** When the device was first seen without a connection to it. */
  unconnectedSince: number | undefined;
  backoff: Backoff;
  timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires, ms since the epoch. */
  retryAt: number | undefined;
  /** When a beacon last cut a back-off wait short. */
  hurriedAt: number | undefined;
  dialing: boolean;
}

export interface DialerOptions {
  self: string;
  psk: Buffer;
  connectTimeoutMs: number;
  dialJitterMs: number;
  maxConcurrentDials: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  peerExpiryMs: number;
  dialGraceMs: number;
  counters: LanCounters;
  log: Logger;
  random?: () => number;
  isConnected: (device: string) => boolean;
  onSecure: (link: SecureLink, target: DialTarget) => void;
}

/** A session shorter than this does not reset its target's back-off. */
const STABLE_SESSION_MS = 5000;

/**
 * Decides whom to dial and when. Beacon peers are dialled only by the
 * smaller device id (the larger dials too if nothing came after the grace
 * period); static peers always. Failed and lost connections are retried
 * after a jittered, growing delay, and at most a few dials run at once.
 */
export class Dialer {
  readonly #options: DialerOptions;
  readonly #random: () => number;
  #targets = new Map<string, DialTarget>();
  #active = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: DialerOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  start(): void {
    this.#running = true;
    const every = Math.max(100, this.#options.peerExpiryMs / 3);
    this.#sweeper = setInterval(() => this.#sweep(), every);
    this.#sweeper.unref();
    for (const target of this.#targets.values()) this.#consider(target, 0);
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    for (const target of this.#targets.values()) {
      clearTimeout(target.timer);
      target.timer = undefined;
    }
    for (const [key, target] of this.#targets) {
      if (!target.static) this.#targets.delete(key);
    }
  }

  targets(): DialTarget[] {
    return [...this.#targets.values()];
  }

  addStatic(host: string, port: number): void {
    const key = `static:${host}:${port}`;
    if (this.#targets.has(key)) return;
    const target = this.#newTarget(host, port, undefined, true);
    this.#targets.set(key, target);
    if (this.#running) this.#consider(target, 0);
  }

  /**
   * A device was seen at `host:port` (from a beacon or its hello).
   * Returns true when this side will dial it.
   */
  seen(device: string, host: string, port: number): boolean {
    const key = `device:${device}`;
    let target = this.#targets.get(key);
    if (!target) {
      target = this.#newTarget(host, port, device, false);
      this.#targets.set(key, target);
    }
    target.host = host;
    target.port = port;
    target.lastSeenAt = Date.now();
    if (this.#options.isConnected(device)) return false;
    target.unconnectedSince ??= Date.now();
    this.#hurry(target);
    return this.#consider(target, this.#random() * this.#options.dialJitterMs);
  }

  /** A static target turned out to be `device`. */
  identified(target: DialTarget, device: string): void {
    target.device = device;
  }

  /** A connection to `device` is up: no dial is needed. */
  connected(device: string): void {
    for (const target of this.#targets.values()) {
      if (target.device !== device) continue;
      target.unconnectedSince = undefined;
      clearTimeout(target.timer);
      target.timer = undefined;
    }
  }

  /**
   * A connection ended (or failed before its hello): retry after the next
   * back-off delay where this side is the one to dial.
   */
  lost(
    device: string | undefined,
    target: DialTarget | undefined,
    livedMs: number,
  ): void {
    const affected = [...this.#targets.values()].filter(
      (t) => t === target || (device !== undefined && t.device === device),
    );
    for (const t of affected) {
      if (livedMs >= STABLE_SESSION_MS) t.backoff.reset();
      t.unconnectedSince ??= Date.now();
      this.#consider(t, t.backoff.next());
    }
  }

  /**
   * A fresh beacon shows the device is up now, so a long back-off wait
   * left over from while it was away is cut short. At most one such early
   * dial per target per back-off base interval, so a device that answers
   * beacons but fails every handshake is still not dialled in a loop.
   */
  #hurry(target: DialTarget): void {
    if (!target.timer || target.retryAt === undefined) return;
    const now = Date.now();
    const { dialJitterMs, backoffBaseMs } = this.#options;
    if (target.retryAt - now <= dialJitterMs) return;
    if (now - (target.hurriedAt ?? 0) < Math.max(backoffBaseMs, 1000)) return;
    target.hurriedAt = now;
    clearTimeout(target.timer);
    target.timer = undefined;
  }

  #newTarget(
    host: string,
    port: number,
    device: string | undefined,
    isStatic: boolean,
  ): DialTarget {
    const { backoffBaseMs, backoffMaxMs } = this.#options;
    return {
      host,
      port,
      device,
      static: isStatic,
      lastSeenAt: Date.now(),
      unconnectedSince: undefined,
      backoff: new Backoff(backoffBaseMs, backoffMaxMs, this.#random),
      timer: undefined,
      retryAt: undefined,
      hurriedAt: undefined,
      dialing: false,
    };
  }

  #wanted(target: DialTarget): boolean {
    const { device } = target;
    if (device !== undefined && this.#options.isConnected(device)) return false;
    if (this.#dialingDevice(device, target)) return false;
    if (target.static || device === undefined) return true;
    if (shouldDial(this.#options.self, device)) return true;
    const since = target.unconnectedSince;
    return (
      since !== undefined && Date.now() - since >= this.#options.dialGraceMs
    );
  }

  /** Another target of the same device is already being dialled. */
  #dialingDevice(device: string | undefined, except: DialTarget): boolean {
    if (device === undefined) return false;
    for (const t of this.#targets.values()) {
      if (t !== except && t.device === device && t.dialing) return true;
    }
    return false;
  }

  #consider(target: DialTarget, delayMs: number): boolean {
    if (!this.#running || !this.#wanted(target)) return false;
    if (target.timer || target.dialing) return true;
    target.retryAt = Date.now() + delayMs;
    target.timer = setTimeout(() => {
      target.timer = undefined;
      target.retryAt = undefined;
      this.#attempt(target);
    }, delayMs);
    return true;
  }

  #attempt(target: DialTarget): void {
    if (!this.#running || !this.#wanted(target)) return;
    if (this.#active >= this.#options.maxConcurrentDials) {
      this.#consider(target, 50 + this.#random() * 100);
      return;
    }
    this.#active++;
    target.dialing = true;
    const { psk, connectTimeoutMs } = this.#options;
    dialTls(target.host, target.port, psk, connectTimeoutMs).then(
      (link) => {
        this.#active--;
        target.dialing = false;
        if (!this.#running) {
          link.tls.destroy();
          link.raw.destroy();
          return;
        }
        this.#options.onSecure(link, target);
      },
      (error: Error) => {
        this.#active--;
        target.dialing = false;
        this.#options.counters.dialFailures++;
        this.#options.log.debug(
          { host: target.host, port: target.port, err: error.message },
          'dial failed',
        );
        this.#consider(target, target.backoff.next());
      },
    );
  }

  /** Forgets beacon peers that have been silent for too long. */
  #sweep(): void {
    const cutoff = Date.now() - this.#options.peerExpiryMs;
    for (const [key, target] of this.#targets) {
      if (target.static || target.dialing || target.lastSeenAt > cutoff)
        continue;
      if (target.device && this.#options.isConnected(target.device)) continue;
      clearTimeout(target.timer);
      this.#targets.delete(key);
    }
  }
}
