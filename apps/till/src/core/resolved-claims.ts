/**
 * Which settlement claims a credit note has cancelled, kept in the day
 * document itself (a top-level `Y.Map` named `credited-claims`, beside the
 * model's tables) so that every till and screen of the branch sees a
 * double settlement as resolved once one of its sales is credited.
 *
 * This is an adapter: `@brigade/crdt-model` has no operation yet that
 * marks a claim credited, so its `conflicts()` view still lists a resolved
 * double settlement, and the till filters it here.
 */
import type { Conflict, DaySnapshot } from '@brigade/crdt-model';
import type * as Y from 'yjs';

/** Name of the top-level map in the day document. */
export const CREDITED_CLAIMS_MAP = 'credited-claims';

export interface CreditedClaim {
  /** Document number of the credit note. */
  creditDocNo: string;
  device: string;
  at: number;
}

export class ResolvedClaims {
  #map: Y.Map<CreditedClaim>;

  constructor(dayDoc: Y.Doc) {
    this.#map = dayDoc.getMap<CreditedClaim>(CREDITED_CLAIMS_MAP);
  }

  /** Records that the sale `saleDocNo` was fully credited. */
  markCredited(saleDocNo: string, credit: CreditedClaim): void {
    this.#map.set(saleDocNo, { ...credit });
  }

  isCredited(saleDocNo: string): boolean {
    return this.#map.has(saleDocNo);
  }

  /**
   * The conflicts still open: a double settlement is resolved once at most
   * one of its claims is left uncredited; a change after a claim is
   * resolved once every claim involved is credited.
   */
  open(conflicts: Conflict[], day: DaySnapshot): Conflict[] {
    return conflicts.filter((c) => {
      if (!c.claimIds) return true;
      const live = c.claimIds.filter((id) => {
        const docNo = day.claims.get(id)?.docNo;
        return docNo === undefined || !this.isCredited(docNo);
      });
      return c.kind === 'double-settlement' ? live.length > 1 : live.length > 0;
    });
  }
}
