/**
 * Jittered exponential back-off: the wait before retry number `attempt`
 * grows by `factor` each time up to `maxMs`, and a random share of up to
 * `jitter` is taken off, so that many tills coming back at once after an
 * outage do not retry in step.
 */

export interface BackoffOptions {
  /** Wait before the first retry, ms. */
  initialMs?: number;
  /** Longest wait, ms. */
  maxMs?: number;
  /** Growth per attempt. */
  factor?: number;
  /** Share of the wait taken off at random, from 0 (none) to 1. */
  jitter?: number;
}

/** The defaults of {@link BackoffOptions}. */
export const BACKOFF_DEFAULTS = {
  initialMs: 1000,
  maxMs: 60_000,
  factor: 2,
  jitter: 0.5,
} as const;

/**
 * The wait before retry number `attempt` (1 for the first retry):
 * `min(maxMs, initialMs * factor^(attempt-1))`, less up to `jitter` of it.
 * `random` returns a number in [0, 1), like `Math.random`.
 *
 * @example
 * backoffDelay(3, {}, () => 0); // 4000: the full wait
 * backoffDelay(3, {}, () => 0.999); // 2002: half of it, near enough
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const { initialMs, maxMs, factor, jitter } = {
    ...BACKOFF_DEFAULTS,
    ...options,
  };
  const exponent = Math.max(0, attempt - 1);
  const full = Math.min(maxMs, initialMs * factor ** exponent);
  return Math.round(full * (1 - jitter * random()));
}
