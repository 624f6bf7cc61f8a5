import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOSE_CODES } from '../src/close-codes.ts';
import { ProtocolError } from '../src/errors.ts';
import { decodeFrameBody, encodeFrame } from '../src/framing/frame.ts';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error.closeCode;
    throw error;
  }
  return undefined;
}

test('round-trips channel, type and payload', () => {
  const frame = {
    channel: 'b1/day/2026-12-03',
    type: 2,
    payload: new Uint8Array([1, 2, 3]),
  };
  const bytes = encodeFrame(frame);
  assert.is(bytes.readUInt32BE(0), bytes.length - 4);
  const back = decodeFrameBody(bytes.subarray(4));
  assert.is(back.channel, frame.channel);
  assert.is(back.type, 2);
  assert.equal([...back.payload], [1, 2, 3]);
});

test('carries non-ASCII channel names and empty payloads', () => {
  const back = decodeFrameBody(
    encodeFrame({
      channel: 'café/menu',
      type: 0,
      payload: new Uint8Array(),
    }).subarray(4),
  );
  assert.is(back.channel, 'café/menu');
  assert.is(back.payload.length, 0);
});

test('keeps a byte-order mark at the start of a channel name', () => {
  const channel = '\uFEFFmenu';
  const bytes = encodeFrame({ channel, type: 0, payload: new Uint8Array() });
  assert.is(decodeFrameBody(bytes.subarray(4)).channel, channel);
});

test('refuses to encode an empty or over-long channel name', () => {
  const payload = new Uint8Array();
  assert.throws(() => encodeFrame({ channel: '', type: 0, payload }));
  assert.throws(() =>
    encodeFrame({ channel: 'x'.repeat(256), type: 0, payload }),
  );
});

test('calls a body shorter than its channel name truncated', () => {
  assert.is(
    codeOf(() => decodeFrameBody(new Uint8Array([5, 97, 98]))),
    CLOSE_CODES.FRAME_TRUNCATED,
  );
  assert.is(
    codeOf(() => decodeFrameBody(new Uint8Array())),
    CLOSE_CODES.FRAME_TRUNCATED,
  );
  assert.is(
    codeOf(() => decodeFrameBody(new Uint8Array([1, 97]))),
    CLOSE_CODES.FRAME_TRUNCATED,
  );
});

test('calls an empty or non-UTF-8 channel name malformed', () => {
  assert.is(
    codeOf(() => decodeFrameBody(new Uint8Array([0, 0]))),
    CLOSE_CODES.FRAME_MALFORMED,
  );
  assert.is(
    codeOf(() => decodeFrameBody(new Uint8Array([2, 0xc3, 0x28, 0]))),
    CLOSE_CODES.FRAME_MALFORMED,
  );
});

test.run();
