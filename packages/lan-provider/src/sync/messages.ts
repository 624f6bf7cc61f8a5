/**
 * Message types per channel, and the payload codecs that are not
 * y-protocols' own. Every decoder validates completely before anything
 * acts on the message, and throws `ProtocolError` on the first problem.
 */
import { CLOSE_CODES } from '../close-codes.ts';
import { ProtocolError } from '../errors.ts';

/** The version this provider speaks; a peer with another is closed. */
export const PROTOCOL_VERSION = 1;

export const CONTROL = { HELLO: 0, PING: 1, PONG: 2, CLOSE: 3 } as const;
export const DOC = { SYNC: 0, AWARENESS: 1, ABSENT: 2 } as const;
export const JOURNAL = {
  HEADS: 0,
  ENTRIES: 1,
  CAUGHT_UP: 2,
  ABSENT: 3,
} as const;

/** What a device says about itself first on every connection. */
export interface Hello {
  protocol: number;
  device: string;
  branch: string;
  role: string;
  /** The TCP port this device listens on, so the peer can dial back. */
  port: number;
}

/** How far a device holds each device's journal chain. */
export type Heads = Record<string, number>;

const MAX_ID_LENGTH = 128;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(what: string): ProtocolError {
  return new ProtocolError(CLOSE_CODES.MESSAGE_MALFORMED, what);
}

/** Parses a UTF-8 JSON payload; a syntax or encoding error is malformed input. */
export function parseJson(payload: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(strictUtf8.decode(payload));
  } catch {
    throw malformed(`${what} is not valid JSON`);
  }
}

export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH
  );
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function decodeHello(payload: Uint8Array): Hello {
  const value = parseJson(payload, 'hello');
  if (
    !isPlainObject(value) ||
    !Number.isSafeInteger(value.protocol) ||
    !isId(value.device) ||
    !isId(value.branch) ||
    !isId(value.role) ||
    !Number.isInteger(value.port) ||
    (value.port as number) < 0 ||
    (value.port as number) > 65535
  ) {
    throw malformed('hello lacks protocol, device, branch, role or port');
  }
  return {
    protocol: value.protocol as number,
    device: value.device,
    branch: value.branch,
    role: value.role,
    port: value.port as number,
  };
}

/** Refuses a hello this device cannot talk to; throws `ProtocolError`. */
export function checkHello(hello: Hello, device: string, branch: string): void {
  if (hello.protocol !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      CLOSE_CODES.PROTOCOL_VERSION,
      `protocol ${hello.protocol}, this device speaks ${PROTOCOL_VERSION}`,
    );
  }
  if (hello.branch !== branch) {
    throw new ProtocolError(CLOSE_CODES.WRONG_BRANCH, `branch ${hello.branch}`);
  }
  if (hello.device === device) {
    throw new ProtocolError(CLOSE_CODES.SELF, 'connected to itself');
  }
}

export function encodeClose(code: number, reason: string): Uint8Array {
  const text = Buffer.from(reason.slice(0, 200), 'utf8');
  const out = Buffer.allocUnsafe(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

export function decodeClose(payload: Uint8Array): {
  code: number;
  reason: string;
} {
  if (payload.length < 2) throw malformed('close frame without a code');
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  let reason: string;
  try {
    reason = strictUtf8.decode(payload.subarray(2));
  } catch {
    throw malformed('close reason is not valid UTF-8');
  }
  return { code: buf.readUInt16BE(0), reason };
}

export function decodeHeads(payload: Uint8Array): Heads {
  const value = parseJson(payload, 'journal heads');
  if (!isPlainObject(value)) throw malformed('journal heads is not an object');
  const heads: Heads = Object.create(null);
  for (const [device, seq] of Object.entries(value)) {
    if (!isId(device) || !isSeq(seq)) {
      throw malformed('journal heads must map device ids to sequence numbers');
    }
    heads[device] = seq;
  }
  return heads;
}

/**
 * Checks the shape of received journal entries: an array of objects with a
 * device and a positive sequence, each device's entries consecutive. The
 * store verifies hashes and chains; this only keeps junk away from it.
 */
export function decodeEntries(payload: Uint8Array): unknown[] {
  const value = parseJson(payload, 'journal entries');
  if (!Array.isArray(value) || value.length === 0) {
    throw malformed('journal entries must be a non-empty array');
  }
  const last = new Map<string, number>();
  for (const entry of value) {
    if (!isPlainObject(entry) || !isId(entry.device) || !isSeq(entry.seq)) {
      throw malformed('journal entry lacks device or seq');
    }
    const previous = last.get(entry.device);
    if (
      entry.seq < 1 ||
      (previous !== undefined && entry.seq !== previous + 1)
    ) {
      throw malformed(`journal entries of ${entry.device} are not consecutive`);
    }
    last.set(entry.device, entry.seq);
  }
  return value;
}
