/**
 * The relay process: one HTTP server with `/healthz`, `/metrics`, the JSON
 * API, and the y-websocket endpoint `ws://host:port/<branch>/<doc>?token=T`,
 * on one SQLite file in the data directory.
 *
 * @example
 * const relay = await startRelay({ dataDir: './data', secret, port: 8787 });
 * console.log(relay.url); // ws://127.0.0.1:8787
 * await relay.stop();
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Logger, silentLogger } from '@brigade/log';
import type { Database } from 'better-sqlite3';
import { type WebSocket, WebSocketServer } from 'ws';
import { BranchDirectory } from './auth/branches.ts';
import {
  CUSTOMER_BOOK_ROLES,
  customerBookRoom,
  isCustomerBook,
} from './auth/customer-book.ts';
import { REVOCATION_SWEEP_MS, Revocations } from './auth/revocations.ts';
import { type TokenClaims, TokenError, verifyToken } from './auth/token.ts';
import { openRelayDatabase } from './db.ts';
import {
  type PersistenceOptions,
  SqliteDocSource,
} from './docs/sqlite-docs.ts';
import {
  CHECKPOINT_DEFAULTS,
  WalCheckpointer,
} from './docs/wal-checkpointer.ts';
import { createApiHandler } from './http/index.ts';
import { requestUrl } from './http/request-url.ts';
import { createStockApi } from './http/stock-routes.ts';
import { createRelayMetrics, type RelayMetrics } from './metrics.ts';
import { CustomerReports } from './reports/customers.ts';
import { ErasureWatch } from './reports/erasure-watch.ts';
import { StockReports } from './reports/stock.ts';
import { CLOSE } from './sync/close-codes.ts';
import { refuse, SyncHub } from './sync/hub.ts';
import type { SyncLimits } from './sync/limits.ts';
import { parseDocPath } from './sync/path.ts';

export interface RelayOptions {
  /** Directory of `relay.sqlite`; created if missing. */
  dataDir: string;
  /** Token signing secret, at least 32 bytes. */
  secret: string | Buffer;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`; `0.0.0.0` to serve every interface. */
  host?: string;
  /** Overrides of the sync limits. */
  limits?: Partial<SyncLimits>;
  /** How documents are committed; defaults in `PERSISTENCE_DEFAULTS`. */
  persistence?: PersistenceOptions;
  /**
   * How often open sockets are checked for revoked tokens; default
   * `REVOCATION_SWEEP_MS` (5 s).
   */
  revocationSweepMs?: number;
  /** Default: silent. */
  logger?: Logger;
}

/** The answer to a request whose target does not parse as a URL. */
const BAD_TARGET = {
  error: {
    code: 'invalid-field',
    field: 'url',
    message: 'url: the request target is not a valid path',
  },
} as const;

/** The defaults of {@link RelayOptions}. */
export const RELAY_DEFAULTS = { port: 8787, host: '127.0.0.1' } as const;

/** Answers a request; true if it did. The JSON API is one of these. */
export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
) => boolean;

export class Relay {
  readonly db: Database;
  readonly metrics: RelayMetrics;
  readonly hub: SyncHub;
  readonly #secret: string | Buffer;
  readonly #log: Logger;
  readonly #docs: SqliteDocSource;
  readonly #checkpoints: WalCheckpointer;
  readonly #branches: BranchDirectory;
  readonly revocations: Revocations;
  /** The claims of every open socket, checked again for revocations. */
  readonly #sockets = new Map<WebSocket, TokenClaims>();
  readonly #sweep: NodeJS.Timeout;
  readonly #wss: WebSocketServer;
  readonly #http: Server;
  readonly #handlers: RequestHandler[] = [];
  readonly #started = Date.now();
  #stopping: Promise<void> | null = null;

  constructor(options: RelayOptions) {
    this.#secret = options.secret;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'relay' });
    this.db = openRelayDatabase(options.dataDir);

    // Checkpoints leave the event loop: their fsyncs stalled every room.
    this.db.pragma(`wal_autocheckpoint = ${CHECKPOINT_DEFAULTS.backstopPages}`);
    this.#checkpoints = new WalCheckpointer(this.db.name, {
      logger: this.#log,
    });
    this.#checkpoints.start();
    this.metrics = createRelayMetrics();
    this.#docs = new SqliteDocSource(this.db, {
      ...options.persistence,
      logger: this.#log,
      onCommitFailure: () => this.metrics.docCommitFailures.inc(),
      onCommit: (rows, seconds) => {
        this.metrics.docCommits.inc();
        this.metrics.docUpdatesStored.inc(rows);
        this.metrics.docCommitSeconds.observe(seconds);
      },
    });
    this.#branches = new BranchDirectory(this.db);
    this.revocations = new Revocations(this.db);
    const revoked = (claims: TokenClaims) => this.revocations.revoked(claims);
    this.#sweep = setInterval(
      this.#closeRevoked,
      options.revocationSweepMs ?? REVOCATION_SWEEP_MS,
    );
    this.#sweep.unref();
    this.hub = new SyncHub({
      // Erasures made at a till are compacted and scrubbed here too.
      docs: new ErasureWatch(this.#docs, {
        db: this.db,
        log: this.#docs.log,
        logger: this.#log,
      }),
      logger: this.#log,
      metrics: this.metrics.sync,
      ...(options.limits ? { limits: options.limits } : {}),
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      // A backstop far above the checked limit, so the socket layer never
      // buffers an absurd message; the hub closes anything over the limit.
      maxPayload: this.hub.limits.maxMessageBytes * 2,
    });
    this.use(
      createApiHandler({
        db: this.db,
        secret: options.secret,
        revoked,
        logger: options.logger ?? silentLogger,
        registry: this.metrics.registry,
      }),
    );
    this.use(
      createStockApi({
        reports: new StockReports(this.#docs.log),
        customers: new CustomerReports(this.#docs.log, {
          live: (name) => this.hub.loadedDoc(name),
          flush: () => this.#docs.commits.flush(),
          branchesOf: (org) => this.#branches.branchesOf(org),
          db: this.db,
        }),
        orgOf: (branch) => this.#branches.orgOf(branch),
        secret: options.secret,
        revoked,
        logger: options.logger ?? silentLogger,
      }),
    );
    this.#http = createServer(this.#onRequest);
    this.#http.on('upgrade', this.#onUpgrade);
  }

  /** Adds a handler tried, in order, before answering 404. */
  use(handler: RequestHandler): void {
    this.#handlers.push(handler);
  }

  /** The address the relay listens on (after {@link Relay.listen}). */
  get address(): AddressInfo {
    return this.#http.address() as AddressInfo;
  }

  /** `ws://host:port`, the base URL of the sync endpoint. */
  get url(): string {
    const { address, port, family } = this.address;
    const host = family === 'IPv6' ? `[${address}]` : address;
    return `ws://${host}:${port}`;
  }

  /** Starts listening; resolves once the port is bound. */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => {
        this.#http.off('error', reject);
        this.#log.info({ url: this.url }, 'relay listening');
        resolve(this.address);
      });
    });
  }

  /**
   * Stops accepting, closes every socket with 1001, unloads (and so
   * compacts) every document, then closes the database. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    clearInterval(this.#sweep);
    const closed = new Promise<void>((resolve) => {
      this.#http.close(() => resolve());
    });
    await this.hub.stop();

    // Give the 1001 close frames a moment to leave before cutting sockets.
    const deadline = Date.now() + 1_000;
    while (this.#wss.clients.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    this.#http.closeAllConnections();
    await closed;
    this.#docs.stop();
    await this.#checkpoints.stop();
    this.db.close();
    this.#log.info({}, 'relay stopped');
  }

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!requestUrl(req.url, 'http://relay.invalid')) {
      this.#log.warn({ ip: req.socket.remoteAddress }, 'refused: bad target');
      sendJson(res, 400, BAD_TARGET);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      this.#health(res);
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      void this.#metricsText(res);
      return;
    }
    for (const handler of this.#handlers) {
      if (handler(req, res)) return;
    }
    sendJson(res, 404, {
      error: { code: 'not-found', message: `no route for ${path}` },
    });
  };

  #health(res: ServerResponse): void {
    sendJson(res, 200, {
      status: 'ok',
      uptimeSeconds: Math.round((Date.now() - this.#started) / 1000),
      connections: this.hub.connectionCount,
      documents: this.hub.loadedDocuments().length,
    });
  }

  async #metricsText(res: ServerResponse): Promise<void> {
    const registry = this.metrics.registry;
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  }

  readonly #onUpgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void => {
    if (this.#stopping) {
      socket.destroy();
      return;
    }
    if (!requestUrl(req.url, 'ws://relay')) {
      this.#log.warn({ ip: req.socket.remoteAddress }, 'refused: bad target');
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws, req));
  };

  /** Authorises a new socket, then attaches it, or closes it unserved. */
  #onSocket(ws: WebSocket, req: IncomingMessage): void {
    // #onUpgrade let only targets that parse through.
    const url = requestUrl(req.url, 'ws://relay') as URL;
    const address = parseDocPath(url.pathname);
    const ip = req.socket.remoteAddress;
    if (!address) {
      this.#log.warn({ path: url.pathname, ip }, 'refused: bad document path');
      refuse(ws, 'badRequest', 'bad document path');
      return;
    }
    const { branch, docName } = address;

    let claims: TokenClaims;
    try {
      claims = verifyToken(tokenOf(url, req), this.#secret, undefined, (c) =>
        this.revocations.revoked(c),
      );
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.metrics.socketAuthFailures.inc({ reason: error.code });
      this.#log.warn(
        { reason: error.code, doc: docName, ip },
        'refused: token',
      );
      refuse(ws, 'unauthorised', error.code);
      return;
    }

    const decision = this.#branches.decide(claims, branch);
    if (!decision.allowed) {
      this.metrics.socketAuthFailures.inc({ reason: 'forbidden' });
      this.#log.warn(
        { reason: decision.why, doc: docName, device: claims.device, ip },
        'refused: forbidden',
      );
      refuse(ws, 'forbidden', decision.why);
      return;
    }
    const book = isCustomerBook(branch, docName);
    if (book && !CUSTOMER_BOOK_ROLES.has(claims.role)) {
      this.metrics.socketAuthFailures.inc({ reason: 'forbidden' });
      this.#log.warn(
        { reason: 'customer book', doc: docName, device: claims.device, ip },
        'refused: forbidden',
      );
      refuse(ws, 'forbidden', `a ${claims.role} token may not open customers`);
      return;
    }
    // Every branch's address of the customer book is its organisation's
    // one book (the decision above bound the branch to the token's org).
    this.#sockets.set(ws, claims);
    ws.once('close', () => this.#sockets.delete(ws));
    this.hub.attach(ws, {
      docName: book ? customerBookRoom(claims.org) : docName,
      access: decision.write ? 'write' : 'read',
      peer: claims.device,
    });
  }

  /**
   * Closes the sockets whose token was revoked since they connected
   * (by `brigade token revoke`, possibly from another process), with
   * 4401 like any refused token.
   */
  readonly #closeRevoked = (): void => {
    for (const [ws, claims] of this.#sockets) {
      if (!this.revocations.revoked(claims)) continue;
      this.#sockets.delete(ws);
      this.metrics.socketAuthFailures.inc({ reason: 'token-revoked' });
      this.#log.warn(
        { reason: 'token-revoked', device: claims.device, org: claims.org },
        'closed: token revoked',
      );
      ws.close(CLOSE.unauthorised, 'token-revoked');
      // A reader that never reads never acknowledges the close either.
      setTimeout(() => ws.terminate(), 2_000).unref();
    }
  };
}

/** Creates a relay and starts listening. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const relay = new Relay(options);
  try {
    await relay.listen(
      options.port ?? RELAY_DEFAULTS.port,
      options.host ?? RELAY_DEFAULTS.host,
    );
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return relay;
}

/** The `token` query parameter, or a `Bearer` header from Node clients. */
function tokenOf(url: URL, req: IncomingMessage): string | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
