/**
 * A token bucket: `ratePerSecond` tokens flow in, at most `burst` are kept,
 * and each message takes one (or its `cost`: its bytes, for a byte rate).
 * Time comes from the caller so tests can drive it.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, burst: number, now = performance.now()) {
    this.#rate = ratePerSecond;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#last = now;
  }

  /** Takes one token; false if the bucket is empty. */
  take(now = performance.now()): boolean {
    return this.takeMany(1, now);
  }

  /** Takes `cost` tokens; false (taking none) if fewer are left. */
  takeMany(cost: number, now = performance.now()): boolean {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#rate);
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}
