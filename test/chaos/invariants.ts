/**
 * What must hold once the branch is quiet, each check named so a failure
 * says which one broke: the auditor's verify on every till, every
 * acknowledged journal entry in exactly one chain, the relay holding the
 * same chains and sales, and every till showing the same day with every
 * acknowledged order and +1 in it.
 */
import type { JournalEntry } from '@brigade/store';
import {
  ackedOnce,
  type Check,
  check,
  claimFaults,
  deadLetters,
  first,
  gaps,
  lostOrders,
  quantityFaults,
  replicaFaults,
  resultOf,
  tailFaults,
  ticketsBackwards,
  unflaggedDoubles,
  verifyFaults,
  viewFaults,
} from './checks.ts';
import { okBody, request } from './client.ts';
import type { Cluster } from './cluster.ts';
import {
  type RelayTail,
  readTill,
  relayChain,
  relaySales,
  relayTails,
  salesOf,
  type TillJournals,
} from './journals.ts';
import type { Ledger } from './ledger.ts';
import type { OrderLike, Quiet } from './quiescence.ts';

export type { Check };

export interface Evidence {
  journals: TillJournals[];
  tails: RelayTail[];
  /** The orders of a till that got the day from the relay alone. */
  relayDay: OrderLike[];
}

/** Reads the relay's tails, then each till's folder (tills stopped). */
export async function gather(
  cluster: Cluster,
  quiet: Quiet,
): Promise<Evidence> {
  // The relay crashes once more with every till off, so what it shows
  // next is what it had stored, not what the tills would send again.
  await cluster.killRelay();
  await cluster.startRelay();
  const relayDay = await relayDayView(cluster, quiet.views[0] ?? []);
  const tails = await relayTails(cluster);
  const journals = await Promise.all(
    cluster.tills.map((t) =>
      readTill(
        t.device,
        t.dataDir,
        tails.find((d) => d.device === t.device),
      ),
    ),
  );
  return { journals, tails, relayDay };
}

/** How long a till started from the relay alone may take to catch up. */
const RELAY_DAY_TIMEOUT_MS = 45_000;

/**
 * The day as a till started from the relay alone shows it, once it
 * matches `expected` or the time runs out (then the last one read).
 */
async function relayDayView(
  cluster: Cluster,
  expected: OrderLike[],
): Promise<OrderLike[]> {
  const till = await cluster.startFromRelayOnly('till-from-relay');
  const want = JSON.stringify(expected);
  const deadline = Date.now() + RELAY_DAY_TIMEOUT_MS;
  let orders: OrderLike[] = [];
  try {
    while (Date.now() < deadline) {
      const body = okBody(
        await request<{ orders: OrderLike[] }>(till.url, 'GET', '/api/orders'),
      );
      orders = (body?.orders ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
      if (JSON.stringify(orders) === want) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await till.proc.stop('SIGTERM');
  }
  return orders;
}

export async function checkAll(
  cluster: Cluster,
  ledger: Ledger,
  quiet: Quiet,
  evidence: Evidence,
): Promise<Check[]> {
  const { journals, tails } = evidence;
  const devices = cluster.tills.map((t) => t.device);
  return [
    check('quiescence', () => (quiet.reached ? null : quiet.reason)),
    check('journal-verify', () => verifyFaults(journals)),
    check('no-gap', () => gaps(journals)),
    check('acked-entries-journalled-once', () => ackedOnce(ledger, journals)),
    check('replicas-match', () => replicaFaults(journals)),
    check('relay-tails', () => tailFaults(journals, tails)),
    await checkAsync('relay-journal', () =>
      relayChainFaults(cluster, journals),
    ),
    await checkAsync('relay-sales-report', () =>
      salesFaults(cluster, journals),
    ),
    check('same-orders-on-every-till', () => viewFaults(devices, quiet.views)),
    check('relay-day-complete', () =>
      viewFaults(
        [devices[0]!, 'till-from-relay'],
        [quiet.views[0] ?? [], evidence.relayDay],
      ),
    ),
    check('no-order-lost', () => lostOrders(ledger, devices, quiet.views)),
    check('quantities', () => quantityFaults(ledger, devices, quiet.views)),
    check('tickets-never-backwards', () =>
      ticketsBackwards(ledger, devices, quiet.views),
    ),
    check('double-settlements-flagged', () =>
      unflaggedDoubles(devices, quiet.views),
    ),
    check('sales-have-claims', () => claimFaults(ledger, quiet.views)),
    check('no-dead-letters', () => deadLetters(devices, quiet)),
    check(
      'no-server-errors',
      () => ledger.serverErrors.slice(0, 3).join('; ') || null,
    ),
  ];
}

async function checkAsync(
  name: string,
  run: () => Promise<string | null>,
): Promise<Check> {
  try {
    return resultOf(name, await run());
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `could not check: ${(error as Error).message}`,
    };
  }
}

async function relayChainFaults(
  cluster: Cluster,
  journals: TillJournals[],
): Promise<string | null> {
  const faults: string[] = [];
  for (const { device, own } of journals) {
    const stored = await relayChain(cluster, device);
    const a = own.map((e) => `${e.seq}:${e.hash}`).join(',');
    const b = stored.map((e) => `${e.seq}:${e.hash}`).join(',');
    if (a !== b)
      faults.push(
        `${device}: relay holds ${stored.length} entries, till ${own.length}, hashes differ`,
      );
  }
  return first(faults);
}

async function salesFaults(
  cluster: Cluster,
  journals: TillJournals[],
): Promise<string | null> {
  const chains = journals.map((j) => j.own);
  const dates = chains
    .flat()
    .map((e: JournalEntry) => e.businessDate)
    .sort();
  if (dates.length === 0) return null;
  const expected = salesOf(chains);
  const reported = await relaySales(cluster, dates[0]!, dates.at(-1)!);
  const keys = Object.keys(expected) as (keyof typeof expected)[];
  const off = keys.filter((k) => reported[k] !== expected[k]);
  return first(
    off.map((k) => `${k}: relay ${reported[k]}, tills ${expected[k]}`),
  );
}
