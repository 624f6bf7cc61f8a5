/**
 * The seeded service: waiters opening tables, adding dishes, two tills
 * pressing +1 on the same line at once, sending to the kitchen, settling
 * by cash or card, now and then a void or a credit note. Each worker has
 * its own random stream of the run's seed; what the tills answer goes
 * into the {@link Ledger}.
 */
import { okBody } from './client.ts';
import type { Cluster } from './cluster.ts';
import { bumpTicket } from './kitchen.ts';
import type { Ledger, OrderRecord } from './ledger.ts';
import { Manager } from './manager.ts';
import { Rng } from './rng.ts';

type Action =
  | 'open'
  | 'add-line'
  | 'plus-one'
  | 'double-plus-one'
  | 'send'
  | 'kitchen'
  | 'move-line'
  | 'settle'
  | 'settle-twice'
  | 'void'
  | 'credit'
  | 'reprint'
  | 'close-day';

const ACTIONS: [number, Action][] = [
  [8, 'open'],
  [14, 'add-line'],
  [12, 'plus-one'],
  [20, 'double-plus-one'],
  [10, 'send'],
  [8, 'kitchen'],
  [3, 'move-line'],
  [10, 'settle'],
  [1, 'settle-twice'],
  [3, 'void'],
  [3, 'credit'],
  [1, 'reprint'],
  [0.1, 'close-day'],
];

/** Menu items of the demo menu, with the modifiers each one needs. */
const DISHES: [string, string[]][] = [
  ['soup', []],
  ['calamari', []],
  ['burrata', []],
  ['steak', ['medium-rare']],
  ['burger', ['medium']],
  ['burger', ['well-done', 'add-bacon']],
  ['fish-chips', []],
  ['risotto', []],
  ['chips', []],
  ['salad', []],
  ['brownie', []],
  ['lager', []],
  ['house-red', []],
  ['flat-white', ['oat-milk']],
];

/** Open orders the service keeps going at once. */
const MIN_OPEN = 3;
const MAX_OPEN = 12;

export class Workload {
  #cluster: Cluster;
  #ledger: Ledger;
  #seed: number;
  #manager: Manager;

  constructor(cluster: Cluster, ledger: Ledger, seed: number) {
    this.#cluster = cluster;
    this.#ledger = ledger;
    this.#seed = seed;
    this.#manager = new Manager(cluster, ledger);
  }

