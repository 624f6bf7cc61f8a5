/**
 * Reads the fiscal journals at the end of a run: each till's own chain
 * and the replicas it holds (`brigade journal export --replicas`), the
 * auditor's verdict (`brigade journal verify`), and the relay's copy
 * (`GET /v1/devices`, `GET /v1/journal`, `GET /v1/reports/sales`).
 */
import { spawn } from 'node:child_process';
import type { JournalEntry } from '@brigade/store';
import { bin } from '../e2e/harness.ts';
import { okBody } from './client.ts';
import type { Cluster } from './cluster.ts';

export interface TillJournals {
  device: string;
  own: JournalEntry[];
  /** Chains of other devices held by this till, by device. */
  replicas: Map<string, JournalEntry[]>;
  verify: { code: number; output: string };
}

export interface RelayTail {
  device: string;
  lastSeq: number;
  lastHash: string;
}

export interface SalesTotals {
  sales: number;
  credits: number;
  net: number;
  saleCount: number;
  creditCount: number;
}

/** `brigade <args>` to completion; stdout kept whole, however long. */
function brigade(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code: code ?? -1, out: Buffer.concat(chunks).toString() }),
    );
  });
}

/** Exports and verifies one (stopped) till's folder. */
export async function readTill(
  device: string,
  dataDir: string,
  anchor: RelayTail | undefined,
): Promise<TillJournals> {
  const exported = await brigade([
    'journal',
    'export',
    '--data',
    dataDir,
    '--replicas',
  ]);
  if (exported.code !== 0) {
    throw new Error(`journal export of ${device}: ${exported.out}`);
  }
  const entries = exported.out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JournalEntry);
  const replicas = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    if (entry.device === device) continue;
    const chain = replicas.get(entry.device) ?? [];
    chain.push(entry);
    replicas.set(entry.device, chain);
  }
  const args = ['journal', 'verify', '--data', dataDir];
  if (anchor && anchor.lastSeq > 0) {
    args.push('--anchor', `${device}:${anchor.lastSeq}:${anchor.lastHash}`);
  }
  const verify = await brigade(args);
  return {
    device,
    own: entries.filter((e) => e.device === device),
    replicas,
    verify: { code: verify.code, output: verify.out },
  };
}

export async function relayTails(cluster: Cluster): Promise<RelayTail[]> {
  const body = okBody(
    await cluster.relayGet<{ devices: RelayTail[] }>(
      `/v1/devices?branch=${cluster.branch}`,
    ),
  );
  if (!body) throw new Error('GET /v1/devices did not answer');
  return body.devices;
}

/** One device's chain as the relay stores it, every page. */
export async function relayChain(
  cluster: Cluster,
  device: string,
): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for (let after = 0; ; ) {
    const page = okBody(
      await cluster.relayGet<{
        entries: JournalEntry[];
        nextAfter: number | null;
      }>(
        `/v1/journal?branch=${cluster.branch}&device=${device}&after=${after}&limit=5000`,
      ),
    );
    if (!page) throw new Error(`GET /v1/journal for ${device} did not answer`);
    entries.push(...page.entries);
    if (page.nextAfter === null) return entries;
    after = page.nextAfter;
  }
}

export async function relaySales(
  cluster: Cluster,
  from: string,
  to: string,
): Promise<SalesTotals> {
  const body = okBody(
    await cluster.relayGet<{ totals: SalesTotals }>(
      `/v1/reports/sales?branch=${cluster.branch}&from=${from}&to=${to}`,
    ),
  );
  if (!body) throw new Error('GET /v1/reports/sales did not answer');
  return body.totals;
}

/** The same totals, summed from the tills' own chains. */
export function salesOf(chains: JournalEntry[][]): SalesTotals {
  const totals = { sales: 0, credits: 0, net: 0, saleCount: 0, creditCount: 0 };
  for (const entry of chains.flat()) {
    if (entry.kind === 'sale') {
      totals.sales += entry.total;
      totals.saleCount++;
    } else if (entry.kind === 'credit-note') {
      totals.credits += entry.total;
      totals.creditCount++;
    }
  }
  totals.net = totals.sales - totals.credits;
  return totals;
}
