/**
 * What the harness was told: every order and line a till acknowledged,
 * every +1 (acknowledged or uncertain), every journal entry whose
 * request got a 2xx. The invariants compare the tills and the relay
 * against it at the end.
 */
import type { Outcome } from './client.ts';

export interface LineRecord {
  id: string;
  orderId: string;
  /** Quantity at add plus every acknowledged change. */
  qty: number;
  /** Changes whose answer was lost: each may or may not have happened. */
  uncertain: number;
  voided: boolean;
}

export type OrderState = 'open' | 'settled' | 'uncertain';

export interface OrderRecord {
  id: string;
  table: string;
  /** The till that opened it, which usually settles it. */
  home: number;
  lines: string[];
  state: OrderState;
  /** Some of it went to the kitchen (a send was acknowledged). */
  sent: boolean;
}

/** A journal entry that a till acknowledged with a 2xx. */
export interface JournalAck {
  device: string;
  seq: number;
  hash: string;
  /** Null for a Z closing. */
  docNo: string | null;
  kind: 'sale' | 'credit-note' | 'z-closing' | 'reprint';
  /** For a sale: the order it settled. */
  orderId?: string;
  /** For a sale: whether a credit note was asked for (answered or not). */
  credited?: boolean;
}

export interface OpTally {
  ok: number;
  /** A 4xx: the till refused it and changed nothing. */
  rejected: number;
  /** The till was down: nothing was sent. */
  unreachable: number;
  /** Sent, no answer: uncertain. */
  lost: number;
}

export class Ledger {
  readonly orders = new Map<string, OrderRecord>();
  readonly lines = new Map<string, LineRecord>();
  readonly journal: JournalAck[] = [];
  readonly ops = new Map<string, OpTally>();
  /** Each ticket's highest (epoch, rank) a till answered with. */
  readonly tickets = new Map<string, { epoch: number; rank: number }>();
  /** Refusals by error code, over every operation. */
  readonly refusals = new Map<string, number>();
  /** 5xx answers, which a till should never give. */
  readonly serverErrors: string[] = [];

  /** Counts one request's outcome under `op`; true for a 2xx. */
  count(op: string, outcome: Outcome<unknown>): boolean {
    let tally = this.ops.get(op);
    if (!tally) {
      tally = { ok: 0, rejected: 0, unreachable: 0, lost: 0 };
      this.ops.set(op, tally);
    }
    if (outcome.kind === 'refused') tally.unreachable++;
    else if (outcome.kind === 'lost') tally.lost++;
    else if (outcome.status < 300) tally.ok++;
    else {
      tally.rejected++;
      const code =
        (outcome.body as { error?: { code?: string } } | null)?.error?.code ??
        String(outcome.status);
      this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
      if (outcome.status >= 500) {
        this.serverErrors.push(`${op}: ${JSON.stringify(outcome.body)}`);
      }
    }
    return outcome.kind === 'answered' && outcome.status < 300;
  }

  sawTicket(id: string, epoch: number, rank: number): void {
    const seen = this.tickets.get(id);
    if (
      !seen ||
      epoch > seen.epoch ||
      (epoch === seen.epoch && rank > seen.rank)
    ) {
      this.tickets.set(id, { epoch, rank });
    }
  }

  openOrders(): OrderRecord[] {
    return [...this.orders.values()].filter((o) => o.state === 'open');
  }

  /** Lines of open orders that are not voided. */
  liveLines(): LineRecord[] {
    return [...this.lines.values()].filter(
      (l) => !l.voided && this.orders.get(l.orderId)?.state === 'open',
    );
  }

  sales(): JournalAck[] {
    return this.journal.filter((j) => j.kind === 'sale');
  }

  total(op: string): number {
    return this.ops.get(op)?.ok ?? 0;
  }
}
