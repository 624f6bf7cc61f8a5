/**
 * A discovery beacon: one UDP datagram saying "device D of branch B, role
 * R, listens on TCP port P", stamped with the sender's clock and a random
 * nonce, and authenticated with HMAC-SHA256 under the branch's beacon key.
 *
 * Layout: `BRGD`, version (1 byte), time in ms (float64 BE), nonce
 * (8 bytes), TCP port (uint16 BE), then branch, device and role, each one
 * length byte and UTF-8; the last 32 bytes are the HMAC of all before.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const BEACON_MAGIC = Buffer.from('BRGD', 'ascii');
export const BEACON_VERSION = 1;
const MAC_BYTES = 32;
const NONCE_BYTES = 8;

export interface Beacon {
  branch: string;
  device: string;
  role: string;
  port: number;
  /** Sender's wall-clock time of sending, in ms since the epoch. */
  sentAt: number;
  /** Hex of the random nonce; with device and time it names one beacon. */
  nonce: string;
}

/** Why a beacon was ignored: the counter keys of `beaconsRejected`. */
export type BeaconRejection =
  | 'malformed'
  | 'foreign-branch'
  | 'forged'
  | 'stale'
  | 'replayed';

export type BeaconCheck =
  | { ok: true; beacon: Beacon }
  | { ok: false; reason: BeaconRejection };

function field(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 255) throw new RangeError('beacon field over 255 bytes');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function mac(key: Buffer, bytes: Uint8Array): Buffer {
  return createHmac('sha256', key).update(bytes).digest();
}

/** Encodes and signs a beacon; `nonce` defaults to 8 random bytes. */
export function encodeBeacon(
  beacon: Omit<Beacon, 'nonce'> & { nonce?: string },
  key: Buffer,
): Buffer {
  const head = Buffer.alloc(4 + 1 + 8 + NONCE_BYTES + 2);
  BEACON_MAGIC.copy(head, 0);
  head.writeUInt8(BEACON_VERSION, 4);
  head.writeDoubleBE(beacon.sentAt, 5);
  const nonce = beacon.nonce
    ? Buffer.from(beacon.nonce, 'hex')
    : randomBytes(NONCE_BYTES);
  nonce.copy(head, 13, 0, NONCE_BYTES);
  head.writeUInt16BE(beacon.port, 21);
  const body = Buffer.concat([
    head,
    field(beacon.branch),
    field(beacon.device),
    field(beacon.role),
  ]);
  return Buffer.concat([body, mac(key, body)]);
}

/** Reads the fields without checking the MAC; undefined when malformed. */
function parse(bytes: Buffer): Beacon | undefined {
  if (bytes.length < 23 + 3 + MAC_BYTES) return undefined;
  if (!bytes.subarray(0, 4).equals(BEACON_MAGIC)) return undefined;
  if (bytes.readUInt8(4) !== BEACON_VERSION) return undefined;
  const end = bytes.length - MAC_BYTES;
  const texts: string[] = [];
  let at = 23;
  for (let i = 0; i < 3; i++) {
    const length = bytes[at];
    if (length === undefined || length === 0 || at + 1 + length > end) {
      return undefined;
    }
    texts.push(bytes.toString('utf8', at + 1, at + 1 + length));
    at += 1 + length;
  }
  if (at !== end) return undefined;
  const sentAt = bytes.readDoubleBE(5);
  if (!Number.isFinite(sentAt)) return undefined;
  const [branch, device, role] = texts as [string, string, string];
  return {
    branch,
    device,
    role,
    port: bytes.readUInt16BE(21),
    sentAt,
    nonce: bytes.toString('hex', 13, 21),
  };
}

export interface BeaconCheckOptions {
  branch: string;
  key: Buffer;
  /** Receiver's wall clock, ms since the epoch. */
  now: number;
  /** How far the sender's time may be from `now`, either way. */
  maxAgeMs: number;
}

/**
 * Checks a received datagram: shape, branch, MAC, then freshness. A beacon
 * of another branch is told apart from a forgery only by its branch field,
 * so it is rejected before the MAC is computed.
 */
export function checkBeacon(
  bytes: Buffer,
  options: BeaconCheckOptions,
): BeaconCheck {
  const beacon = parse(bytes);
  if (!beacon || beacon.port === 0) return { ok: false, reason: 'malformed' };
  if (beacon.branch !== options.branch) {
    return { ok: false, reason: 'foreign-branch' };
  }
  const end = bytes.length - MAC_BYTES;
  const expected = mac(options.key, bytes.subarray(0, end));
  if (!timingSafeEqual(expected, bytes.subarray(end))) {
    return { ok: false, reason: 'forged' };
  }
  if (Math.abs(options.now - beacon.sentAt) > options.maxAgeMs) {
    return { ok: false, reason: 'stale' };
  }
  return { ok: true, beacon };
}
