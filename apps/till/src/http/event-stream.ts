/**
 * Server-Sent Events for `GET /api/events`: every open stream gets the
 * current value of each event (`status`, `stock`) at once and then each
 * change, plus a comment line every few seconds so proxies and idle
 * timers keep the connection open.
 */
import type { ServerResponse } from 'node:http';

/** Default interval of the keep-alive comment, in milliseconds. */
export const SSE_KEEPALIVE_MS = 15_000;

export class EventStream {
  #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout;
  #event: string;
  /** The last frame sent, per event name. */
  #last = new Map<string, string>();

  constructor(event: string, keepAliveMs = SSE_KEEPALIVE_MS) {
    this.#event = event;
    this.#timer = setInterval(
      () => this.#write(': keep-alive\n\n'),
      keepAliveMs,
    );
    this.#timer.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Starts a stream on `res` and sends the last value of each event. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    for (const frame of this.#last.values()) res.write(frame);
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  /**
   * Sends `value` as `event` (default: the stream's own event name) to
   * every stream unless it equals the last value sent for that event.
   */
  publish(value: unknown, event = this.#event): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;
    if (frame === this.#last.get(event)) return;
    this.#last.set(event, frame);
    this.#write(frame);
  }

  /** Ends every stream; idempotent. */
  close(): void {
    clearInterval(this.#timer);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(chunk: string): void {
    for (const res of this.#clients) res.write(chunk);
  }
}
