import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOSE_CODES } from '../src/close-codes.ts';
import { ProtocolError } from '../src/errors.ts';
import { FrameDecoder } from '../src/framing/decoder.ts';
import { encodeFrame } from '../src/framing/frame.ts';

const frame = (channel: string, size: number) =>
  encodeFrame({ channel, type: 1, payload: new Uint8Array(size).fill(7) });

function closeCode(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error.closeCode;
    throw error;
  }
  return undefined;
}

test('returns several frames from one chunk, in order', () => {
  const decoder = new FrameDecoder(1024);
  const bytes = Buffer.concat([frame('a', 3), frame('b', 0), frame('c', 9)]);
  const frames = decoder.push(bytes);
  assert.equal(
    frames.map((f) => [f.channel, f.payload.length]),
    [
      ['a', 3],
      ['b', 0],
      ['c', 9],
    ],
  );
  assert.is(decoder.buffered, 0);
});

test('reassembles a frame split byte by byte', () => {
  const decoder = new FrameDecoder(1024);
  const bytes = Buffer.concat([frame('doc', 300), frame('doc', 1)]);
  const frames = [];
  for (const byte of bytes) frames.push(...decoder.push(Buffer.from([byte])));
  assert.is(frames.length, 2);
  assert.is(frames[0]?.payload.length, 300);
  assert.ok(frames[0]?.payload.every((b) => b === 7));
});

test('rejects a declared length over the limit before it arrives', () => {
  const decoder = new FrameDecoder(100);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(101, 0);
  assert.is(
    closeCode(() => decoder.push(head)),
    CLOSE_CODES.FRAME_TOO_LARGE,
  );
});

test('accepts a frame of exactly the limit', () => {
  const bytes = frame('d', 96);
  const decoder = new FrameDecoder(bytes.length - 4);
  assert.is(decoder.push(bytes).length, 1);
});

test('reports a stream that ends inside a frame as truncated', () => {
  const decoder = new FrameDecoder(1024);
  decoder.push(frame('doc', 10).subarray(0, 8));
  assert.is(
    closeCode(() => decoder.end()),
    CLOSE_CODES.FRAME_TRUNCATED,
  );
});

test('ends cleanly between frames', () => {
  const decoder = new FrameDecoder(1024);
  decoder.push(frame('doc', 10));
  decoder.end();
});

test.run();
