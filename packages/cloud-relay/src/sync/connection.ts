/**
 * One WebSocket attached to one document. It enforces the limits (message
 * size, rate, how far behind the reader may fall), answers the y-websocket
 * protocol, and drops the updates of a connection that may only read.
 */
import type { Logger } from '@brigade/log';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CLOSE, type CloseReason, closeReasonOf } from './close-codes.ts';
import type { SyncLimits } from './limits.ts';
import type { SyncMetrics } from './metrics.ts';
import { MESSAGE, SYNC, syncMessage } from './protocol.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { PresenceEntry, Room, RoomMember } from './room.ts';
import { splitDocState } from './split-update.ts';

/** What a connection may do with its document. */
export type Access = 'read' | 'write';

/** Called once when a connection stops being part of its room. */
export type DetachHandler = (connection: SyncConnection) => void;

export interface ConnectionContext {
  limits: SyncLimits;
  logger: Logger;
  metrics: SyncMetrics | undefined;
  onDetach: DetachHandler;
}

/** Close reasons that are the client's fault and worth a warning. */
const BREACHES: ReadonlySet<CloseReason> = new Set([
  'badRequest',
  'tooSlow',
  'tooLarge',
  'rateLimited',
  'tooManyDocuments',
]);

/** Thrown inside message handling for input that breaks the protocol. */
class ProtocolError extends Error {
  readonly code = 'protocol';
}

export class SyncConnection implements RoomMember {
  readonly docName: string;
  readonly access: Access;
  readonly awarenessClients = new Set<number>();

  readonly #ws: WebSocket;
  readonly #ctx: ConnectionContext;
  readonly #log: Logger;
  readonly #limiter: RateLimiter;
  readonly #byteLimiter: RateLimiter;
  #room: Room | null = null;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #closed = false;
  #warnedReadOnly = false;
  #warnedAwareness = false;

