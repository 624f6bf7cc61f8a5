/**
 * Server-Sent Events for `GET /api/events`: every open stream gets the
 * current value at once and then each change, plus a comment line every
 * few seconds so proxies and idle timers keep the connection open.
 */
import type { ServerResponse } from 'node:http';

/** Default interval of the keep-alive comment, in milliseconds. */
export const SSE_KEEPALIVE_MS = 15_000;

export class EventStream {
  #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout;
  #event: string;
  #last: string | null = null;

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

  /** Starts a stream on `res` and sends the last value published. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    if (this.#last !== null) res.write(this.#last);
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  /** Sends `value` to every stream unless it equals the last value sent. */
  publish(value: unknown): void {
    const frame = `event: ${this.#event}\ndata: ${JSON.stringify(value)}\n\n`;
    if (frame === this.#last) return;
    this.#last = frame;
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
