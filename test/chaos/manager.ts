/**
 * The manager's side of the service: credit notes (whole or one unit of
 * a line) and reprints on the till that made the sale, and now and then
 * a Z closing at a shift change. Each journal entry a till answers for
 * goes into the ledger.
 */
import { okBody } from './client.ts';
import type { Cluster } from './cluster.ts';
import type { JournalAck, Ledger } from './ledger.ts';
import type { Rng } from './rng.ts';

export class Manager {
  #cluster: Cluster;
  #ledger: Ledger;

  constructor(cluster: Cluster, ledger: Ledger) {
    this.#cluster = cluster;
    this.#ledger = ledger;
  }

  /**
   * A credit note on the till that made the sale: the whole sale, or one
   * unit of one of its lines (several partial notes may follow; one past
   * what is left is refused).
   */
  async credit(rng: Rng): Promise<void> {
    const open = this.#ledger.sales().filter((s) => !s.credited);
    if (open.length === 0) return;
    const sale = rng.pick(open);
    const lines = this.#ledger.orders.get(sale.orderId ?? '')?.lines ?? [];
    const partial = lines.length > 0 && rng.chance(0.4);
    const outcome = await this.#cluster.till(
      this.#tillOf(sale.device),
      'POST',
      `/api/invoices/${sale.docNo}/credit`,
      {
        reason: 'wrong table charged',
        ...(partial ? { lines: [{ lineId: rng.pick(lines), qty: 1 }] } : {}),
      },
    );
    if (outcome.kind === 'lost' && !partial) sale.credited = true;
    const body = this.#ledger.count('credit', outcome) ? okBody(outcome) : null;
    if (!body) return;
    if (!partial) sale.credited = true;
    this.#journalled(sale.device, body, 'credit-note', String(body.docNo));
  }

  async reprint(rng: Rng): Promise<void> {
    const sales = this.#ledger.sales();
    if (sales.length === 0) return;
    const sale = rng.pick(sales);
    const outcome = await this.#cluster.till(
      this.#tillOf(sale.device),
      'POST',
      `/api/invoices/${sale.docNo}/reprint`,
    );
    const body = this.#ledger.count('reprint', outcome)
      ? okBody(outcome)
      : null;
    if (body) this.#journalled(sale.device, body, 'reprint', null);
  }

  /** A Z closing in the middle of service (a shift change). */
  closeDay(rng: Rng): Promise<void> {
    return this.closeDayOn(rng.int(0, this.#cluster.tills.length - 1));
  }

  async closeDayOn(till: number): Promise<void> {
    const outcome = await this.#cluster.till(till, 'POST', '/api/day/close');
    const body = this.#ledger.count('close-day', outcome)
      ? okBody(outcome)
      : null;
    const device = this.#cluster.tills[till]!.device;
    if (body) this.#journalled(device, body, 'z-closing', null);
  }

  #tillOf(device: string): number {
    return this.#cluster.tills.findIndex((t) => t.device === device);
  }

  #journalled(
    device: string,
    body: Record<string, unknown>,
    kind: JournalAck['kind'],
    docNo: string | null,
  ): void {
    this.#ledger.journal.push({
      device,
      seq: Number(body.seq),
      hash: String(body.hash),
      docNo,
      kind,
    });
  }
}
