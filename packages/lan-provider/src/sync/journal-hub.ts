import type { Logger } from '@brigade/log';
import type { JournalEntry, JournalReplication } from '@brigade/store';
import type { Heads } from './messages.ts';

/**
 * The provider's view of the store's journal: its heads, cached and
 * re-read when the till says it appended or on a slow poll, and one place
 * that tells every peer's journal channel when they moved.
 */
export class JournalHub {
  readonly journal: JournalReplication;
  readonly #pollMs: number;
  readonly #log: Logger;
  #heads: Heads = {};
  #key = '';
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<() => void>();

  constructor(journal: JournalReplication, pollMs: number, log: Logger) {
    this.journal = journal;
    this.#pollMs = pollMs;
    this.#log = log;
  }

  heads(): Heads {
    return this.#heads;
  }

  start(): void {
    this.refresh();
    if (this.#timer || this.#pollMs <= 0) return;
    this.#timer = setInterval(() => this.refresh(), this.#pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the heads; tells the listeners when they moved. */
  refresh(): void {
    let heads: Heads;
    try {
      heads = this.journal.heads();
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'journal heads unreadable');
      return;
    }
    const key = JSON.stringify(Object.entries(heads).sort());
    if (key === this.#key) return;
    this.#heads = { ...heads };
    this.#key = key;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Stores verified replicas (the store throws on any failed check). */
  accept(entries: JournalEntry[]): { stored: number; duplicates: number } {
    const result = this.journal.acceptReplicas(entries);
    this.refresh();
    return result;
  }
}
