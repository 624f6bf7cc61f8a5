import { ServiceDay } from '../day/service-day.ts';
import type { Engine } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import type { LineId, OrderId, TicketId } from '../ids.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import { Prng } from './prng.ts';
import { randomModifiers } from './random-ops.ts';

/** The four devices of the busy day, in the order `playBusyDay` expects. */
export const BUSY_DAY_DEVICES = ['till-1', 'till-2', 'waiter-1', 'kds-1'];
const TILLS = [0, 1];
const ORDER_TAKERS = [0, 1, 2];
const KDS = 3;

export interface BusyDayOptions {
  /** Orders in the day; default 1500. */
  orders?: number;
  /** Seed of the day; default 7. */
  seed?: number;
  /** Start of service (ms since epoch); default 2026-12-03 11:00 UTC. */
  opensAt?: number;
  /** Called before each operation with its simulated time. */
  beforeEach?: (at: number) => void;
}

/** What a busy day did. */
export interface BusyDayCounts {
  orders: number;
  /** Lines added, quantity changes, voids, moves and splits. */
  lineOps: number;
  /** Ticket advances and recalls. */
  statusChanges: number;
  sends: number;
  claims: number;
  /** Every operation, refused ones included. */
  operations: number;
  /** Operations the model refused (none are expected). */
  refused: number;
  /** Time of the last operation (ms since epoch). */
  closesAt: number;
}

/** A shared simulated clock for the devices of a busy day. */
export interface DayClock {
  now: number;
}

/**
 * One {@link ServiceDay} per busy-day device, each on its own engine (or
 * all on one engine), with deterministic ids and the shared clock, so the
 * same seed produces the same documents on every engine.
 */
export function busyDayDevices(
  engines: readonly Engine[],
  clock: DayClock,
): ServiceDay[] {
  return BUSY_DAY_DEVICES.map((device, i) => {
    const ids = new Prng(1000 + i);
    return new ServiceDay(engines[i] ?? engines[0]!, {
      device,
      menu: demoMenu,
      date: '2026-12-03',
      now: () => clock.now,
      newId: () => seededId(ids),
    });
  });
}

const idAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** An id as long as a production one (`randomId`), from a seeded stream. */
function seededId(prng: Prng): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += idAlphabet[prng.int(0, 35)];
  return id;
}

/** One update of the busy day, as a device sent it. */
export interface BusyDayUpdate {
  /** Index of the sending device in {@link BUSY_DAY_DEVICES}. */
  device: number;
  /** Simulated time (ms since epoch). */
  at: number;
  update: Uint8Array;
}

export interface BuiltBusyDay {
  /** One engine per device, all holding the whole day. */
  engines: Engine[];
  days: ServiceDay[];
  counts: BusyDayCounts;
  /** Every update in the order it was made. */
  updates: BusyDayUpdate[];
}

/**
 * Plays a busy day on one engine per device, each update applied at once
 * on the other devices (a perfect LAN), and returns the engines, the
 * updates and the counts. The store's start-up benchmark loads it.
 *
 * @example
 * const day = buildBusyDay((i) => yjsEngine(new Y.Doc()));
 * const bytes = day.engines[0].encodeState();
 */
export function buildBusyDay(
  createEngine: (device: number) => Engine,
  options: BusyDayOptions = {},
): BuiltBusyDay {
  const engines = BUSY_DAY_DEVICES.map((_, i) => createEngine(i));
  const clock: DayClock = { now: options.opensAt ?? 0 };
  const updates: BusyDayUpdate[] = [];
  engines.forEach((engine, device) => {
    engine.onUpdate((update) => {
      updates.push({ device, at: clock.now, update });
      engines.forEach((other, i) => {
        if (i !== device) other.applyUpdate(update);
      });
    });
  });
  const days = busyDayDevices(engines, clock);
  const counts = playBusyDay(days, clock, options);
  return { engines, days, counts, updates };
}

interface Event {
  at: number;
  seq: number;
  run: () => void;
}

interface OrderPlan {
  id?: OrderId;
  lines: LineId[];
  tickets: TicketId[];
  stations: string[];
}

const minute = 60_000;