  constructor(
    ws: WebSocket,
    docName: string,
    access: Access,
    ctx: ConnectionContext,
  ) {
    this.#ws = ws;
    this.docName = docName;
    this.access = access;
    this.#ctx = ctx;
    this.#log = ctx.logger;
    const { messagesPerSecond, messageBurst } = ctx.limits;
    this.#limiter = new RateLimiter(messagesPerSecond, messageBurst);
    const { bytesPerSecond, byteBurst, maxMessageBytes } = ctx.limits;
    this.#byteLimiter = new RateLimiter(
      bytesPerSecond,
      Math.max(byteBurst, maxMessageBytes),
    );
    ws.binaryType = 'nodebuffer';
    ws.on('message', this.#onMessage);
    ws.on('close', this.#onSocketClose);
    ws.on('error', this.#onSocketError);
  }

  /** True once the connection has been closed by either side. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts serving `room`: sync step 1, presence, then queued input. */
  join(room: Room): void {
    if (this.#closed) return;
    this.#room = room;
    room.join(this);
    this.send(syncMessage(SYNC.step1, Y.encodeStateVector(room.doc)));
    const presence = room.awarenessSnapshot();
    if (presence) this.send(presence);

    const queued = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const message of queued) {
      if (this.#closed) return;
      this.#handle(message, room);
    }
  }

  /**
   * Sends one message unless the reader is too far behind, in which case
   * the connection is closed with 4508 and the message is dropped: the
   * client resyncs from scratch when it reconnects.
   */
  send(message: Uint8Array): boolean {
    return this.#write(message);
  }

  /** Closes with the named code; later calls do nothing. */
  close(reason: CloseReason, detail: string = reason): void {
    if (this.#closed) return;
    this.#detach(reason, detail);
    const ws = this.#ws;
    if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) return;
    ws.close(CLOSE[reason], detail.slice(0, 120));

    // A reader that never reads never acknowledges the close either.
    const cutOff = setTimeout(
      () => ws.terminate(),
      this.#ctx.limits.closeTimeoutMs,
    );
    ws.once('close', () => clearTimeout(cutOff));
  }

  readonly #onMessage = (data: Buffer): void => {
    if (this.#closed) return;
    const limits = this.#ctx.limits;
    const traffic = this.#ctx.metrics?.traffic;
    if (traffic) traffic.bytesIn += data.length;
    if (data.length > limits.maxMessageBytes) {
      this.close('tooLarge', `message of ${data.length} bytes`);
      return;
    }
    if (!this.#limiter.take()) {
      this.close('rateLimited', 'too many messages');
      return;
    }
    if (!this.#byteLimiter.takeMany(data.length)) {
      this.close('rateLimited', 'too many bytes');
      return;
    }
    const room = this.#room;
    if (room) {
      this.#handle(data, room);
      return;
    }

    // The document is still loading; keep what the client sent, bounded.
    this.#queuedBytes += data.length;
    if (this.#queuedBytes > limits.maxBufferedBytes) {
      this.close('rateLimited', 'too much input while loading');
      return;
    }
    this.#queue.push(data);
  };

  #handle(message: Uint8Array, room: Room): void {
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      const traffic = this.#ctx.metrics?.traffic;
      if (traffic) {
        const name = typeName(type);
        traffic.messagesIn.set(name, (traffic.messagesIn.get(name) ?? 0) + 1);
      }
      switch (type) {
        case MESSAGE.sync:
          this.#handleSync(decoder, room);
          break;
        case MESSAGE.awareness:
          this.#handleAwareness(decoding.readVarUint8Array(decoder), room);
          break;
        case MESSAGE.queryAwareness: {
          const presence = room.awarenessSnapshot();
          if (presence) this.send(presence);
          break;
        }
        case MESSAGE.auth:
          // Authorisation happened at the handshake; nothing to answer.
          break;
        default:
          throw new ProtocolError(`unknown message type ${type}`);
      }
    } catch (error) {
      this.close(
        'badRequest',
        `malformed message: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Applies a presence update unless it speaks for a client id another
   * connection of the room announced (impersonating or removing
   * someone else's presence): that one is dropped, counted and logged
   * once per connection.
   */
  #handleAwareness(update: Uint8Array, room: Room): void {
    if (room.speaksForOther(this, presenceEntries(update))) {
      this.#ctx.metrics?.awarenessDropped.inc();
      if (!this.#warnedAwareness) {
        this.#warnedAwareness = true;
        this.#log.warn(
          { doc: this.docName },
          'dropped presence for a client another connection announced',
        );
      }
      return;
    }
    awarenessProtocol.applyAwarenessUpdate(room.awareness, update, this);
  }

  #handleSync(decoder: decoding.Decoder, room: Room): void {
    const subType = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (subType === SYNC.step1) {
      // Answered from stored state only: what the client lacks is read
      // once every change the room has made so far is stored.
      Y.decodeStateVector(payload);
      room.afterStored(() => this.#sendState(room, payload));
      return;
    }
    if (subType !== SYNC.step2 && subType !== SYNC.update) {
      throw new ProtocolError(`unknown sync message ${subType}`);
    }
    if (this.access === 'read') {
      this.#dropWrite();
      return;
    }
    const started = performance.now();

    // Decode first: a malformed update must fail before it touches the doc.
    Y.decodeUpdate(payload);
    Y.applyUpdate(room.doc, payload, this);
    this.#ctx.metrics?.updateSeconds.observe(
      (performance.now() - started) / 1000,
    );
  }

  /**
   * Answers sync step 1 with what the client lacks. A large answer goes
   * out as several updates, each sent once the previous one has left the
   * buffer, and the last one as sync step 2, so the client is marked
   * synced only when it has everything.
   */
  #sendState(room: Room, stateVector: Uint8Array): void {
    Y.decodeStateVector(stateVector);
    const chunkBytes = this.#ctx.limits.syncChunkBytes;
    const chunks = splitDocState(room.doc, stateVector, chunkBytes);
    const last = chunks.pop() ?? new Uint8Array([0, 0]);
    if (chunks.length === 0) {
      this.send(syncMessage(SYNC.step2, last));
      return;
    }
    this.#log.debug(
      { doc: this.docName, chunks: chunks.length + 1 },
      'first sync split into chunks',
    );
    void this.#sendChunks(chunks, last);
  }

  async #sendChunks(chunks: Uint8Array[], last: Uint8Array): Promise<void> {
    for (const chunk of chunks) {
      if (!(await this.#sendAndWait(syncMessage(SYNC.update, chunk)))) return;
    }
    this.send(syncMessage(SYNC.step2, last));
  }

  /** Sends and resolves once the message has left the send buffer. */
  #sendAndWait(message: Uint8Array): Promise<boolean> {
    return new Promise((resolve) => {
      const sent = this.#write(message, (error) =>
        resolve(!error && !this.#closed),
      );
      if (!sent) resolve(false);
    });
  }

  #write(message: Uint8Array, done?: (error?: Error) => void): boolean {
    if (this.#closed) return false;
    // An empty buffer takes any message: a reader is slow only if the
    // bytes already waiting for it do not drain.
    const behind = this.#ws.bufferedAmount;
    if (
      behind > 0 &&
      behind + message.length > this.#ctx.limits.maxBufferedBytes
    ) {
      this.close('tooSlow', `reader is ${behind} bytes behind`);
      return false;
    }
    this.#ws.send(message, { binary: true }, done);
    const traffic = this.#ctx.metrics?.traffic;
    if (traffic) {
      traffic.messagesOut += 1;
      traffic.bytesOut += message.length;
    }
    return true;
  }

  #dropWrite(): void {
    this.#ctx.metrics?.writesDropped.inc();
    if (this.#warnedReadOnly) return;
    this.#warnedReadOnly = true;
    this.#log.warn(
      { doc: this.docName },
      'dropped updates from a read-only connection',
    );
  }

  readonly #onSocketClose = (code: number): void => {
    if (this.#closed) return;
    const reason = closeReasonOf(code);
    this.#detach(
      reason === 'other' ? 'normal' : reason,
      `client closed ${code}`,
    );
  };

  readonly #onSocketError = (error: Error & { code?: string }): void => {
    // Past twice the limit the socket layer itself refuses (1009) before
    // buffering the message; it is still a size breach.
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' && !this.#closed) {
      this.#detach('tooLarge', 'message refused by the socket layer (1009)');
      return;
    }
    this.#log.warn({ doc: this.docName, err: error.message }, 'socket error');
  };

  #detach(reason: CloseReason, detail: string): void {
    this.#closed = true;
    this.#queue = [];
    const level = BREACHES.has(reason) ? 'warn' : 'debug';
    this.#log[level](
      { doc: this.docName, reason, detail },
      'connection closed',
    );
    this.#ctx.metrics?.connectionsClosed.inc({ reason });
    this.#room?.leave(this);
    this.#ctx.onDetach(this);
  }
}

/**
 * The clients an awareness update speaks for (y-protocols' layout: a
 * count, then per client its id, clock and state as JSON text, `null`
 * when it leaves). Throws on a malformed update, which closes the
 * connection with 4400.
 */
function presenceEntries(update: Uint8Array): PresenceEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: PresenceEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const removal = decoding.readVarString(decoder) === 'null';
    entries.push({ clientId, clock, removal });
  }
  return entries;
}

/** Message type names by number, built once: counted on every message. */
const TYPE_NAMES: string[] = [];
for (const [name, value] of Object.entries(MESSAGE)) TYPE_NAMES[value] = name;

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? 'unknown';
}
