/** Shared by the LAN provider's test files (not a suite itself). */

import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as Y from 'yjs';
import { CONTROL_CHANNEL } from '../src/framing/channels.ts';
import { FrameDecoder } from '../src/framing/decoder.ts';
import { encodeFrame, type Frame } from '../src/framing/frame.ts';
import { deriveBranchSecrets } from '../src/keys.ts';
import type { LanProviderOptions } from '../src/options.ts';
import { LanProvider } from '../src/provider.ts';
import { CONTROL, decodeClose, encodeJson } from '../src/sync/messages.ts';
import { dialTls } from '../src/transport/tls.ts';

export const BRANCH = 'b1';

/** Timers short enough for tests, with beacons kept on loopback. */
export const FAST = {
  port: 0,
  host: '127.0.0.1',
  broadcastAddress: '127.255.255.255',
  beaconIntervalMs: 300,
  heartbeatMs: 200,
  deadAfterMs: 4000,
  backoffBaseMs: 50,
  backoffMaxMs: 500,
  dialJitterMs: 20,
  connectTimeoutMs: 1000,
  handshakeTimeoutMs: 1000,
  journalPollMs: 100,
  initialSyncTimeoutMs: 500,
} satisfies Partial<LanProviderOptions>;

export function branchKey(): Buffer {
  return randomBytes(32);
}

/** A UDP port nobody on this host is bound to right now. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A TCP port nobody on this host listens on right now. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `check` until it is true, or fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Device {
  provider: LanProvider;
  doc: Y.Doc;
  /** The UDP port the devices of one `devices()` call share. */
  discoveryPort: number;
}

/** `count` providers of one branch sharing a fresh discovery port. */
export async function devices(
  count: number,
  key: Buffer,
  extra: (i: number) => Partial<LanProviderOptions> = () => ({}),
): Promise<Device[]> {
  const discoveryPort = await freeUdpPort();
  return Array.from({ length: count }, (_, i) => {
    const doc = new Y.Doc();
    const provider = new LanProvider({
      ...FAST,
      discoveryPort,
      device: `dev-${i}`,
      branch: BRANCH,
      role: i === 0 ? 'till' : 'kds',
      branchKey: key,
      docs: { [`${BRANCH}/menu`]: doc },
      ...extra(i),
    });
    return { provider, doc, discoveryPort };
  });
}

export async function stopAll(
  list: { provider: LanProvider }[],
): Promise<void> {
  await Promise.all(list.map((d) => d.provider.stop()));
}

export function fullyConnected(list: { provider: LanProvider }[]): boolean {
  return list.every((d) => d.provider.peers().length === list.length - 1);
}

export function allSynced(list: { provider: LanProvider }[]): boolean {
  return list.every((d) => d.provider.syncState().state === 'synced');
}

/** A hand-driven peer speaking the wire protocol, for bad-input tests. */
export interface RawPeer {
  write(bytes: Uint8Array): void;
  end(): void;
  /** Stops reading, as a stuck device would. */
  pause(): void;
  /** Frames received so far. */
  frames: Frame[];
  /** Resolves with the close code the provider sent (or null if none). */
  closed: Promise<number | null>;
  destroy(): void;
}

export async function rawPeer(
  port: number,
  key: Buffer,
  device = 'raw-peer',
): Promise<RawPeer> {
  const { psk } = deriveBranchSecrets(key, BRANCH);
  const link = await dialTls('127.0.0.1', port, psk, 2000);
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  const frames: Frame[] = [];
  let code: number | null = null;
  link.tls.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      frames.push(frame);
      if (frame.channel === CONTROL_CHANNEL && frame.type === CONTROL.CLOSE) {
        code = decodeClose(frame.payload).code;
      }

      // Answer heartbeats, so a slow test machine does not look dead.
      if (frame.channel === CONTROL_CHANNEL && frame.type === CONTROL.PING) {
        const pong = { channel: CONTROL_CHANNEL, type: CONTROL.PONG };
        link.tls.write(encodeFrame({ ...pong, payload: new Uint8Array() }));
      }
    }
  });
  link.tls.on('error', () => {});
  link.raw.on('error', () => {});
  const closed = new Promise<number | null>((resolve) =>
    link.tls.on('close', () => resolve(code)),
  );
  const hello = { protocol: 1, device, branch: BRANCH, role: 'test', port: 1 };
  link.tls.write(
    encodeFrame({
      channel: CONTROL_CHANNEL,
      type: CONTROL.HELLO,
      payload: encodeJson(hello),
    }),
  );
  return {
    write: (bytes) => link.tls.write(bytes),
    end: () => link.tls.end(),
    pause: () => link.tls.pause(),
    frames,
    closed,
    destroy: () => {
      link.tls.destroy();
      link.raw.destroy();
    },
  };
}
