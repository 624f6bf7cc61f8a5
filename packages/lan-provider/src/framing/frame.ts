/**
 * A frame on the wire is a 4-byte big-endian body length, then the body:
 * one byte of channel-name length, the channel name in UTF-8, one byte of
 * message type, and the payload, which runs to the end of the body.
 */
import { CLOSE_CODES } from '../close-codes.ts';
import { ProtocolError } from '../errors.ts';
import { MAX_CHANNEL_BYTES } from './channels.ts';

export interface Frame {
  channel: string;
  type: number;
  payload: Uint8Array;
}

/** Bytes of the length prefix. */
export const LENGTH_BYTES = 4;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes one frame, length prefix included. */
export function encodeFrame(frame: Frame): Buffer {
  const name = Buffer.from(frame.channel, 'utf8');
  if (name.length === 0 || name.length > MAX_CHANNEL_BYTES) {
    throw new RangeError(`channel name must be 1-${MAX_CHANNEL_BYTES} bytes`);
  }
  const bodyLength = 1 + name.length + 1 + frame.payload.length;
  const out = Buffer.allocUnsafe(LENGTH_BYTES + bodyLength);
  out.writeUInt32BE(bodyLength, 0);
  out.writeUInt8(name.length, LENGTH_BYTES);
  name.copy(out, LENGTH_BYTES + 1);
  out.writeUInt8(frame.type, LENGTH_BYTES + 1 + name.length);
  out.set(frame.payload, LENGTH_BYTES + 2 + name.length);
  return out;
}

/** Decodes a frame body (without its length prefix); throws `ProtocolError`. */
export function decodeFrameBody(body: Uint8Array): Frame {
  const nameLength = body[0];
  if (nameLength === undefined || body.length < 2 + nameLength) {
    throw new ProtocolError(
      CLOSE_CODES.FRAME_TRUNCATED,
      `frame body of ${body.length} bytes is shorter than its headers`,
    );
  }
  if (nameLength === 0) {
    throw new ProtocolError(CLOSE_CODES.FRAME_MALFORMED, 'empty channel name');
  }
  let channel: string;
  try {
    channel = strictUtf8.decode(body.subarray(1, 1 + nameLength));
  } catch {
    throw new ProtocolError(
      CLOSE_CODES.FRAME_MALFORMED,
      'channel name is not valid UTF-8',
    );
  }
  const type = body[1 + nameLength] as number;
  return { channel, type, payload: body.subarray(2 + nameLength) };
}
