/**
 * `/sync/<branch>/<doc>` on the till's own HTTP port: a y-websocket
 * endpoint so that KDS screens and waiter tablets on the LAN sync through
 * the till with a stock client, internet or not. Rooms are the till's own
 * live documents (cloud-relay's `SyncHub` serves them); only this
 * branch's documents are served.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type Access,
  type DocSource,
  parseDocPath,
  refuse,
  SyncHub,
} from '@brigade/cloud-relay';
import { type Logger, silentLogger } from '@brigade/log';
import { WebSocketServer } from 'ws';

/** Path prefix of the endpoint. */
export const SYNC_PREFIX = '/sync/';

export interface LocalSyncOptions {
  branch: string;
  /** The till's documents by full name; refuses names it does not hold. */
  docs: DocSource;
  /** True if `docName` is a document this till serves. */
  serves: (docName: string) => boolean;
  /** What the request's token allows; `write` when no token is needed. */
  accessOf: (req: IncomingMessage, url: URL) => Access;
  logger?: Logger;
}

export class LocalSyncEndpoint {
  readonly hub: SyncHub;
  #wss = new WebSocketServer({ noServer: true });
  #options: LocalSyncOptions;
  #log: Logger;

  constructor(options: LocalSyncOptions) {
    this.#options = options;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'local-sync' });
    this.hub = new SyncHub({ docs: options.docs, logger: this.#log });
  }

  /** Takes over an upgrade whose path starts with {@link SYNC_PREFIX}. */
  readonly upgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
  ): void => {
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const address = parseDocPath(url.pathname, SYNC_PREFIX);
      if (!address) {
        refuse(ws, 'badRequest', 'bad document path');
        return;
      }
      if (address.branch !== this.#options.branch) {
        this.#log.warn({ doc: address.docName }, 'refused: other branch');
        refuse(ws, 'forbidden', 'this till serves another branch');
        return;
      }
      if (!this.#options.serves(address.docName)) {
        refuse(ws, 'badRequest', 'no such document on this till');
        return;
      }
      this.hub.attach(ws, {
        docName: address.docName,
        access: this.#options.accessOf(req, url),
        peer: req.socket.remoteAddress ?? 'unknown',
      });
    });
  };

  /** Closes every connection; the documents stay the till's. */
  async stop(): Promise<void> {
    await this.hub.stop();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }
}
