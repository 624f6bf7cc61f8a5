import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '@brigade/log';
import { CLOSE_CODES, closeCodeName } from '../close-codes.ts';
import type { LanCounters } from '../counters.ts';
import { ProtocolError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import { CONTROL_CHANNEL } from '../framing/channels.ts';
import { FrameDecoder } from '../framing/decoder.ts';
import { encodeFrame, type Frame } from '../framing/frame.ts';
import { CONTROL, decodeClose, encodeClose } from '../sync/messages.ts';

export interface ConnectionOptions {
  maxFrameBytes: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
  deadAfterMs: number;
  counters: LanCounters;
  log: Logger;
}

export interface ConnectionClosed {
  code: number;
  reason: string;
  /** True when the peer sent the close frame. */
  byPeer: boolean;
}

export interface ConnectionEvents {
  /** Every frame except pings, pongs and close frames. */
  frame: Frame;
  /** Emitted once, when the connection is closed for any reason. */
  closed: ConnectionClosed;
}

/** How long a closing socket may take to flush its close frame. */
const LINGER_MS = 500;

/**
 * One authenticated TLS session to a peer: frames in and out, heartbeats,
 * and closing with a code that both sides log.
 */
export class Connection extends TypedEmitter<ConnectionEvents> {
  readonly address: string;
  readonly #tls: TLSSocket;
  readonly #raw: Socket;
  readonly #options: ConnectionOptions;
  readonly #decoder: FrameDecoder;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastHeardAt = Date.now();
  #closed = false;
  #wireIn = 0;
  #wireOut = 0;

  constructor(tls: TLSSocket, raw: Socket, options: ConnectionOptions) {
    super();
    this.#tls = tls;
    this.#raw = raw;
    this.#options = options;
    this.#decoder = new FrameDecoder(options.maxFrameBytes);
    this.address = (raw.remoteAddress ?? '').replace(/^::ffff:/, '');
    raw.setNoDelay(true);
    tls.on('data', (chunk: Buffer) => this.#receive(chunk));
    tls.on('error', (error) =>
      options.log.debug({ err: error.message }, 'peer socket error'),
    );
    raw.on('error', (error) =>
      options.log.debug({ err: error.message }, 'peer TCP error'),
    );
    tls.on('close', () => this.#lost());
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one frame; does nothing once the connection is closed. */
  send(channel: string, type: number, payload: Uint8Array): void {
    if (this.#closed) return;
    const bytes = encodeFrame({ channel, type, payload });
    this.#options.counters.framesOut++;
    this.#options.counters.bytesOut += bytes.length;
    this.#tls.write(bytes);

    // A peer that stopped reading would otherwise make this side queue
    // every edit in memory until the heartbeat gives up on it.
    if (this.#tls.writableLength > this.#options.maxBufferedBytes) {
      this.#destroy();
      this.#finish({
        code: CLOSE_CODES.SEND_BUFFER_FULL,
        reason: `${this.#tls.writableLength} bytes unread by the peer`,
        byPeer: false,
      });
    }
  }

  /** Sends a close frame with `code` and ends the session. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.send(CONTROL_CHANNEL, CONTROL.CLOSE, encodeClose(code, reason));
    this.#tls.end();
    setTimeout(() => this.#destroy(), LINGER_MS).unref();
    this.#finish({ code, reason, byPeer: false });
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    this.#lastHeardAt = Date.now();
    this.#countWire();
    let frames: Frame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      this.#reject(error);
      return;
    }
    for (const frame of frames) {
      if (this.#closed) return;
      this.#options.counters.framesIn++;
      this.#options.counters.bytesIn +=
        6 + Buffer.byteLength(frame.channel) + frame.payload.length;
      if (frame.channel === CONTROL_CHANNEL && frame.type !== CONTROL.HELLO) {
        this.#control(frame);
      } else {
        this.emit('frame', frame);
      }
    }
  }

  #control(frame: Frame): void {
    try {
      if (frame.type === CONTROL.PING) {
        this.send(CONTROL_CHANNEL, CONTROL.PONG, new Uint8Array());
      } else if (frame.type === CONTROL.CLOSE) {
        const { code, reason } = decodeClose(frame.payload);
        this.#destroy();
        this.#finish({ code, reason, byPeer: true });
      } else if (frame.type !== CONTROL.PONG) {
        throw new ProtocolError(
          CLOSE_CODES.UNKNOWN_MESSAGE,
          `control message type ${frame.type}`,
        );
      }
    } catch (error) {
      this.#reject(error);
    }
  }

  /** Closes for a protocol error; anything else is a bug and is rethrown. */
  #reject(error: unknown): void {
    if (!(error instanceof ProtocolError)) throw error;
    this.close(error.closeCode, error.message);
  }

  #beat(): void {
    if (Date.now() - this.#lastHeardAt > this.#options.deadAfterMs) {
      this.#destroy();
      this.#finish({
        code: CLOSE_CODES.HEARTBEAT_TIMEOUT,
        reason: `nothing heard for ${this.#options.deadAfterMs} ms`,
        byPeer: false,
      });
      return;
    }
    this.send(CONTROL_CHANNEL, CONTROL.PING, new Uint8Array());
  }

  #lost(): void {
    if (this.#closed) return;
    try {
      this.#decoder.end();
      this.#finish({
        code: CLOSE_CODES.CONNECTION_LOST,
        reason: 'socket closed without a close frame',
        byPeer: false,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#finish({
        code: CLOSE_CODES.FRAME_TRUNCATED,
        reason,
        byPeer: false,
      });
    }
  }

  #destroy(): void {
    this.#tls.destroy();
    this.#raw.destroy();
  }

  #countWire(): void {
    const counters = this.#options.counters;
    counters.wireBytesIn += this.#raw.bytesRead - this.#wireIn;
    counters.wireBytesOut += this.#raw.bytesWritten - this.#wireOut;
    this.#wireIn = this.#raw.bytesRead;
    this.#wireOut = this.#raw.bytesWritten;
  }

  #finish(closed: ConnectionClosed): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#countWire();
    this.#options.log.debug(
      {
        code: closed.code,
        codeName: closeCodeName(closed.code),
        byPeer: closed.byPeer,
      },
      'connection closed',
    );
    this.emit('closed', closed);
    this.removeAllListeners();
  }
}