/**
 * Plays a realistic busy service: by default 1,500 orders between 11:00 and
 * about 23:30 with lunch and dinner peaks, about 12,000 line operations
 * (adds, quantity changes, voids, moves, splits), about 3,000 ticket status
 * changes, discounts, service charges and a settlement for nearly every
 * order. `days[i]` is device `BUSY_DAY_DEVICES[i]`; each operation runs on
 * its device's day at its simulated time.
 */
export function playBusyDay(
  days: readonly ServiceDay[],
  clock: DayClock,
  options: BusyDayOptions = {},
): BusyDayCounts {
  const prng = new Prng(options.seed ?? 7);
  const opensAt = options.opensAt ?? Date.UTC(2026, 11, 3, 11);
  const counts: BusyDayCounts = {
    orders: 0,
    lineOps: 0,
    statusChanges: 0,
    sends: 0,
    claims: 0,
    operations: 0,
    refused: 0,
    closesAt: opensAt,
  };
  const events = new EventQueue();
  const open = new Set<OrderPlan>();
  let docNo = 0;
  const at = (time: number, run: () => void) => events.push(time, run);
  const stations = [...new Set(demoMenu.items.map((i) => i.stationId))];
  const itemsAt = (station: string) =>
    demoMenu.items.filter((i) => i.stationId === station && i.price > 0);

  const addLine = (plan: OrderPlan, device: number, station: string) => {
    const item = prng.pick(itemsAt(station));
    const lineId = days[device]!.addLine({
      orderId: plan.id!,
      itemId: item.id,
      qty: prng.chance(0.8) ? 1 : prng.int(2, 4),
      modifiers: randomModifiers(prng, demoMenu, item.id),
      seat: prng.chance(0.5) ? prng.int(1, 6) : null,
    });
    plan.lines.push(lineId);
    counts.lineOps++;
  };
  const send = (plan: OrderPlan, device: number) => {
    plan.tickets.push(...days[device]!.sendToKitchen({ orderId: plan.id! }));
    counts.sends++;
  };
  const bump = (ticketId: TicketId, status: 'cooking' | 'ready' | 'served') => {
    days[KDS]!.advanceTicket({ ticketId, status });
    counts.statusChanges++;
  };

  for (let n = 0; n < (options.orders ?? 1500); n++) {
    const plan: OrderPlan = { lines: [], tickets: [], stations: [] };
    const t0 = opensAt + arrival(prng) * minute;
    const taker = prng.pick(ORDER_TAKERS);
    plan.stations = prng.chance(0.6)
      ? [prng.pick(stations)]
      : [prng.pick(stations), prng.pick(stations)];

    at(t0, () => {
      plan.id = days[taker]!.openOrder({
        table: String(prng.int(1, 40)),
        guests: prng.int(1, 6),
      });
      open.add(plan);
      counts.orders++;
    });
    const adds = prng.int(2, 6);
    for (let i = 0; i < adds; i++) {
      at(t0 + (1 + i * 0.5) * minute, () =>
        addLine(plan, taker, prng.pick(plan.stations)),
      );
    }
    at(t0 + 5 * minute, () => send(plan, taker));
    scheduleKitchen(t0 + 8 * minute);

    const changes = prng.int(0, 6);
    for (let i = 0; i < changes; i++) {
      at(t0 + prng.int(6, 40) * minute, () => {
        const live = plan.lines.filter(
          (id) => !lineOf(days[0]!, plan, id)?.void,
        );
        if (live.length === 0) return;
        const lineId = prng.pick(live);
        const line = lineOf(days[0]!, plan, lineId);
        const delta = line && line.qty > 1 && prng.chance(0.25) ? -1 : 1;
        days[prng.pick(ORDER_TAKERS)]!.changeQuantity({ lineId, delta });
        counts.lineOps++;
      });
    }
    if (prng.chance(0.08)) {
      at(t0 + 12 * minute, () => {
        const lineId = prng.pick(plan.lines);
        days[prng.pick(TILLS)]!.voidLine({
          lineId,
          reason: 'guest changed mind',
        });
        counts.lineOps++;
      });
    }
    if (prng.chance(0.05)) {
      at(t0 + 15 * minute, () => {
        const target = [...open].find((p) => p !== plan && p.id);
        if (!target) return;
        const lineId = prng.pick(plan.lines);
        days[prng.pick(TILLS)]!.moveLine({ lineId, toOrderId: target.id! });
        plan.lines.splice(plan.lines.indexOf(lineId), 1);
        target.lines.push(lineId);
        counts.lineOps++;
      });
    }
    if (prng.chance(0.05)) {
      at(t0 + 16 * minute, () => {
        const line = plan.lines
          .map((id) => lineOf(days[0]!, plan, id))
          .find((l) => l && l.qty > 1 && !l.void);
        if (!line) return;
        plan.lines.push(
          days[prng.pick(TILLS)]!.splitLine({ lineId: line.id, qty: 1 }),
        );
        counts.lineOps++;
      });
    }
    if (prng.chance(0.03)) {
      at(t0 + 20 * minute, () =>
        days[prng.pick(TILLS)]!.transferOrder({
          orderId: plan.id!,
          table: String(prng.int(41, 60)),
        }),
      );
    }
    if (prng.chance(0.15)) {
      at(t0 + 40 * minute, () => addLine(plan, taker, 'cold'));
      at(t0 + 41 * minute, () => send(plan, taker));
      scheduleKitchen(t0 + 50 * minute);
    }
    if (prng.chance(0.1)) {
      at(t0 + 60 * minute, () =>
        days[prng.pick(TILLS)]!.setDiscount({
          orderId: plan.id!,
          discount: {
            kind: 'percent',
            basisPoints: prng.pick([1000, 1500, 2000]),
          },
        }),
      );
    }
    if (prng.chance(0.25)) {
      at(t0 + 62 * minute, () =>
        days[prng.pick(TILLS)]!.setServiceCharge({
          orderId: plan.id!,
          serviceCharge: { kind: 'percent', basisPoints: 1250 },
        }),
      );
    }
    if (prng.chance(0.96)) {
      at(t0 + prng.int(70, 110) * minute, () => {
        const till = days[prng.pick(TILLS)]!;
        till.claimSettlement({
          orderId: plan.id!,
          docNo: ++docNo,
          total: till.invoiceSnapshot(plan.id!).total,
        });
        open.delete(plan);
        counts.claims++;
      });
    }

    function scheduleKitchen(from: number) {
      at(from, () => {
        for (const ticketId of plan.tickets.splice(0)) kitchen(ticketId, from);
      });
    }
  }

  function kitchen(ticketId: TicketId, from: number) {
    const cooking = prng.chance(0.2);
    const ready = prng.chance(0.05);
    const recall = prng.chance(0.01);
    let t = from;
    const then = (minutes: number, run: () => void) => {
      t += minutes * minute;
      at(t, run);
    };
    if (cooking) then(2, () => bump(ticketId, 'cooking'));
    if (ready) then(5, () => bump(ticketId, 'ready'));
    then(6, () => bump(ticketId, 'served'));
    if (recall) {
      then(1, () => {
        days[KDS]!.recallTicket({ ticketId });
        counts.statusChanges++;
      });
      then(1, () => bump(ticketId, 'served'));
    }
  }

  runEvents(events, clock, counts, options.beforeEach);
  return counts;
}

function lineOf(day: ServiceDay, plan: OrderPlan, lineId: LineId) {
  return day.order(plan.id!)?.lines.find((l) => l.id === lineId);
}

function runEvents(
  events: EventQueue,
  clock: DayClock,
  counts: BusyDayCounts,
  beforeEach: ((at: number) => void) | undefined,
): void {
  // Events schedule more events as they run (kitchen work after a send).
  for (let event = events.pop(); event; event = events.pop()) {
    beforeEach?.(event.at);
    clock.now = event.at;
    counts.closesAt = event.at;
    counts.operations++;
    try {
      event.run();
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      counts.refused++;
    }
  }
}

/** A binary heap of events, earliest first, in order of scheduling on a tie. */
class EventQueue {
  #heap: Event[] = [];
  #seq = 0;

  push(at: number, run: () => void): void {
    const heap = this.#heap;
    heap.push({ at: Math.round(at), seq: this.#seq++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Event | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) return top;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Minutes after opening: a lunch peak, a bigger dinner peak, a trickle. */
function arrival(prng: Prng): number {
  const period = prng.weighted([
    [4, [60, 210]],
    [5, [420, 660]],
    [1, [0, 690]],
  ] as const);
  return prng.int(period[0], period[1]);
}
