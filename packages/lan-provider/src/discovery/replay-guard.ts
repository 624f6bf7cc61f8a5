/**
 * Remembers every authentic beacon for as long as it could still pass the
 * freshness check, so the same datagram sent again is recognised. Memory
 * is bounded by the beacon rate times twice the freshness window.
 */
export class ReplayGuard {
  readonly #maxAgeMs: number;
  /** Beacon identity to the receiver's time of first receipt. */
  #seen = new Map<string, number>();

  constructor(maxAgeMs: number) {
    this.#maxAgeMs = maxAgeMs;
  }

  /** Records a beacon; false when it was seen before. */
  admit(device: string, sentAt: number, nonce: string, now: number): boolean {
    this.#prune(now);
    const id = `${device}\0${sentAt}\0${nonce}`;
    if (this.#seen.has(id)) return false;
    this.#seen.set(id, now);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  /**
   * A beacon received at r passed |r - sentAt| <= maxAge, so after
   * r + 2 * maxAge it fails the freshness check on its own.
   */
  #prune(now: number): void {
    for (const [id, receivedAt] of this.#seen) {
      if (now - receivedAt <= 2 * this.#maxAgeMs) break;
      this.#seen.delete(id);
    }
  }
}
