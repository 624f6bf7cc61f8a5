import { CLOSE_CODES } from '../close-codes.ts';
import { ProtocolError } from '../errors.ts';
import { decodeFrameBody, type Frame, LENGTH_BYTES } from './frame.ts';

/**
 * Cuts a byte stream into frames. Chunks are kept as they arrive and
 * joined once per frame, so a large frame split into many TLS records is
 * copied once, not once per record.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** @param maxFrameBytes the hard limit on a frame body's length */
  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Adds bytes and returns every frame they complete, in order. Throws a
   * `ProtocolError` on the first bad frame; the decoder is useless after.
   */
  push(chunk: Uint8Array): Frame[] {
    if (chunk.length > 0) {
      this.#chunks.push(
        Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
      );
      this.#buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      const bodyLength = this.#peekLength();
      if (bodyLength === undefined) return frames;
      if (this.#buffered < LENGTH_BYTES + bodyLength) return frames;
      const whole = this.#take(LENGTH_BYTES + bodyLength);
      frames.push(decodeFrameBody(whole.subarray(LENGTH_BYTES)));
    }
  }

  /** Throws when the stream ended inside a frame. */
  end(): void {
    if (this.#buffered > 0) {
      throw new ProtocolError(
        CLOSE_CODES.FRAME_TRUNCATED,
        `stream ended with ${this.#buffered} bytes of an unfinished frame`,
      );
    }
  }

  #peekLength(): number | undefined {
    if (this.#buffered < LENGTH_BYTES) return undefined;
    const head = this.#contiguous(LENGTH_BYTES);
    const bodyLength = head.readUInt32BE(0);
    if (bodyLength > this.#maxFrameBytes) {
      throw new ProtocolError(
        CLOSE_CODES.FRAME_TOO_LARGE,
        `frame of ${bodyLength} bytes is over the ${this.#maxFrameBytes}-byte limit`,
      );
    }
    return bodyLength;
  }

  /** Makes the first `n` buffered bytes one chunk and returns it. */
  #contiguous(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined;
  }

  #take(n: number): Buffer {
    const joined = this.#contiguous(n);
    const taken = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.#chunks =
      rest.length > 0
        ? [rest, ...this.#chunks.slice(1)]
        : this.#chunks.slice(1);
    this.#buffered -= n;
    return taken;
  }
}
