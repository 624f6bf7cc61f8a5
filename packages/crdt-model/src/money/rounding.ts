/**
 * Integer arithmetic on minor units. Every division rounds half up (a half
 * unit goes to the larger amount), computed in BigInt so that no amount
 * ever passes through a binary fraction.
 */

/** `numerator / denominator` rounded half up; both non-negative. */
export function divideHalfUp(numerator: number, denominator: number): number {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  return Number((2n * n + d) / (2n * d));
}

/** `amount × basisPoints / 10000`, rounded half up. */
export function percentOf(amount: number, basisPoints: number): number {
  return divideHalfUp(amount * basisPoints, 10_000);
}

/**
 * Splits `total` over `weights` in proportion, in whole units that add up
 * to `total` exactly: each share is rounded down, then the units left over
 * go one each to the largest remainders (the earlier weight on a tie).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  const t = BigInt(total);
  const s = BigInt(sum);
  const shares = weights.map((w) => Number((t * BigInt(w)) / s));
  const remainders = weights.map((w, i) => ({
    i,
    r: (t * BigInt(w)) % s,
  }));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares;
}
