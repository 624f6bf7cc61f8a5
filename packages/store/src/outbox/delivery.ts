/**
 * The delivery contract between the till's outbox sender and the relay's
 * journal ingest. The till POSTs a batch of entries to `/v1/journal`; the
 * relay answers with a {@link DeliveryResult} naming what became of each
 * entry. The sender's injected `deliver` function returns that answer.
 */
import type { JournalEntry } from '../journal/entry.ts';

/** Names one entry of one device's chain. */
export interface ChainRef {
  device: string;
  seq: number;
}

/** An entry the relay did not store, and why. */
export interface Refusal extends ChainRef {
  /**
   * Why, as a stable code: {@link RETRY_LATER_CODES} are retried, every
   * other code (`fork`, a chain fault such as `hash-mismatch`) is final.
   */
  code: string;
  /** For people: what is wrong. */
  reason: string;
  /** For a `gap`: the sequence the relay expects next from the device. */
  expectedSeq?: number;
}

/**
 * The body of the relay's answer to `POST /v1/journal`, and what
 * `deliver` resolves to. Every entry of the batch should appear in
 * exactly one list:
 * - `stored`: verified and stored now;
 * - `duplicate`: already stored with the same hash (a repeated upload);
 * - `refused`: not stored, with a code and a reason.
 *
 * @example
 * { "stored": [{ "device": "till-1", "seq": 41 }],
 *   "duplicate": [{ "device": "till-1", "seq": 40 }],
 *   "refused": [{ "device": "till-2", "seq": 9, "code": "gap",
 *                 "reason": "expected seq 7 before seq 9", "expectedSeq": 7 }] }
 */
export interface DeliveryResult {
  stored: ChainRef[];
  duplicate: ChainRef[];
  refused: Refusal[];
}

/** What `deliver` receives besides the entries. */
export interface DeliveryContext {
  /** Aborted when the sender stops or the delivery times out. */
  signal: AbortSignal;
}

/**
 * Sends one batch, in order, to the relay and resolves to its answer.
 * Rejects on a network error or a transient server error (such as HTTP
 * 5xx or 429); the sender then retries the whole batch after a back-off.
 * A rejection is always retried, so an entry that can never be sent (HTTP
 * 413 for a batch of one) must come back in `refused` with a final code,
 * such as `too-large`, to reach the dead-letter table.
 */
export type Deliver = (
  entries: JournalEntry[],
  context: DeliveryContext,
) => Promise<DeliveryResult>;

/**
 * Refusal codes that say "not now" rather than "never": `gap` (the relay
 * lacks an earlier entry of the device, which may still arrive) and
 * `transient` (a passing problem on the relay's side). Entries refused
 * with these stay queued and their device is retried after a back-off;
 * entries refused with any other code move to the dead-letter table.
 */
export const RETRY_LATER_CODES: readonly string[] = ['gap', 'transient'];

/** Thrown (and retried) when an answer does not have the contract's shape. */
export class DeliveryResultError extends Error {
  readonly code = 'ERR_DELIVERY_RESULT';

  constructor(message: string) {
    super(`malformed delivery result: ${message}`);
    this.name = 'DeliveryResultError';
  }
}

/** Checks that `value` has the shape of a {@link DeliveryResult}. */
export function parseDeliveryResult(value: unknown): DeliveryResult {
  if (typeof value !== 'object' || value === null) {
    throw new DeliveryResultError('not an object');
  }
  const body = value as Record<string, unknown>;
  return {
    stored: refs(body.stored, 'stored'),
    duplicate: refs(body.duplicate, 'duplicate'),
    refused: list(body.refused, 'refused').map(refusal),
  };
}

function list(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new DeliveryResultError(`${name} missing`);
  return value;
}

function refs(value: unknown, name: string): ChainRef[] {
  return list(value, name).map((item) => ref(item, name));
}

function ref(item: unknown, name: string): ChainRef {
  const { device, seq } = (item ?? {}) as Record<string, unknown>;
  if (typeof device !== 'string' || !Number.isSafeInteger(seq)) {
    throw new DeliveryResultError(`${name} holds an item without device/seq`);
  }
  return { device, seq: seq as number };
}

function refusal(item: unknown): Refusal {
  const base = ref(item, 'refused');
  const { code, reason, expectedSeq } = item as Record<string, unknown>;
  if (typeof code !== 'string' || typeof reason !== 'string') {
    throw new DeliveryResultError('refused holds an item without code/reason');
  }
  if (expectedSeq === undefined) return { ...base, code, reason };
  if (!Number.isSafeInteger(expectedSeq)) {
    throw new DeliveryResultError('expectedSeq is not an integer');
  }
  return { ...base, code, reason, expectedSeq: expectedSeq as number };
}
