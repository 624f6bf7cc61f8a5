/**
 * Test helpers: a relay on port 0 in a fresh temp directory, tokens, the
 * stock y-websocket client, and a raw WebSocket that records every message
 * and the close code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@brigade/log';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { type Role, signToken } from '../../src/auth/token.ts';
import { type Relay, startRelay } from '../../src/server.ts';
import type { SyncLimits } from '../../src/sync/limits.ts';

export const secret = 'test-secret-that-is-long-enough-0123456789';

export interface TokenSpec {
  role?: Role;
  branches?: string[];
  org?: string;
  device?: string;
  ttlSeconds?: number;
  now?: number;
}

export function token(spec: TokenSpec = {}): string {
  return signToken(
    {
      org: spec.org ?? 'acme',
      branches: spec.branches ?? ['b1'],
      device: spec.device ?? 'till-1',
      role: spec.role ?? 'till',
    },
    secret,
    {
      ...(spec.ttlSeconds === undefined ? {} : { ttlSeconds: spec.ttlSeconds }),
      ...(spec.now === undefined ? {} : { now: spec.now }),
    },
  );
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'brigade-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A relay on a free port with its data in `dir`. */
export function testRelay(
  dir: string,
  limits: Partial<SyncLimits> = {},
  logger?: Logger,
): Promise<Relay> {
  return startRelay({
    dataDir: dir,
    secret,
    port: 0,
    limits,
    ...(logger ? { logger } : {}),
  });
}

/** A JSON logger whose lines end up in `lines`, parsed. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return {
    logger: createLogger({ name: 'test', level: 'debug', destination }),
    lines,
  };
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** A stock y-websocket provider, exactly as an application would use it. */
export function provider(
  relay: Relay,
  docName: string,
  tokenValue: string,
  doc = new Y.Doc(),
): WebsocketProvider {
  return stockProvider(relay.url, docName, { token: tokenValue }, doc);
}

/**
 * A stock provider whose `destroy()` also stops its awareness: the stock
 * one leaves the awareness timer running, which keeps a test alive.
 */
export function stockProvider(
  url: string,
  docName: string,
  params: Record<string, string>,
  doc = new Y.Doc(),
): WebsocketProvider {
  const p = new WebsocketProvider(url, docName, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: ws stands in for the DOM WebSocket
    WebSocketPolyfill: WebSocket as any,
    params,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const destroy = p.destroy.bind(p);
  p.destroy = () => {
    destroy();
    p.awareness.destroy();
  };
  return p;
}

/** Resolves when the provider reports `synced`. */
export function synced(p: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (p.synced) return Promise.resolve();
  return within(timeoutMs, 'sync', (resolve) => {
    const onSync = (state: boolean) => {
      if (!state) return;
      p.off('sync', onSync);
      resolve();
    };
    p.on('sync', onSync);
  });
}

/** Polls `check` until it is true. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function within<T>(
  ms: number,
  what: string,
  body: (resolve: (value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    body((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** A raw client that records messages and how the socket closed. */
export class RawClient {
  readonly ws: WebSocket;
  readonly messages: Uint8Array[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', (data: Buffer) => {
      this.messages.push(new Uint8Array(data));
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      });
    });
    this.ws.on('error', () => {});
  }

  send(message: Uint8Array): void {
    this.ws.send(message);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** `ws://.../<doc>?token=...` of the relay. */
export function docUrl(relay: Relay, docName: string, tokenValue?: string) {
  const query = tokenValue === undefined ? '' : `?token=${tokenValue}`;
  return `${relay.url}/${docName}${query}`;
}
