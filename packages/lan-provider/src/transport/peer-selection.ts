/**
 * Exactly one connection per pair of devices. Both sides apply the same
 * rule to the same two ids, so they agree without talking: the device with
 * the smaller id (by UTF-16 code units) dials, and when two connections
 * exist anyway, the one that device dialled is kept.
 */

/** The device that dials between `a` and `b`. */
export function dialerOf(a: string, b: string): string {
  return a < b ? a : b;
}

/** True when `self` should dial `other` on its own initiative. */
export function shouldDial(self: string, other: string): boolean {
  return dialerOf(self, other) === self;
}

/**
 * Which of two connections between `self` and `other` to keep, given who
 * dialled the existing one and who dialled the new one.
 */
export function keepNewConnection(
  self: string,
  other: string,
  existingDialer: string,
  newDialer: string,
): boolean {
  const preferred = dialerOf(self, other);
  return existingDialer !== preferred && newDialer === preferred;
}
