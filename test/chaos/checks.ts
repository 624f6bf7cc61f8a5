/**
 * The invariants that need no process: each reads what was gathered (the
 * tills' journals, the relay's tails, the tills' order views, the
 * ledger) and returns null when it holds or a sentence saying what is
 * wrong (the first three faults, and how many more).
 */
import type { RelayTail, TillJournals } from './journals.ts';
import { TICKET_RANK } from './kitchen.ts';
import type { Ledger } from './ledger.ts';
import type { OrderLike, Quiet } from './quiescence.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** A check returns null when it holds, or what is wrong. */
export function check(name: string, run: () => string | null): Check {
  try {
    return resultOf(name, run());
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `could not check: ${(error as Error).message}`,
    };
  }
}

export function resultOf(name: string, fault: string | null): Check {
  return { name, ok: fault === null, detail: fault ?? 'ok' };
}

export function first(faults: string[]): string | null {
  if (faults.length === 0) return null;
  const more = faults.length > 3 ? ` (+${faults.length - 3} more)` : '';
  return faults.slice(0, 3).join('; ') + more;
}

export function verifyFaults(journals: TillJournals[]): string | null {
  return first(
    journals
      .filter((j) => j.verify.code !== 0)
      .map(
        (j) =>
          `${j.device}: exit ${j.verify.code}: ${j.verify.output.trim().split('\n').at(-1)}`,
      ),
  );
}

export function gaps(journals: TillJournals[]): string | null {
  const faults: string[] = [];
  for (const { device, own } of journals) {
    own.forEach((entry, i) => {
      if (entry.seq !== i + 1)
        faults.push(`${device}: entry ${i + 1} has seq ${entry.seq}`);
    });
  }
  return first(faults);
}

/**
 * Every entry a till acknowledged is in its own chain at the seq and
 * hash it answered with; no document number is in any chain twice; no
 * till sold one order twice.
 */
export function ackedOnce(
  ledger: Ledger,
  journals: TillJournals[],
): string | null {
  const faults: string[] = [];
  const byDevice = new Map(journals.map((j) => [j.device, j.own]));
  for (const ack of ledger.journal) {
    const entry = byDevice.get(ack.device)?.[ack.seq - 1];
    if (
      !entry ||
      entry.hash !== ack.hash ||
      (ack.docNo !== null && entry.docNo !== ack.docNo) ||
      entry.kind !== ack.kind
    ) {
      faults.push(
        `${ack.kind} ${ack.docNo} acknowledged as ${ack.device} seq ${ack.seq} is not in its journal`,
      );
    }
  }
  const seen = new Set<string>();
  const sold = new Set<string>();
  for (const entry of journals.flatMap((j) => j.own)) {
    // Sales and credit notes take numbers; a reprint names its original.
    const numbered = entry.kind === 'sale' || entry.kind === 'credit-note';
    if (numbered && entry.docNo !== null) {
      if (seen.has(entry.docNo))
        faults.push(`document ${entry.docNo} journalled twice`);
      seen.add(entry.docNo);
    }
    if (entry.kind === 'sale') {
      const key = `${entry.device}/${(entry.payload as { orderId?: string }).orderId}`;
      if (sold.has(key)) faults.push(`order ${key} sold twice by one till`);
      sold.add(key);
    }
  }
  return first(faults);
}

/** Each replica a till holds is the other till's chain, or a prefix of it. */
export function replicaFaults(journals: TillJournals[]): string | null {
  const faults: string[] = [];
  const own = new Map(journals.map((j) => [j.device, j.own]));
  for (const holder of journals) {
    for (const [device, chain] of holder.replicas) {
      const original = own.get(device) ?? [];
      chain.forEach((entry, i) => {
        if (original[i]?.hash !== entry.hash) {
          faults.push(
            `${holder.device} holds ${device} seq ${entry.seq} with another hash`,
          );
        }
      });
    }
  }
  return first(faults);
}

export function tailFaults(
  journals: TillJournals[],
  tails: RelayTail[],
): string | null {
  const faults: string[] = [];
  for (const { device, own } of journals) {
    const last = own.at(-1);
    const tail = tails.find((t) => t.device === device);
    if (!last) continue;
    if (!tail) faults.push(`relay does not list ${device}`);
    else if (tail.lastSeq !== last.seq || tail.lastHash !== last.hash) {
      faults.push(
        `${device}: relay at seq ${tail.lastSeq}, till at ${last.seq}`,
      );
    }
  }
  return first(faults);
}

