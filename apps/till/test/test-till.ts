/** A till on loopback in a fresh temp folder, for the API's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoMenu } from '@brigade/crdt-model';
import { generateBranchKey } from '../src/cli/keygen.ts';
import type { TillOptions } from '../src/cli/options.ts';
import { Till, type TillDeps } from '../src/till.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
export type Json = Record<string, any>;

export interface TestTill {
  till: Till;
  dir: string;
  api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }>;
  /** Stops the till and removes its folder. */
  stop(): Promise<void>;
}

/** Options of a till with no relay and the demo menu in `dir`. */
export function tillOptions(
  dir: string,
  extra: Partial<TillOptions> = {},
): TillOptions {
  return {
    dataDir: dir,
    branch: 'b1',
    device: 'till-1',
    httpHost: '127.0.0.1',
    httpPort: 0,
    lanPort: 0,
    discoveryPort: 40000 + Math.floor(Math.random() * 20000),
    broadcast: '127.255.255.255',
    peers: [],
    relay: null,
    branchKey: generateBranchKey(),
    menu: { kind: 'demo' },
    ...extra,
  };
}

/** Starts a till with the demo menu in a fresh temp folder. */
export async function startTestTill(
  extra: Partial<TillOptions> = {},
  deps: TillDeps = {},
): Promise<TestTill> {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  let till: Till;
  try {
    till = await Till.start(tillOptions(dir, extra), {
      menu: demoMenu,
      ...deps,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    till,
    dir,
    api: async (method, path, body) => {
      const res = await fetch(`${till.httpUrl}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Json };
    },
    stop: async () => {
      await till.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
