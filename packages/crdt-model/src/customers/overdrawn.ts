/**
 * Overdrawn balances. Points are counters, so two tills apart can each
 * redeem the same points: each checked the balance it knew, and after
 * they meet the sum is below zero. The CRDT cannot prevent that without
 * a server in the loop; it is found here instead, for a manager to settle
 * (an `adjust` with a reason), and a till refuses any new redemption
 * while the balance it knows is short.
 */
import type { Customer } from './lookup.ts';
import type { LoyaltyMove } from './records.ts';

/** A customer whose points went below zero, with the redemptions behind it. */
export interface OverdrawnCustomer {
  customerId: string;
  /** The balance now, below zero. */
  balance: number;
  /** Every redemption of the customer (merged records too), oldest first. */
  redemptions: LoyaltyMove[];
  /**
   * Ids of the redemptions that, replayed by time, found too few points:
   * the ones made without seeing another till's redemption.
   */
  uncovered: string[];
}

/**
 * The overdrawn among `customers`; `moves` are every loyalty movement of
 * the book, oldest first, and `rootOf` resolves a merged record.
 */
export function overdrawnCustomers(
  customers: readonly Customer[],
  moves: readonly LoyaltyMove[],
  rootOf: (id: string) => string,
): OverdrawnCustomer[] {
  const short = customers.filter((c) => c.points < 0);
  if (short.length === 0) return [];
  const byRoot = new Map<string, LoyaltyMove[]>();
  for (const move of moves) {
    const root = rootOf(move.customerId);
    byRoot.set(root, [...(byRoot.get(root) ?? []), move]);
  }
  return short.map((c) => {
    const own = byRoot.get(c.id) ?? [];
    let running = 0;
    const uncovered: string[] = [];
    for (const move of own) {
      running += move.delta;
      if (move.kind === 'redeem' && running < 0) uncovered.push(move.id);
    }
    return {
      customerId: c.id,
      balance: c.points,
      redemptions: own.filter((m) => m.kind === 'redeem'),
      uncovered,
    };
  });
}
