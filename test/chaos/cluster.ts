/**
 * The processes of a chaos run: one `brigade relay` and N `brigade till`,
 * each placed by the {@link Lan}, each restartable on its own data folder
 * after a SIGKILL. Every process's output is kept for the run's log
 * folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signToken } from '@brigade/cloud-relay';
import { generateBranchKey } from '@brigade/till';
import {
  BrigadeProcess,
  type Cleanup,
  discoveryPort,
  randomSecret,
  STARTUP_MS,
  startTill,
  type TillHandle,
} from '../e2e/harness.ts';
import { type Outcome, request } from './client.ts';
import type { Lan } from './network.ts';

const ORG = 'chaos';

export interface TillSlot {
  index: number;
  device: string;
  dataDir: string;
  handle: TillHandle | null;
  starts: number;
  /** POST requests sent and not yet answered. */
  writing: number;
}

export class Cluster {
  readonly branch: string;
  readonly tills: TillSlot[];
  readonly branchKey = generateBranchKey();
  readonly relaySecret = randomSecret();
  /** Token for the tills' own APIs (signed with the branch key). */
  readonly apiToken: string;
  /** Token for the relay's reports (a branch dashboard). */
  readonly reportToken: string;
  #lan: Lan;
  #cleanup: Cleanup;
  #dir: string;
  #relay: BrigadeProcess | null = null;
  #relayStarts = 0;

  constructor(lan: Lan, cleanup: Cleanup, dir: string, tills: number) {
    this.#lan = lan;
    this.#cleanup = cleanup;
    this.#dir = dir;
    this.branch = 'chaos';
    mkdirSync(join(dir, 'logs'), { recursive: true });
    this.tills = Array.from({ length: tills }, (_, index) => {
      const dataDir = join(dir, `till-${index + 1}`);
      mkdirSync(dataDir);
      return {
        index,
        device: `till-${index + 1}`,
        dataDir,
        handle: null,
        starts: 0,
        writing: 0,
      };
    });
    this.apiToken = this.#token('chaos-driver', 'till', this.branchKey);
    this.reportToken = this.#token('chaos-auditor', 'dashboard');
  }

  #token(device: string, role: 'till' | 'dashboard', secret?: string) {
    return signToken(
      { org: ORG, branches: [this.branch], device, role },
      secret ?? this.relaySecret,
    );
  }

  get relayUp(): boolean {
    return this.#relay !== null;
  }

  async startRelay(): Promise<void> {
    const place = this.#lan.relay();
    const data = join(this.#dir, 'relay');
    const proc = new BrigadeProcess(
      [
        'relay',
        '--data',
        data,
        '--host',
        place.bindHost,
        '--port',
        String(place.port),
      ],
      { BRIGADE_RELAY_SECRET: this.relaySecret },
      { netns: place.netns },
    );
    this.#cleanup.add(async () => {
      await proc.stop('SIGKILL');
    });
    this.#relay = proc;
    this.#relayStarts++;
    await proc.waitFor((l) => l.msg === 'relay listening', STARTUP_MS);
  }

  async killRelay(): Promise<void> {
    const proc = this.#relay;
    this.#relay = null;
    if (!proc) return;
    await proc.stop('SIGKILL');
    this.#saveLog(`relay-${this.#relayStarts}`, proc);
  }

  async startTill(index: number): Promise<void> {
    const slot = this.tills[index]!;
    const place = this.#lan.till(index);
    const relay = this.#lan.relay().forTills;
    slot.handle = await startTill(this.#cleanup, {
      branch: this.branch,
      device: slot.device,
      branchKey: this.branchKey,
      dataDir: slot.dataDir,
      discoveryPort: place.discoveryPort,
      lanPort: place.lanPort,
      broadcast: place.broadcast,
      menu: 'demo',
      relay: {
        wsUrl: `ws://${relay}`,
        httpUrl: `http://${relay}`,
        token: this.#token(slot.device, 'till'),
      },
      ...(place.netns ? { netns: place.netns } : {}),
      ...(place.httpHost ? { httpHost: place.httpHost } : {}),
    });
    slot.starts++;
  }

  /**
   * A new till with an empty folder, alone on its own discovery port and
   * reaching only the relay (from the harness's side): what it shows is
   * what the relay holds, as when a till's disk is replaced.
   */
  async startFromRelayOnly(device: string): Promise<TillHandle> {
    const relay = this.#lan.relay().forHarness;
    const dataDir = join(this.#dir, device);
    mkdirSync(dataDir);
    return startTill(this.#cleanup, {
      branch: this.branch,
      device,
      branchKey: this.branchKey,
      dataDir,
      discoveryPort: discoveryPort(),
      relay: {
        wsUrl: `ws://${relay}`,
        httpUrl: `http://${relay}`,
        token: this.#token(device, 'till'),
      },
    });
  }

  /** SIGKILL (a power cut) or SIGTERM (a clean stop) of one till. */
  async stopTill(index: number, signal: NodeJS.Signals): Promise<void> {
    const slot = this.tills[index]!;
    const handle = slot.handle;
    slot.handle = null;
    if (!handle) return;
    await handle.proc.stop(signal);
    this.#saveLog(`${slot.device}-${slot.starts}`, handle.proc);
  }

  /** A request to till `index`'s API; refused when it is down. */
  till<T = Record<string, unknown>>(
    index: number,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Outcome<T>> {
    const slot = this.tills[index]!;
    const handle = slot.handle;
    if (!handle) return Promise.resolve({ kind: 'refused' });
    if (method === 'POST') slot.writing++;
    return request<T>(handle.url, method, path, {
      token: this.apiToken,
      ...(body === undefined ? {} : { body }),
    }).finally(() => {
      if (method === 'POST') slot.writing--;
    });
  }

  /**
   * Resolves once till `index` has a change in flight (true), or after
   * `timeoutMs` (false), so a kill can land in the middle of a write.
   */
  async writeInFlight(index: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tills[index]!.writing === 0) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return true;
  }

  /** A GET on the relay's JSON API with the dashboard token. */
  relayGet<T = Record<string, unknown>>(path: string): Promise<Outcome<T>> {
    const base = `http://${this.#lan.relay().forHarness}`;
    return request<T>(base, 'GET', path, { token: this.reportToken });
  }

  /** Stops everything still running and writes the remaining logs. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.tills.map((slot) => this.stopTill(slot.index, 'SIGTERM')),
    );
    const relay = this.#relay;
    this.#relay = null;
    if (relay) {
      await relay.stop('SIGTERM');
      this.#saveLog(`relay-${this.#relayStarts}`, relay);
    }
  }

  #saveLog(name: string, proc: BrigadeProcess): void {
    writeFileSync(join(this.#dir, 'logs', `${name}.log`), proc.output.join(''));
  }
}
