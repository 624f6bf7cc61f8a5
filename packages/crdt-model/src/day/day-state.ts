import type { Engine, EngineChange, EngineRecord } from '../engine/engine.ts';
import type { ClaimId, LineId, OrderId, TicketId } from '../ids.ts';
import {
  type Claim,
  decodeClaim,
  decodeLine,
  decodeOrder,
  decodePricing,
  decodeTicket,
  type Line,
  type Order,
  PRICING_ID,
  type Pricing,
  T,
  type Ticket,
} from './records.ts';

/** Reverse look-ups over a day's records, derived from the records alone. */
export interface DayIndex {
  readonly linesByOrder: ReadonlyMap<OrderId, ReadonlySet<LineId>>;
  readonly ticketsByLine: ReadonlyMap<LineId, ReadonlySet<TicketId>>;
  readonly claimsByOrder: ReadonlyMap<OrderId, ReadonlySet<ClaimId>>;
  /** Order → the orders merged into it. */
  readonly mergedFrom: ReadonlyMap<OrderId, ReadonlySet<OrderId>>;
}

/**
 * Everything of one business day as plain records. Every view is a pure
 * function of a snapshot, so replicas holding the same records derive the
 * same views whatever the engine.
 */
export interface DaySnapshot {
  readonly pricing: Pricing | undefined;
  readonly orders: ReadonlyMap<OrderId, Order>;
  readonly lines: ReadonlyMap<LineId, Line>;
  readonly tickets: ReadonlyMap<TicketId, Ticket>;
  readonly claims: ReadonlyMap<ClaimId, Claim>;
  readonly index: DayIndex;
}

type Multi<K, V> = Map<K, Set<V>>;

function link<K, V>(map: Multi<K, V>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function unlink<K, V>(map: Multi<K, V>, key: K, value: V): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}

/**
 * The live records of a day, updated record by record as the engine reports
 * changes, so that an operation can check the order it touches without
 * rebuilding the whole day.
 */
export class DayState implements DaySnapshot {
  pricing: Pricing | undefined;
  readonly orders = new Map<OrderId, Order>();
  readonly lines = new Map<LineId, Line>();
  readonly tickets = new Map<TicketId, Ticket>();
  readonly claims = new Map<ClaimId, Claim>();
  readonly index = {
    linesByOrder: new Map<OrderId, Set<LineId>>(),
    ticketsByLine: new Map<LineId, Set<TicketId>>(),
    claimsByOrder: new Map<OrderId, Set<ClaimId>>(),
    mergedFrom: new Map<OrderId, Set<OrderId>>(),
  };
  #engine: Engine;
  #frozen: DaySnapshot | undefined;

  constructor(engine: Engine) {
    this.#engine = engine;
    this.pricing = decodePricing(engine.record(T.settings, PRICING_ID));
    for (const table of [T.orders, T.lines, T.tickets, T.claims]) {
      for (const id of engine.ids(table)) this.#update(table, id);
    }
  }

  /** Brings the changed records up to date. */
  apply(change: EngineChange): void {
    this.#frozen = undefined;
    for (const [table, ids] of change.tables) {
      if (table === T.settings) {
        this.pricing = decodePricing(
          this.#engine.record(T.settings, PRICING_ID),
        );
        continue;
      }
      for (const id of ids) this.#update(table, id);
    }
  }

  /** A copy that later changes leave alone. */
  snapshot(): DaySnapshot {
    this.#frozen ??= {
      pricing: this.pricing,
      orders: new Map(this.orders),
      lines: new Map(this.lines),
      tickets: new Map(this.tickets),
      claims: new Map(this.claims),
      index: {
        linesByOrder: copyMulti(this.index.linesByOrder),
        ticketsByLine: copyMulti(this.index.ticketsByLine),
        claimsByOrder: copyMulti(this.index.claimsByOrder),
        mergedFrom: copyMulti(this.index.mergedFrom),
      },
    };
    return this.#frozen;
  }

  #update(table: string, id: string): void {
    const record = this.#engine.record(table, id);
    if (table === T.orders) this.#order(id as OrderId, record);
    else if (table === T.lines) this.#line(id as LineId, record);
    else if (table === T.tickets) this.#ticket(id as TicketId, record);
    else if (table === T.claims) this.#claim(id as ClaimId, record);
  }

  #order(id: OrderId, record: EngineRecord | undefined): void {
    const old = this.orders.get(id);
    if (old?.mergedInto) unlink(this.index.mergedFrom, old.mergedInto, id);
    if (!record) return void this.orders.delete(id);
    const order = decodeOrder(record);
    this.orders.set(id, order);
    if (order.mergedInto) link(this.index.mergedFrom, order.mergedInto, id);
  }

  #line(id: LineId, record: EngineRecord | undefined): void {
    const old = this.lines.get(id);
    if (old) unlink(this.index.linesByOrder, old.orderId, id);
    if (!record) return void this.lines.delete(id);
    const line = decodeLine(record);
    this.lines.set(id, line);
    link(this.index.linesByOrder, line.orderId, id);
  }

  #ticket(id: TicketId, record: EngineRecord | undefined): void {
    const old = this.tickets.get(id);
    for (const item of old?.items ?? []) {
      unlink(this.index.ticketsByLine, item.lineId, id);
    }
    if (!record) return void this.tickets.delete(id);
    const ticket = decodeTicket(record);
    this.tickets.set(id, ticket);
    for (const item of ticket.items) {
      link(this.index.ticketsByLine, item.lineId, id);
    }
  }

  #claim(id: ClaimId, record: EngineRecord | undefined): void {
    const old = this.claims.get(id);
    if (old) unlink(this.index.claimsByOrder, old.orderId, id);
    if (!record) return void this.claims.delete(id);
    const claim = decodeClaim(record);
    this.claims.set(id, claim);
    link(this.index.claimsByOrder, claim.orderId, id);
  }
}

function copyMulti<K, V>(map: Multi<K, V>): Map<K, ReadonlySet<V>> {
  const copy = new Map<K, ReadonlySet<V>>();
  for (const [key, set] of map) copy.set(key, new Set(set));
  return copy;
}

/** Builds a day's snapshot from an engine in one pass (for tests, tools). */
export function snapshotOf(engine: Engine): DaySnapshot {
  return new DayState(engine).snapshot();
}
