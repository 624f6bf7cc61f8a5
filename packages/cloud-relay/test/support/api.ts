/**
 * Test harness for the HTTP API: a real SQLite file in a fresh temp
 * directory, a real HTTP server on port 0 around `createApiHandler`, and
 * tokens signed with the same secret. `close()` removes everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, silentLogger } from '@brigade/log';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { type Role, signToken } from '../../src/auth/token.ts';
import { createApiHandler } from '../../src/http/index.ts';

export const SECRET = 's'.repeat(40);

export interface Harness {
  url: string;
  db: Database.Database;
  registry: Registry;
  /** The clock the API sees; tests move it. */
  clock: { now: number };
  token(role: Role, options?: TokenOptions): string;
  /** fetch() against the harness with an optional bearer token. */
  call(path: string, init?: CallInit): Promise<Answer>;
  close(): Promise<void>;
}

export interface TokenOptions {
  branches?: string[];
  device?: string;
  org?: string;
  ttlSeconds?: number;
  secret?: string;
}

export interface CallInit {
  method?: string;
  token?: string;
  body?: unknown;
  /** Sent as is, instead of `JSON.stringify(body)`. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read any JSON shape
  body: any;
  headers: Headers;
}

/** Starts the API on a fresh database; the clock starts at `start`. */
export async function startApi(
  start = Date.parse('2026-03-01T12:00:00.000Z'),
  logger: Logger = silentLogger,
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const db = new Database(join(dir, 'relay.db'));
  db.pragma('journal_mode = WAL');
  const registry = new Registry();
  const clock = { now: start };
  const api = createApiHandler({
    db,
    secret: SECRET,
    logger,
    registry,
    now: () => clock.now,
  });
  const server = createServer((req, res) => {
    if (api(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"not-found","message":"no such path"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    db,
    registry,
    clock,
    token: (role, o = {}) =>
      signToken(
        {
          org: o.org ?? 'acme',
          branches: o.branches ?? ['b1'],
          device: o.device ?? 'till-1',
          role,
        },
        o.secret ?? SECRET,
        {
          now: Math.floor(clock.now / 1000),
          ...(o.ttlSeconds === undefined ? {} : { ttlSeconds: o.ttlSeconds }),
        },
      ),
    call: (path, init = {}) => call(url, path, init),
    close: () => close(server, db, dir),
  };
}

/** A logger that keeps every line as JSON text, children included. */
export function recordingLogger(lines: string[] = []): Logger & {
  lines: string[];
} {
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (obj: object, msg?: string) => {
      lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }));
    };
    return {
      child: (more) => make({ ...bindings, ...more }),
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
    };
  };
  return Object.assign(make({}), { lines });
}

async function call(url: string, path: string, init: CallInit) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.raw;
  if (body === undefined && init.body !== undefined) {
    body = JSON.stringify(init.body);
  }
  if (body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text: the test will say what it got.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

function close(server: Server, db: Database.Database, dir: string) {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      resolve();
    });
  });
}
