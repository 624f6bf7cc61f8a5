/**
 * The till's one HTTP port: the JSON API through a {@link Router}, the
 * status event stream, and WebSocket upgrades for `/sync/...`. Bodies are
 * JSON and capped; every failure is answered as `{error: {...}}`.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { requestUrl } from '@brigade/cloud-relay';
import { type Logger, silentLogger } from '@brigade/log';
import { ApiError, badRequest } from './api-error.ts';
import type { EventStream } from './event-stream.ts';
import type { Router } from './router.ts';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * Decides whether a request may proceed, from its token (or none) and its
 * method (`GET` reads; anything else, and every upgrade, writes).
 */
export type Authorizer = (token: string | null, method: string) => boolean;

/** Takes over a WebSocket upgrade for a `/sync/...` path. */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
) => void;

export interface HttpServerOptions {
  host: string;
  port: number;
  router: Router;
  /** Served at `GET /api/events`. */
  events: EventStream;
  /** Called for upgrades whose path starts with `/sync/`. */
  onSyncUpgrade?: UpgradeHandler;
  /** When set, every request and upgrade must carry a token it accepts. */
  authorize?: Authorizer;
  logger?: Logger;
}

export class TillHttpServer {
  #server: Server;
  #options: HttpServerOptions;
  #log: Logger;

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'http' });
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#log.error({ err: error }, 'request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.#server.on('upgrade', (req, socket, head) =>
      this.#upgrade(req, socket, head),
    );
  }

  /** Listens and resolves to the bound address. */
  async start(): Promise<AddressInfo> {
    const { host, port } = this.#options;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.#server.address() as AddressInfo;
  }

  /** Stops accepting, ends event streams and open connections. */
  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    this.#options.events.close();
    const closed = new Promise<void>((resolve) =>
      this.#server.close(() => resolve()),
    );
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url, 'http://till.local');
    if (!url) {
      const error = badRequest('invalid-field', 'url: not a valid path', 'url');
      send(res, error.status, error.toBody());
      return;
    }
    try {
      this.#checkToken(req, url);
      if (url.pathname === '/api/events' && req.method === 'GET') {
        this.#options.events.open(res);
        return;
      }
      const match = this.#options.router.match(
        req.method ?? 'GET',
        url.pathname,
      );
      const body = await readJson(req);
      const result = await match.handler({
        params: match.params,
        query: url.searchParams,
        body,
      });
      send(res, result.status, result.body);
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.status >= 500) {
        this.#log.error({ err: error, path: url.pathname }, 'request failed');
      } else {
        this.#log.debug(
          { path: url.pathname, code: apiError.code },
          'request refused',
        );
      }
      send(res, apiError.status, apiError.toBody());
    }
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req.url, 'http://till.local');
    if (!url) {
      refuseUpgrade(socket, 400);
      return;
    }
    const handler = this.#options.onSyncUpgrade;
    try {
      this.#checkToken(req, url);
    } catch {
      this.#log.warn({ path: url.pathname }, 'sync connection refused: token');
      refuseUpgrade(socket, 401);
      return;
    }
    if (!handler || !url.pathname.startsWith('/sync/')) {
      refuseUpgrade(socket, 404);
      return;
    }
    handler(req, socket, head, url);
  }

  #checkToken(req: IncomingMessage, url: URL): void {
    const authorize = this.#options.authorize;
    if (!authorize) return;
    if (authorize(tokenOf(req, url), req.method ?? 'GET')) return;
    throw new ApiError(401, 'unauthorized', 'a valid branch token is required');
  }
}

/** The token of a request: `Authorization: Bearer` or `?token=`. */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return url.searchParams.get('token');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, 'body-too-large', 'request body is too large');
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad-json', 'request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Errors from Brigade's domain packages carry a stable kebab-case `code`
 * and mean the request cannot be applied (409, or 400 when they name a
 * field, 404 when the code says `not-found`). System errors (`ENOENT`,
 * `SQLITE_BUSY`) and anything else are a fault of the till (500).
 */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { code?: unknown; field?: unknown; message?: unknown };
  const domain =
    typeof e?.code === 'string' && /^[a-z][a-z0-9-]*$/.test(e.code);
  if (domain && typeof e.code === 'string' && typeof e.message === 'string') {
    if (e.code.endsWith('not-found')) {
      return new ApiError(404, e.code, e.message);
    }
    const field = typeof e.field === 'string' ? e.field : undefined;
    return new ApiError(field ? 400 : 409, e.code, e.message, field);
  }
  return new ApiError(500, 'internal', 'the till failed to handle the request');
}

const UPGRADE_STATUS = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
} as const;

function refuseUpgrade(socket: Duplex, status: 400 | 401 | 404): void {
  const text = UPGRADE_STATUS[status];
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`);
}
