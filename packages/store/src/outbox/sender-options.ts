/** Options, events and clock of the outbox sender. */
import type { Logger } from '@brigade/log';
import type { BackoffOptions } from './backoff.ts';
import type { Deliver, Refusal } from './delivery.ts';
import type { Outbox, OutboxStatus } from './outbox.ts';

/** Timers and time, injectable so that tests run on a fake clock. */
export interface SenderClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OutboxSenderOptions {
  outbox: Outbox;
  deliver: Deliver;
  /** Entries per batch, at most. */
  batchSize?: number;
  /** JSON bytes per batch, about; keep it under the relay's body limit. */
  batchBytes?: number;
  /** Back-off after failed deliveries and for held devices. */
  backoff?: BackoffOptions;
  /**
   * How often an idle sender looks for new entries, ms. Call
   * {@link OutboxSender.flush} after a commit to send at once instead.
   */
  pollMs?: number;
  /** A delivery still unanswered after this long is aborted, ms. */
  timeoutMs?: number;
  clock?: SenderClock;
  /** Returns a number in [0, 1); drives the jitter. */
  random?: () => number;
  /** Where to log; a child with `ns: 'outbox-sender'` is made of it. */
  logger?: Logger;
}

/** The defaults of {@link OutboxSenderOptions}. */
export const SENDER_DEFAULTS = {
  batchSize: 100,
  batchBytes: 1024 * 1024,
  pollMs: 5000,
  timeoutMs: 30_000,
} as const;

/** What the sender is doing. */
export type SenderState = 'stopped' | 'idle' | 'sending' | 'backing-off';

/** A refusal as the sender reports it: the relay's, with the entry's key. */
export interface RefusedEntry extends Refusal {
  key: string;
}

/** Events of {@link OutboxSender}, each with one payload object. */
export interface SenderEvents {
  /** The relay answered a batch. Keys per outcome. */
  delivered: [
    {
      stored: string[];
      duplicate: string[];
      refused: RefusedEntry[];
      /** Entries the answer did not mention; retried like a `gap`. */
      unanswered: string[];
      ms: number;
    },
  ];
  /** An entry refused for now; its device waits `retryInMs`. */
  refused: [RefusedEntry & { retryInMs: number }];
  /** An entry refused for good, now in the dead-letter table. */
  'dead-letter': [RefusedEntry];
  /** The batch could not be delivered (network, timeout, bad answer). */
  'delivery-failed': [{ error: unknown; attempt: number; retryInMs: number }];
  /** After every batch and whenever the sender goes idle or stops. */
  status: [
    {
      state: SenderState;
      outbox: OutboxStatus;
      nextAttemptInMs: number | null;
    },
  ];
}

/** The clock of the running process. */
export const realClock: SenderClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
