/**
 * End-to-end harness: real `brigade` processes (`node bin/brigade.js`),
 * real sockets, temp folders. Everything a test starts is registered with
 * a {@link Cleanup} and killed and removed when the test ends, pass or
 * fail.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateBranchKey } from '@brigade/till';

/** Longest wait for a process's start-up line. */
export const STARTUP_MS = 60_000;

export const bin = fileURLToPath(
  new URL('../../bin/brigade.js', import.meta.url),
);
const exec = promisify(execFile);

/** Things to undo when a test ends, last registered first. */
export class Cleanup {
  #steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    for (const step of steps) {
      try {
        await step();
      } catch {
        // Best effort: one failed step must not leave the others undone.
      }
    }
  }
}

export function tempDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port that was free a moment ago (for flags that need a fixed one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running `brigade` process whose JSON log lines can be awaited. */
export class BrigadeProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  readonly output: string[] = [];
  #waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  #exited: Promise<number | null>;

  /**
   * `options.netns` runs the process inside that network namespace
   * (`ip netns exec`, which execs the command, so signals reach it).
   */
  constructor(
    args: string[],
    env: NodeJS.ProcessEnv = {},
    options: { netns?: string | undefined } = {},
  ) {
    const command = [process.execPath, bin, ...args];
    if (options.netns) command.unshift('ip', 'netns', 'exec', options.netns);
    this.child = spawn(command[0]!, command.slice(1), {
      env: { ...process.env, BRIGADE_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#exited = new Promise((resolve) =>
      this.child.once('exit', (code) => resolve(code)),
    );
    const reader = createInterface({ input: this.child.stdout! });
    reader.on('line', (text) => this.#onLine(text));
    this.child.stderr!.on('data', (chunk) => this.output.push(String(chunk)));
  }

  /** Resolves with the first log line (past or future) that matches. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs = 20_000,
  ): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no matching log line within ${timeoutMs} ms; output:\n${this.output.join('').slice(-4000)}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      this.#exited.then(() => {
        clearTimeout(timer);
        reject(
          new Error(
            `process exited before the line; output:\n${this.output.join('').slice(-4000)}`,
          ),
        );
      });
    });
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
    return this.#exited;
  }

  get exited(): Promise<number | null> {
    return this.#exited;
  }

  #onLine(text: string): void {
    this.output.push(`${text}\n`);
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    this.lines.push(line);
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(line)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  }
}

/** Runs `brigade <args>` to completion. */
export async function brigade(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface RelayHandle {
  proc: BrigadeProcess;
  wsUrl: string;
  httpUrl: string;
  secret: string;
  dataDir: string;
}

/** Starts `brigade relay` on a free port (or `port`) of loopback. */
export async function startRelay(
  cleanup: Cleanup,
  options: { secret?: string; port?: number; dataDir?: string } = {},
): Promise<RelayHandle> {
  const secret = options.secret ?? randomSecret();
  const dataDir = options.dataDir ?? tempDir(cleanup);
  const port = options.port ?? (await freePort());
  const proc = new BrigadeProcess(
    ['relay', '--data', dataDir, '--port', String(port)],
    { BRIGADE_RELAY_SECRET: secret },
  );
  cleanup.add(async () => {
    await proc.stop('SIGKILL');
  });
  // Generous: on a loaded machine tsx compiles the tree for each process.
  await proc.waitFor((l) => l.msg === 'relay listening', STARTUP_MS);
  return {
    proc,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    secret,
    dataDir,
  };
}

/** A relay token for one device (`brigade token`). */
export async function relayToken(
  secret: string,
  branch: string,
  device: string,
  role = 'till',
): Promise<string> {
  const result = await brigade(
    [
      'token',
      '--org',
      'e2e',
      '--branch',
      branch,
      '--device',
      device,
      '--role',
      role,
    ],
    { BRIGADE_RELAY_SECRET: secret },
  );
  if (result.code !== 0) throw new Error(`brigade token: ${result.stderr}`);
  return result.stdout.trim();
}

export interface TillSpec {
  branch: string;
  device: string;
  branchKey: string;
  dataDir: string;
  discoveryPort: number;
  lanPort?: number;
  relay?: { wsUrl: string; httpUrl: string; token: string };
  menu?: string;
  peers?: string[];
  /** Defaults to the loopback broadcast address. */
  broadcast?: string;
  /** `--http-host`; defaults to the till's own default (loopback). */
  httpHost?: string;
  /** Network namespace to run the till in (root only). */
  netns?: string;
  /** `--connectivity-debounce`: how long a relay outage must last to be journalled. */
  connectivityDebounceMs?: number;
}

export interface TillHandle {
  proc: BrigadeProcess;
  url: string;
  lanPort: number;
  spec: TillSpec;
  api: <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: T }>;
}

/** Starts `brigade till` and waits for its start-up line. */
export async function startTill(
  cleanup: Cleanup,
  spec: TillSpec,
): Promise<TillHandle> {
  const lanPort = spec.lanPort ?? (await freePort());
  const args = [
    'till',
    '--data',
    spec.dataDir,
    '--branch',
    spec.branch,
    '--device',
    spec.device,
    '--http-port',
    '0',
    '--lan-port',
    String(lanPort),
    '--discovery-port',
    String(spec.discoveryPort),
    '--broadcast',
    spec.broadcast ?? '127.255.255.255',
  ];
  if (spec.menu) args.push('--menu', spec.menu);
  if (spec.httpHost) args.push('--http-host', spec.httpHost);
  if (spec.connectivityDebounceMs !== undefined) {
    args.push('--connectivity-debounce', String(spec.connectivityDebounceMs));
  }
  for (const peer of spec.peers ?? []) args.push('--peer', peer);
  const env: NodeJS.ProcessEnv = { BRIGADE_BRANCH_KEY: spec.branchKey };
  if (spec.relay) {
    args.push('--relay', spec.relay.wsUrl, '--relay-http', spec.relay.httpUrl);
    env.BRIGADE_RELAY_TOKEN = spec.relay.token;
  }
  const proc = new BrigadeProcess(args, env, { netns: spec.netns });
  cleanup.add(async () => {
    await proc.stop('SIGKILL');
  });
  const line = await proc.waitFor((l) => l.event === 'listening', STARTUP_MS);
  const url = String(line.http);
  return { proc, url, lanPort, spec, api: apiOf(url) };
}

export function apiOf(url: string): TillHandle['api'] {
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(
  check: () =>
    | Promise<T | undefined | null | false>
    | T
    | undefined
    | null
    | false,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Opens an order with one burger on `till` and settles it by card. */
export async function sellOne(till: TillHandle, table: string) {
  const order = await till.api('POST', '/api/orders', { table });
  if (order.status !== 201) throw new Error(JSON.stringify(order.body));
  const id = String(order.body.id);
  const line = await till.api('POST', `/api/orders/${id}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
  });
  if (line.status !== 201) throw new Error(JSON.stringify(line.body));
  const settled = await till.api('POST', `/api/orders/${id}/settle`, {
    payments: [{ method: 'card', amount: 1650 }],
  });
  if (settled.status !== 201) throw new Error(JSON.stringify(settled.body));
  return settled.body as { docNo: string; seq: number; hash: string };
}

/** The till's status once it counts `n` LAN peers. */
export function peersOf(till: TillHandle, n: number, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const { body } = await till.api('GET', '/api/status');
      return (body.peers as unknown[]).length === n ? body : null;
    },
    `${till.spec.device} to have ${n} peer(s)`,
    timeoutMs,
  );
}

/** A random port for UDP discovery, so parallel suites do not hear each other. */
export function discoveryPort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

/**
 * Starts two tills of one branch on the loopback LAN, with the demo menu
 * and a fresh branch key, and resolves once each counts the other as a
 * peer. `extra` adds to one device's spec (a relay, another menu).
 */
export async function startLanPair(
  cleanup: Cleanup,
  branch: string,
  extra: (device: string) => Partial<TillSpec> = () => ({}),
): Promise<[TillHandle, TillHandle]> {
  const branchKey = generateBranchKey();
  const port = discoveryPort();
  const start = (device: string) =>
    startTill(cleanup, {
      branch,
      device,
      branchKey,
      dataDir: tempDir(cleanup),
      discoveryPort: port,
      menu: 'demo',
      ...extra(device),
    });
  const pair = await Promise.all([start('till-a'), start('till-b')]);
  await Promise.all([peersOf(pair[0], 1), peersOf(pair[1], 1)]);
  return pair;
}