export function viewFaults(
  devices: string[],
  views: OrderLike[][],
): string | null {
  const base = views[0] ?? [];
  const faults: string[] = [];
  views.slice(1).forEach((view, i) => {
    const device = devices[i + 1]!;
    if (view.length !== base.length) {
      faults.push(
        `${device} shows ${view.length} orders, ${devices[0]!} ${base.length}`,
      );
    }
    for (const order of view) {
      const other = base.find((o) => o.id === order.id);
      if (JSON.stringify(other) !== JSON.stringify(order)) {
        faults.push(`order ${order.id} differs on ${device}`);
      }
    }
  });
  return first(faults);
}

export function lostOrders(
  ledger: Ledger,
  devices: string[],
  views: OrderLike[][],
): string | null {
  const faults: string[] = [];
  views.forEach((view, i) => {
    const ids = new Set(view.map((o) => o.id));
    for (const id of ledger.orders.keys()) {
      if (!ids.has(id)) faults.push(`order ${id} missing on ${devices[i]!}`);
    }
  });
  return first(faults);
}

/** Every acknowledged +1 counted, concurrent ones included. */
export function quantityFaults(
  ledger: Ledger,
  devices: string[],
  views: OrderLike[][],
): string | null {
  const faults: string[] = [];
  views.forEach((view, i) => {
    const lines = new Map(view.flatMap((o) => o.lines.map((l) => [l.id, l])));
    for (const line of ledger.lines.values()) {
      const shown = lines.get(line.id);
      const device = devices[i]!;
      if (!shown) faults.push(`line ${line.id} missing on ${device}`);
      else if (shown.qty < line.qty || shown.qty > line.qty + line.uncertain) {
        faults.push(
          `line ${line.id} on ${device}: qty ${shown.qty}, acknowledged ${line.qty} (+${line.uncertain} uncertain)`,
        );
      }
    }
  });
  return first(faults);
}

/** Each acknowledged sale has its settlement claim in the day. */
export function claimFaults(
  ledger: Ledger,
  views: OrderLike[][],
): string | null {
  const claims = new Set(
    (views[0] ?? []).flatMap((o) => o.claims.map((c) => c.docNo)),
  );
  return first(
    ledger
      .sales()
      .filter((s) => !claims.has(s.docNo ?? ''))
      .map((s) => `sale ${s.docNo} has no claim in the day`),
  );
}

export function deadLetters(devices: string[], quiet: Quiet): string | null {
  return first(
    quiet.statuses.flatMap((status, i) =>
      status && status.outbox.deadLetters > 0
        ? [`${devices[i]!}: ${status.outbox.deadLetters} dead letters`]
        : [],
    ),
  );
}

/** An order sold by two tills shows the double settlement everywhere. */
export function unflaggedDoubles(
  devices: string[],
  views: OrderLike[][],
): string | null {
  const faults: string[] = [];
  views.forEach((view, i) => {
    for (const order of view) {
      const live = order.claims.filter((c) => !c.credited);
      const sellers = new Set(live.map((c) => c.device));
      const flagged = order.conflicts.some(
        (c) => c.kind === 'double-settlement',
      );
      if (sellers.size > 1 && !flagged) {
        faults.push(
          `order ${order.id} sold by ${[...sellers].join(' and ')} is not flagged on ${devices[i]}`,
        );
      }
    }
  });
  return first(faults);
}

/** No ticket ends below a status some till acknowledged for it. */
export function ticketsBackwards(
  ledger: Ledger,
  devices: string[],
  views: OrderLike[][],
): string | null {
  const faults: string[] = [];
  views.forEach((view, i) => {
    const shown = new Map(view.flatMap((o) => o.tickets.map((t) => [t.id, t])));
    for (const [id, acked] of ledger.tickets) {
      const ticket = shown.get(id);
      const rank = TICKET_RANK[ticket?.status ?? ''] ?? -1;
      const epoch = ticket?.epoch ?? -1;
      if (epoch < acked.epoch || (epoch === acked.epoch && rank < acked.rank)) {
        faults.push(
          `ticket ${id} on ${devices[i]} is at epoch ${epoch} rank ${rank}, acknowledged ${acked.epoch}/${acked.rank}`,
        );
      }
    }
  });
  return first(faults);
}
