/**
 * After the faults: wait until the branch is quiet, that is every till
 * online (relay connected, nothing pending), every till counting all the
 * others as LAN peers, and every till showing the same orders. The last
 * views read are what the invariants compare.
 */
import { okBody } from './client.ts';
import type { Cluster } from './cluster.ts';

export interface OrderLike {
  id: string;
  lines: { id: string; qty: number; voided: boolean }[];
  status: string;
  conflicts: { kind: string }[];
  claims: { docNo: string; device: string; credited: unknown }[];
  tickets: { id: string; status: string; epoch: number }[];
}

export interface StatusLike {
  state: string;
  peers: unknown[];
  outbox: { pending: number; deadLetters: number };
  conflicts: number;
}

export interface Quiet {
  reached: boolean;
  ms: number;
  /** Why it was not reached, from the last look. */
  reason: string;
  /** Each till's orders, sorted by id (empty for a till that did not answer). */
  views: OrderLike[][];
  statuses: (StatusLike | null)[];
}

export async function waitForQuiet(
  cluster: Cluster,
  timeoutMs: number,
): Promise<Quiet> {
  const started = Date.now();
  const others = cluster.tills.length - 1;
  for (;;) {
    const statuses = await Promise.all(
      cluster.tills.map(async (t) =>
        okBody(await cluster.till<StatusLike>(t.index, 'GET', '/api/status')),
      ),
    );
    const views = await Promise.all(
      cluster.tills.map(async (t) => {
        const body = okBody(
          await cluster.till<{ orders: OrderLike[] }>(
            t.index,
            'GET',
            '/api/orders',
          ),
        );
        return (body?.orders ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
      }),
    );
    const reason = unquietReason(cluster, statuses, views, others);
    const ms = Date.now() - started;
    if (!reason || ms > timeoutMs) {
      return { reached: !reason, ms, reason: reason ?? '', views, statuses };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function unquietReason(
  cluster: Cluster,
  statuses: (StatusLike | null)[],
  views: OrderLike[][],
  others: number,
): string | null {
  for (const [i, status] of statuses.entries()) {
    const device = cluster.tills[i]!.device;
    if (!status) return `${device} does not answer`;
    if (status.peers.length !== others) {
      return `${device} has ${status.peers.length} of ${others} peers`;
    }
    if (status.state !== 'online') {
      return `${device} is ${status.state} (${status.outbox.pending} pending)`;
    }
  }
  const first = JSON.stringify(views[0]);
  const differs = views.findIndex((v) => JSON.stringify(v) !== first);
  if (differs > 0) {
    return `${cluster.tills[differs]!.device} shows other orders than ${cluster.tills[0]!.device}`;
  }
  return null;
}
