/**
 * Lets one peer at a time run the first sync of a channel (a document or
 * the journal) with this device. A device that comes back after missing
 * many edits then receives them once, from the first peer, and asks the
 * others only for what is still missing, instead of receiving the same
 * edits from every peer at once. A holder that does not finish within the
 * timeout no longer blocks the others.
 */
export class InitialSyncGate<Holder> {
  readonly #timeoutMs: number;
  #holders = new Map<string, { holder: Holder; timer: NodeJS.Timeout }>();
  #queues = new Map<string, { holder: Holder; start: () => void }[]>();

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Runs `start` now if `key` is free, else when it is this holder's turn. */
  request(key: string, holder: Holder, start: () => void): void {
    if (!this.#holders.has(key)) {
      this.#grant(key, holder, start);
      return;
    }
    const queue = this.#queues.get(key) ?? [];
    if (queue.some((q) => q.holder === holder)) return;
    queue.push({ holder, start });
    this.#queues.set(key, queue);
  }

  /** True while `holder` waits in the queue for `key`. */
  isQueued(key: string, holder: Holder): boolean {
    return this.#queues.get(key)?.some((q) => q.holder === holder) ?? false;
  }

  /** `holder` finished (or gave up) its first sync of `key`. */
  release(key: string, holder: Holder): void {
    const queue = this.#queues.get(key);
    if (queue) {
      const left = queue.filter((q) => q.holder !== holder);
      if (left.length > 0) this.#queues.set(key, left);
      else this.#queues.delete(key);
    }
    const current = this.#holders.get(key);
    if (current?.holder !== holder) return;
    clearTimeout(current.timer);
    this.#holders.delete(key);
    this.#next(key);
  }

  /** Releases everything `holder` holds or waits for. */
  releaseAll(holder: Holder): void {
    const keys = new Set([...this.#holders.keys(), ...this.#queues.keys()]);
    for (const key of keys) this.release(key, holder);
  }

  /** Drops every holder and queue, clearing the timers. */
  clear(): void {
    for (const { timer } of this.#holders.values()) clearTimeout(timer);
    this.#holders.clear();
    this.#queues.clear();
  }

  #grant(key: string, holder: Holder, start: () => void): void {
    const timer = setTimeout(() => this.release(key, holder), this.#timeoutMs);
    timer.unref();
    this.#holders.set(key, { holder, timer });
    start();
  }

  #next(key: string): void {
    const queue = this.#queues.get(key);
    const next = queue?.shift();
    if (queue?.length === 0) this.#queues.delete(key);
    if (next) this.#grant(key, next.holder, next.start);
  }
}
