/**
 * The kitchen's side of the service: a cook bumps a ticket forward
 * (new, cooking, ready, served) from whichever till is nearest, and now
 * and then recalls one. Each answer is the ticket as that till saw it
 * just after; the ledger keeps the highest, which no later state may
 * fall below (ticket status is monotonic, a recall opens a new epoch).
 */
import { okBody } from './client.ts';
import type { Cluster } from './cluster.ts';
import type { Ledger } from './ledger.ts';
import type { Rng } from './rng.ts';

export const TICKET_RANK: Record<string, number> = {
  new: 0,
  cooking: 1,
  ready: 2,
  served: 3,
};
const NEXT = ['cooking', 'ready', 'served'];

export interface TicketLike {
  id: string;
  status: string;
  epoch: number;
}

export async function bumpTicket(
  cluster: Cluster,
  ledger: Ledger,
  rng: Rng,
  orderId: string,
): Promise<void> {
  const till = rng.int(0, cluster.tills.length - 1);
  const order = okBody(
    await cluster.till<{ tickets: TicketLike[] }>(
      till,
      'GET',
      `/api/orders/${orderId}`,
    ),
  );
  const tickets = order?.tickets ?? [];
  if (tickets.length === 0) return;
  const ticket = rng.pick(tickets);
  const rank = TICKET_RANK[ticket.status] ?? 0;
  const recall = rank === 3 ? rng.chance(0.3) : rank > 0 && rng.chance(0.05);

  // Another till may act on what this one showed, as a cook at the pass
  // does with a screen that lags.
  const at = rng.chance(0.5) ? till : rng.int(0, cluster.tills.length - 1);
  const outcome = recall
    ? await cluster.till<TicketLike>(
        at,
        'POST',
        `/api/tickets/${ticket.id}/recall`,
      )
    : await cluster.till<TicketLike>(
        at,
        'POST',
        `/api/tickets/${ticket.id}/status`,
        {
          status: NEXT[Math.min(rank + rng.int(0, 1), 2)],
        },
      );
  if (!ledger.count(recall ? 'recall' : 'ticket-status', outcome)) return;
  const shown = okBody(outcome)!;
  ledger.sawTicket(shown.id, shown.epoch, TICKET_RANK[shown.status] ?? 0);
}
