import type { Engine } from '../engine/engine.ts';
import type { Prng } from './prng.ts';

interface Message {
  from: number;
  to: number;
  update: Uint8Array;
  /** Step at which the message may arrive. */
  due: number;
}

export interface NetworkOptions {
  /** Most steps a message may be delayed; default 6. */
  maxDelay?: number;
  /** Chance that a message is delivered twice; default 0.1. */
  duplicate?: number;
  /** Chance that a message is lost; default 0.03. */
  drop?: number;
}

/**
 * A simulated network among replicas: every update a replica makes is sent
 * to each other replica with a random delay; messages arrive in random
 * order, some twice, some never, and none across a partition. `heal`
 * reconnects everyone and runs the whole-state exchange that a provider
 * does on reconnecting.
 */
export class SimNetwork {
  readonly engines: readonly Engine[];
  #prng: Prng;
  #options: Required<NetworkOptions>;
  #inFlight: Message[] = [];
  #group: number[];
  #now = 0;
  #stops: (() => void)[];
  delivered = 0;

  constructor(
    engines: readonly Engine[],
    prng: Prng,
    options: NetworkOptions = {},
  ) {
    this.engines = engines;
    this.#prng = prng;
    this.#options = {
      maxDelay: options.maxDelay ?? 6,
      duplicate: options.duplicate ?? 0.1,
      drop: options.drop ?? 0.03,
    };
    this.#group = engines.map(() => 0);
    this.#stops = engines.map((engine, from) =>
      engine.onUpdate((update) => this.#send(from, update)),
    );
  }

  /** Splits the replicas into two random sides that cannot reach each other. */
  partition(): void {
    this.#group = this.engines.map(() => this.#prng.int(0, 1));
  }

  /** Advances one step and delivers some of the messages that are due. */
  step(): void {
    this.#now++;
    const due = this.#inFlight.filter((m) => m.due <= this.#now);
    for (const message of due) {
      if (!this.#prng.chance(0.7)) continue;
      this.#inFlight.splice(this.#inFlight.indexOf(message), 1);
      this.#deliver(message);
    }
  }

  /**
   * Reconnects everyone and delivers what is in flight; with `exchange`,
   * also makes every replica exchange its whole state (what a provider
   * does on reconnecting), which repairs lost messages.
   */
  heal(exchange = true): void {
    this.#group = this.engines.map(() => 0);
    while (this.#inFlight.length > 0) {
      const at = this.#prng.int(0, this.#inFlight.length - 1);
      const [message] = this.#inFlight.splice(at, 1);
      this.#deliver(message!);
    }
    if (!exchange) return;
    // Everyone sends its state to replica 0, which then sends the union back.
    const [hub, ...rest] = this.engines;
    for (const engine of rest) hub!.applyUpdate(engine.encodeState());
    const everything = hub!.encodeState();
    for (const engine of rest) engine.applyUpdate(everything);
  }

  /** Stops listening to the replicas. */
  close(): void {
    for (const stop of this.#stops) stop();
  }

  #send(from: number, update: Uint8Array): void {
    this.engines.forEach((_, to) => {
      if (to === from || this.#prng.chance(this.#options.drop)) return;
      const copies = this.#prng.chance(this.#options.duplicate) ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const due = this.#now + this.#prng.int(0, this.#options.maxDelay);
        this.#inFlight.push({ from, to, update, due });
      }
    });
  }

  #deliver(message: Message): void {
    if (this.#group[message.from] !== this.#group[message.to]) return;
    this.engines[message.to]!.applyUpdate(message.update);
    this.delivered++;
  }
}
