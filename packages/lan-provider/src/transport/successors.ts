/**
 * When a peer keeps the other connection of a duplicate pair, it closes
 * ours with `DUPLICATE` and its hello arrives on the kept one a moment
 * later. These timers remember such devices, so that the device is
 * reported gone only if its successor never comes.
 */
export class DuplicateSuccessors {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  /** Waits `waitMs` for a successor of `device`, then calls `onMissing`. */
  expect(device: string, waitMs: number, onMissing: () => void): void {
    clearTimeout(this.#timers.get(device));
    const timer = setTimeout(() => {
      this.#timers.delete(device);
      onMissing();
    }, waitMs);
    this.#timers.set(device, timer);
  }

  /** True when a successor of `device` was awaited (and has now come). */
  arrived(device: string): boolean {
    const timer = this.#timers.get(device);
    if (!timer) return false;
    clearTimeout(timer);
    this.#timers.delete(device);
    return true;
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
