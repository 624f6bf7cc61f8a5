/**
 * Reconnect delays that grow exponentially and are jittered: half of each
 * delay is fixed, half random. The fixed half keeps a failing peer from
 * being hammered; the random half spreads the devices that lost the same
 * peer at the same moment, so their retries do not arrive together.
 */
export class Backoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #attempts = 0;

  constructor(
    baseMs: number,
    maxMs: number,
    random: () => number = Math.random,
  ) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
    this.#random = random;
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#baseMs * 2 ** this.#attempts);
    this.#attempts = Math.min(this.#attempts + 1, 30);
    return ceiling / 2 + this.#random() * (ceiling / 2);
  }

  reset(): void {
    this.#attempts = 0;
  }
}
