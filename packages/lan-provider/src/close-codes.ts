/**
 * Why a peer connection was closed. The code travels in the close frame so
 * that both sides log the same reason; the numbers are stable and listed in
 * the package README.
 */
export const CLOSE_CODES = {
  /** The provider stopped or the document set is being torn down. */
  NORMAL: 4000,
  /** The peer speaks another protocol version. */
  PROTOCOL_VERSION: 4001,
  /** The peer's hello names another branch. */
  WRONG_BRANCH: 4002,
  /** A second connection between the same two devices; the other one stays. */
  DUPLICATE: 4003,
  /** The peer claims this device's own id (a static peer pointing at itself). */
  SELF: 4004,
  /** A frame's declared length is over the hard limit. */
  FRAME_TOO_LARGE: 4010,
  /** A frame is shorter than its own headers say, or the stream ended inside one. */
  FRAME_TRUNCATED: 4011,
  /** A frame's channel name is not valid UTF-8 or is empty. */
  FRAME_MALFORMED: 4012,
  /** A reserved channel name (starting with `#`) that this version does not know. */
  UNKNOWN_CHANNEL: 4013,
  /** A message type that the channel does not define. */
  UNKNOWN_MESSAGE: 4014,
  /** A message whose payload does not decode (bad sync, awareness or JSON). */
  MESSAGE_MALFORMED: 4015,
  /** Journal entries that failed verification by the store. */
  JOURNAL_REJECTED: 4016,
  /** Messages out of order: anything before the hello, or a second hello. */
  PROTOCOL_VIOLATION: 4017,
  /** Nothing received for `deadAfterMs`: the peer is gone. */
  HEARTBEAT_TIMEOUT: 4020,
  /** No hello within `handshakeTimeoutMs` of the TLS session. */
  HANDSHAKE_TIMEOUT: 4021,
  /** The socket failed or was ended without a close frame. */
  CONNECTION_LOST: 4022,
  /** The peer left more than `maxBufferedBytes` unread: it is stuck or too slow. */
  SEND_BUFFER_FULL: 4023,
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName];

const namesByCode = new Map<number, CloseCodeName>(
  Object.entries(CLOSE_CODES).map(([name, code]) => [
    code,
    name as CloseCodeName,
  ]),
);

/** The constant's name for a code (`'FRAME_TOO_LARGE'`), or `'UNKNOWN'`. */
export function closeCodeName(code: number): CloseCodeName | 'UNKNOWN' {
  return namesByCode.get(code) ?? 'UNKNOWN';
}

/** Codes that mean the peer sent bad input, counted as rejected input. */
export const REJECTION_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.FRAME_TOO_LARGE,
  CLOSE_CODES.FRAME_TRUNCATED,
  CLOSE_CODES.FRAME_MALFORMED,
  CLOSE_CODES.UNKNOWN_CHANNEL,
  CLOSE_CODES.UNKNOWN_MESSAGE,
  CLOSE_CODES.MESSAGE_MALFORMED,
  CLOSE_CODES.JOURNAL_REJECTED,
  CLOSE_CODES.PROTOCOL_VIOLATION,
]);
