/**
 * Limits that keep one misbehaving client, or one busy room, from taking
 * the server down. Every breach closes only the offending connection, with
 * its own close code (see `close-codes.ts`), and never touches stored data.
 */
export interface SyncLimits {
  /** Largest message accepted from a client, in bytes; over it: 4413. */
  maxMessageBytes: number;
  /** Messages per second a connection may sustain; over it: 4529. */
  messagesPerSecond: number;
  /** Messages a connection may send in one burst above the rate. */
  messageBurst: number;
  /** Bytes per second a connection may sustain; over it: 4529. */
  bytesPerSecond: number;
  /**
   * Bytes a connection may send in one burst above the byte rate; at
   * least `maxMessageBytes`, so that one message of the largest size
   * allowed always fits.
   */
  byteBurst: number;
  /**
   * Bytes allowed to wait in a connection's send buffer; a reader further
   * behind than this is closed with 4508 and resyncs when it reconnects.
   */
  maxBufferedBytes: number;
  /** Documents held in memory at once; a connection past it gets 4503. */
  maxDocuments: number;
  /** How long a document stays loaded after its last client leaves. */
  evictAfterMs: number;
  /**
   * Awareness changes of a room are gathered for this long and sent as one
   * message, so presence traffic grows with the clients, not their square.
   */
  awarenessFlushMs: number;
  /**
   * A first sync larger than this is sent as several messages of about
   * this size, each a valid update, so no client waits on one huge message.
   */
  syncChunkBytes: number;
  /** How long a closing socket may take before it is cut off. */
  closeTimeoutMs: number;
}

/** The defaults; each can be overridden one by one. */
export const DEFAULT_SYNC_LIMITS: Readonly<SyncLimits> = Object.freeze({
  maxMessageBytes: 8 * 1024 * 1024,
  messagesPerSecond: 200,
  messageBurst: 400,
  bytesPerSecond: 2 * 1024 * 1024,
  byteBurst: 16 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxDocuments: 10_000,
  evictAfterMs: 30_000,
  awarenessFlushMs: 100,
  syncChunkBytes: 256 * 1024,
  closeTimeoutMs: 2_000,
});

/** The defaults with the given overrides applied. */
export function resolveLimits(overrides: Partial<SyncLimits> = {}): SyncLimits {
  const limits: SyncLimits = { ...DEFAULT_SYNC_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) limits[key as keyof SyncLimits] = value;
  }
  return limits;
}
