/**
 * Jittered exponential back-off: the n-th retry waits a random time
 * between half and all of `min(max, base * 2^n)`, so that tills which lost
 * the relay together do not all come back in the same millisecond.
 */

export interface BackoffOptions {
  /** First delay before jitter, ms; default 250. */
  baseMs?: number;
  /** Largest delay before jitter, ms; default 10 000. */
  maxMs?: number;
  /** Source of randomness in [0, 1); default Math.random. */
  random?: () => number;
}

export const BACKOFF_DEFAULTS = { baseMs: 250, maxMs: 10_000 } as const;

export class Backoff {
  #attempt = 0;
  #base: number;
  #max: number;
  #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#base = options.baseMs ?? BACKOFF_DEFAULTS.baseMs;
    this.#max = options.maxMs ?? BACKOFF_DEFAULTS.maxMs;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call doubles the ceiling. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#base * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.round(ceiling * (0.5 + this.#random() / 2));
  }

  /** Back to the first delay after a success. */
  reset(): void {
    this.#attempt = 0;
  }
}