  /** Runs `workers` waiters until `done()` says stop. */
  async run(workers: number, done: () => boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const rng = Rng.stream(this.#seed, `worker-${w}`);
        while (!done()) {
          await this.#step(rng);
          await sleep(rng.int(10, 120));
        }
      }),
    );
  }

  #step(rng: Rng): Promise<void> {
    const open = this.#ledger.openOrders().length;
    let action = rng.weighted(ACTIONS);
    if (open < MIN_OPEN) action = 'open';
    else if (open > MAX_OPEN && action === 'open') action = 'settle';
    switch (action) {
      case 'open':
        return this.#open(rng);
      case 'add-line':
        return this.#withOrder(rng, (o) =>
          this.#addLine(rng, o, this.#any(rng)),
        );
      case 'plus-one':
        return this.#plusOne(rng, 1);
      case 'double-plus-one':
        return this.#plusOne(rng, 2);
      case 'send':
        return this.#withOrder(rng, (o) => this.#send(rng, o));
      case 'kitchen':
        return this.#kitchen(rng);
      case 'move-line':
        return this.#moveLine(rng);
      case 'settle':
        return this.#withOrder(rng, (o) => this.#settle(rng, o));
      case 'settle-twice':
        return this.#withOrder(rng, (o) => this.#settleTwice(rng, o));
      case 'void':
        return this.#void(rng);
      case 'credit':
        return this.#manager.credit(rng);
      case 'reprint':
        return this.#manager.reprint(rng);
      case 'close-day':
        return this.#manager.closeDay(rng);
    }
  }

  #any(rng: Rng): number {
    return rng.int(0, this.#cluster.tills.length - 1);
  }

  async #withOrder(rng: Rng, act: (o: OrderRecord) => Promise<void>) {
    const open = this.#ledger.openOrders();
    if (open.length > 0) await act(rng.pick(open));
  }

  async #open(rng: Rng): Promise<void> {
    const till = this.#any(rng);
    const table = String(rng.int(1, 40));
    const outcome = await this.#cluster.till(till, 'POST', '/api/orders', {
      table,
      guests: rng.int(1, 6),
    });
    const body = this.#ledger.count('open', outcome) ? okBody(outcome) : null;
    if (!body) return;
    const order: OrderRecord = {
      id: String(body.id),
      table,
      home: till,
      lines: [],
      state: 'open',
      sent: false,
    };
    this.#ledger.orders.set(order.id, order);
    for (let n = rng.int(1, 3); n > 0; n--) {
      await this.#addLine(rng, order, till);
    }
  }

  async #addLine(rng: Rng, order: OrderRecord, till: number): Promise<void> {
    const [itemId, modifiers] = rng.pick(DISHES);
    const qty = rng.int(1, 2);
    const outcome = await this.#cluster.till(
      till,
      'POST',
      `/api/orders/${order.id}/lines`,
      { itemId, modifiers, qty },
    );
    const body = this.#ledger.count('add-line', outcome)
      ? okBody(outcome)
      : null;
    if (!body) return;
    const id = String(body.id);
    order.lines.push(id);
    this.#ledger.lines.set(id, {
      id,
      orderId: order.id,
      qty,
      uncertain: 0,
      voided: false,
    });
  }

  /** +1 on one line from `presses` different tills at the same moment. */
  async #plusOne(rng: Rng, presses: 1 | 2): Promise<void> {
    const lines = this.#ledger.liveLines();
    if (lines.length === 0) return;
    const line = rng.pick(lines);
    const tills = rng
      .shuffle(this.#cluster.tills.map((t) => t.index))
      .slice(0, presses);
    const op = presses === 2 ? 'double-plus-one' : 'plus-one';
    await Promise.all(
      tills.map(async (till) => {
        const outcome = await this.#cluster.till(
          till,
          'POST',
          `/api/lines/${line.id}/qty`,
          { delta: 1 },
        );
        if (this.#ledger.count(op, outcome)) line.qty++;
        else if (outcome.kind === 'lost') line.uncertain++;
      }),
    );
  }

  /** Tickets are bumped on settled orders too: the food still comes. */
  async #kitchen(rng: Rng): Promise<void> {
    const orders = [...this.#ledger.orders.values()]
      .filter((o) => o.sent)
      .slice(-30);
    if (orders.length === 0) return;
    await bumpTicket(this.#cluster, this.#ledger, rng, rng.pick(orders).id);
  }

  /** A line moved to another open order (another table, a split bill). */
  async #moveLine(rng: Rng): Promise<void> {
    const lines = this.#ledger.liveLines();
    const open = this.#ledger.openOrders();
    if (lines.length === 0 || open.length < 2) return;
    const line = rng.pick(lines);
    const to = rng.pick(open.filter((o) => o.id !== line.orderId));
    const outcome = await this.#cluster.till(
      this.#any(rng),
      'POST',
      `/api/lines/${line.id}/move`,
      { orderId: to.id },
    );
    if (!this.#ledger.count('move-line', outcome)) return;
    const from = this.#ledger.orders.get(line.orderId);
    if (from) from.lines = from.lines.filter((id) => id !== line.id);
    to.lines.push(line.id);
    line.orderId = to.id;
  }

  async #send(rng: Rng, order: OrderRecord): Promise<void> {
    const outcome = await this.#cluster.till(
      this.#any(rng),
      'POST',
      `/api/orders/${order.id}/send`,
    );
    if (this.#ledger.count('send', outcome)) order.sent = true;
  }

  #settle(rng: Rng, order: OrderRecord): Promise<void> {
    const till = rng.chance(0.7) ? order.home : this.#any(rng);
    return this.#settleOn(order, till, rng.chance(0.4), 'settle');
  }

  /**
   * Two tills settle one order at the same moment. Together, the second
   * sees the first claim and is refused; apart (a partition), both sell
   * it and every till must then show the double settlement.
   */
  async #settleTwice(rng: Rng, order: OrderRecord): Promise<void> {
    const [a, b] = rng.shuffle(this.#cluster.tills.map((t) => t.index));
    await Promise.all([
      this.#settleOn(order, a!, rng.chance(0.5), 'settle-twice'),
      this.#settleOn(order, b!, rng.chance(0.5), 'settle-twice'),
    ]);
  }

  async #settleOn(
    order: OrderRecord,
    till: number,
    cash: boolean,
    op: string,
  ): Promise<void> {
    const view = okBody(
      await this.#cluster.till<{ totals?: { total: number } }>(
        till,
        'GET',
        `/api/orders/${order.id}`,
      ),
    );
    const total = view?.totals?.total ?? 0;
    if (total <= 0) return;
    const amount = cash ? Math.ceil(total / 500) * 500 : total;
    const outcome = await this.#cluster.till(
      till,
      'POST',
      `/api/orders/${order.id}/settle`,
      { payments: [{ method: cash ? 'cash' : 'card', amount }] },
    );
    if (outcome.kind === 'lost') {
      // It may have been journalled: settling it again elsewhere could be
      // a second sale of the same order, so the order is left alone.
      order.state = 'uncertain';
    }
    const body = this.#ledger.count(op, outcome) ? okBody(outcome) : null;
    if (outcome.kind === 'answered' && outcome.status === 409) {
      order.state = 'settled';
    }
    if (!body) return;
    order.state = 'settled';
    this.#ledger.journal.push({
      device: this.#cluster.tills[till]!.device,
      seq: Number(body.seq),
      hash: String(body.hash),
      docNo: String(body.docNo),
      kind: 'sale',
      credited: false,
      orderId: order.id,
    });
  }

  async #void(rng: Rng): Promise<void> {
    const lines = this.#ledger.liveLines();
    if (lines.length === 0) return;
    const line = rng.pick(lines);
    const till = this.#any(rng);
    const outcome = await this.#cluster.till(
      till,
      'POST',
      `/api/lines/${line.id}/void`,
      { reason: 'guest changed mind' },
    );
    // A lost void is final either way: no more +1s on that line.
    if (outcome.kind === 'lost') line.voided = true;
    if (!this.#ledger.count('void', outcome)) return;
    line.voided = true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
