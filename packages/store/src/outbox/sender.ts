/**
 * Delivers the outbox to the relay: batches in queue order through an
 * injected `deliver` function, acknowledged entries marked sent, entries
 * refused for good moved to the dead-letter table, everything else retried
 * with jittered exponential back-off.
 *
 * Guarantees: an entry leaves the queue only when the relay answered it
 * `stored` or `duplicate` (sent) or refused it with a final code (dead
 * letter, kept). Each device's entries go out in queue order, and a device
 * whose entry must wait holds back only its own later entries. Delivery is
 * at least once: a batch whose answer was lost is sent again, and the
 * relay's idempotency per `<device>:<seq>` turns the repeat into
 * `duplicate`.
 *
 * A gap that only an entry already acknowledged here could fill (a relay
 * restored from an old backup) holds that device back for good, retried at
 * the longest back-off; the `refused` events name the `expectedSeq`, and
 * re-sending from the journal is left to the operator.
 *
 * @example
 * const sender = new OutboxSender({
 *   outbox,
 *   logger,
 *   deliver: async (entries, { signal }) => {
 *     const res = await fetch(`${relay}/v1/journal`, {
 *       method: 'POST', signal, body: JSON.stringify({ entries }),
 *       headers: { 'content-type': 'application/json', authorization },
 *     });
 *     if (!res.ok) throw new Error(`relay answered ${res.status}`);
 *     return res.json();
 *   },
 * });
 * sender.on('status', ({ outbox }) => badge.update(outbox));
 * sender.start();
 * // after each settlement commits, and when the relay is back:
 * void sender.flush();
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '@brigade/log';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import {
  type ChainRef,
  type Deliver,
  type DeliveryResult,
  parseDeliveryResult,
  RETRY_LATER_CODES,
} from './delivery.ts';
import {
  type Outbox,
  OutboxError,
  type OutboxRecord,
  type OutboxStatus,
  outboxKey,
} from './outbox.ts';
import {
  type OutboxSenderOptions,
  type RefusedEntry,
  realClock,
  SENDER_DEFAULTS,
  type SenderClock,
  type SenderEvents,
  type SenderState,
} from './sender-options.ts';

export {
  type OutboxSenderOptions,
  type RefusedEntry,
  SENDER_DEFAULTS,
  type SenderClock,
  type SenderEvents,
  type SenderState,
} from './sender-options.ts';

interface Hold {
  failures: number;
  until: number;
}

/** The abort reason of a delivery cut short by {@link OutboxSender.stop}. */
const STOPPED = new Error('sender stopped');

/**
 * Sends the outbox to the relay until stopped. One delivery is in flight
 * at a time.
 */
export class OutboxSender extends EventEmitter<SenderEvents> {
  readonly #outbox: Outbox;
  readonly #deliver: Deliver;
  readonly #batchSize: number;
  readonly #batchBytes: number;
  readonly #backoff: BackoffOptions;
  readonly #pollMs: number;
  readonly #timeoutMs: number;
  readonly #clock: SenderClock;
  readonly #random: () => number;
  readonly #log: Logger;

  #running = false;
  #state: SenderState = 'stopped';
  #failures = 0;
  readonly #holds = new Map<string, Hold>();
  #timer: unknown;
  #timerAt: number | null = null;
  #inflight: Promise<void> | undefined;
  #abort: AbortController | undefined;

  constructor(options: OutboxSenderOptions) {
    super();
    checkOptions(options);
    this.#outbox = options.outbox;
    this.#deliver = options.deliver;
    this.#batchSize = options.batchSize ?? SENDER_DEFAULTS.batchSize;
    this.#batchBytes = options.batchBytes ?? SENDER_DEFAULTS.batchBytes;
    this.#backoff = options.backoff ?? {};
    this.#pollMs = options.pollMs ?? SENDER_DEFAULTS.pollMs;
    this.#timeoutMs = options.timeoutMs ?? SENDER_DEFAULTS.timeoutMs;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#log = (options.logger ?? silentLogger).child({ ns: 'outbox-sender' });
  }

  /** What the sender is doing now. */
  get state(): SenderState {
    return this.#state;
  }

  /** Starts sending now and keeps at it until stopped. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#state = 'idle';
    this.#log.info({}, 'started');
    void this.#trigger();
  }

  /**
   * Stops sending: cancels the timer, aborts a delivery in flight and
   * resolves once it has settled. Entries stay queued. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#running) this.#log.info({}, 'stopped');
    this.#running = false;
    this.#cancelTimer();
    this.#abort?.abort(STOPPED);
    await this.#inflight;
    if (this.#state !== 'stopped') {
      this.#state = 'stopped';
      this.#emitStatus();
    }
  }

  /**
   * Sends now, without waiting out a back-off: for right after a commit or
   * when the relay is reachable again. Forgets the back-off of failed
   * deliveries and held devices, runs one round (until the queue is empty,
   * a delivery fails, or every pending device is held) and resolves to
   * the outbox status after it. Works on a stopped sender too, for a last
   * push before shutdown.
   */
  async flush(): Promise<OutboxStatus> {
    this.#failures = 0;
    this.#holds.clear();
    this.#cancelTimer();
    while (this.#inflight) await this.#inflight;
    await this.#trigger();
    return this.#outbox.status();
  }

  #trigger(): Promise<void> {
    if (this.#inflight) return this.#inflight;
    const round = this.#round().finally(() => {
      this.#inflight = undefined;
      // Restarted while a stopped round was winding down: go on now.
      if (this.#running && this.#timer === undefined) this.#schedule(0);
    });
    this.#inflight = round;
    return round;
  }

  /** Sends batches until nothing is sendable, then schedules the next round. */
  async #round(): Promise<void> {
    try {
      for (;;) {
        const batch = this.#outbox.nextBatch(this.#batchSize, {
          skipDevices: this.#heldDevices(),
          maxBytes: this.#batchBytes,
        });
        if (batch.length === 0) return this.#idle();

        this.#state = 'sending';
        const result = await this.#send(batch);
        if (!result) return;
        this.#apply(batch, result.answer, result.ms);
        this.#emitStatus();
      }
    } catch (error) {
      // The outbox itself failed (a closed database, a full disk).
      this.#failed(error);
    }
  }

  async #send(batch: OutboxRecord[]) {
    const started = this.#clock.now();
    const abort = new AbortController();
    this.#abort = abort;
    const timer = this.#clock.setTimeout(
      () => abort.abort(new Error('delivery timed out')),
      this.#timeoutMs,
    );
    try {
      const aborted = new Promise<never>((_, reject) => {
        abort.signal.addEventListener('abort', () =>
          reject(abort.signal.reason),
        );
      });
      const entries = batch.map((record) => record.entry);
      const delivery = Promise.resolve().then(() =>
        this.#deliver(entries, { signal: abort.signal }),
      );
      // A late rejection after a timeout or a stop is nobody's business.
      delivery.catch(() => {});
      const answer = parseDeliveryResult(
        await Promise.race([delivery, aborted]),
      );
      this.#failures = 0;
      return { answer, ms: this.#clock.now() - started };
    } catch (error) {
      if (error !== STOPPED) this.#failed(error);
      return undefined;
    } finally {
      this.#clock.clearTimeout(timer);
      this.#abort = undefined;
    }
  }

  #apply(batch: OutboxRecord[], answer: DeliveryResult, ms: number): void {
    const waiting = new Map(batch.map((record) => [record.key, record]));
    const stored = this.#take(answer.stored, waiting);
    const duplicate = this.#take(answer.duplicate, waiting);
    const refused = this.#take(answer.refused, waiting);

    const acknowledged = [...stored, ...duplicate];
    this.#outbox.markSent(acknowledged.map((ref) => ref.key));
    for (const ref of acknowledged) this.#holds.delete(ref.device);
    for (const refusal of refused) this.#refused(refusal);

    // What the answer left out was not stored; its device waits and retries.
    const unanswered = [...waiting.values()];
    for (const record of unanswered) this.#hold(record.entry.device);
    if (unanswered.length > 0) {
      const keys = unanswered.map((record) => record.key);
      this.#log.warn({ keys }, 'answer left entries out');
    }

    const event = {
      stored: stored.map((ref) => ref.key),
      duplicate: duplicate.map((ref) => ref.key),
      refused,
      unanswered: unanswered.map((record) => record.key),
      ms,
    };
    this.#log.info(
      {
        stored: event.stored.length,
        duplicate: event.duplicate.length,
        refused: refused.length,
        unanswered: unanswered.length,
        ms,
      },
      'batch delivered',
    );
    this.emit('delivered', event);
  }

  /** The refs that name an entry of the batch, each once, with its key. */
  #take<T extends ChainRef>(
    refs: T[],
    waiting: Map<string, OutboxRecord>,
  ): (T & { key: string })[] {
    const taken: (T & { key: string })[] = [];
    for (const ref of refs) {
      const key = outboxKey(ref);
      if (waiting.delete(key)) taken.push({ ...ref, key });
      else this.#log.warn({ key }, 'answer names an entry not in the batch');
    }
    return taken;
  }

  #refused(refusal: RefusedEntry): void {
    if (RETRY_LATER_CODES.includes(refusal.code)) {
      const retryInMs = this.#hold(refusal.device);
      this.#log.info({ ...refusal, retryInMs }, 'refused for now');
      this.emit('refused', { ...refusal, retryInMs });
      return;
    }
    this.#outbox.deadLetter(refusal.key, refusal.reason, refusal.code);
    this.emit('dead-letter', refusal);
  }

  /** Holds a device back after a retryable refusal; returns the wait. */
  #hold(device: string): number {
    const hold = this.#holds.get(device) ?? { failures: 0, until: 0 };
    const now = this.#clock.now();
    // Several refusals of one batch count as one failure of the device.
    if (hold.until <= now) hold.failures += 1;
    const wait = backoffDelay(hold.failures, this.#backoff, this.#random);
    hold.until = Math.max(hold.until, now + wait);
    this.#holds.set(device, hold);
    return hold.until - now;
  }

  #heldDevices(): string[] {
    const now = this.#clock.now();
    return [...this.#holds].filter(([, h]) => h.until > now).map(([d]) => d);
  }

  #failed(error: unknown): void {
    this.#failures += 1;
    const retryInMs = backoffDelay(this.#failures, this.#backoff, this.#random);
    const attempt = this.#failures;
    this.#log.warn({ err: error, attempt, retryInMs }, 'delivery failed');
    this.emit('delivery-failed', { error, attempt, retryInMs });
    this.#state = this.#running ? 'backing-off' : 'stopped';
    this.#schedule(retryInMs);
    this.#emitStatus();
  }

  /** Nothing sendable now: wake when the first hold ends, or to poll. */
  #idle(): void {
    this.#state = this.#running ? 'idle' : 'stopped';
    const now = this.#clock.now();
    const ends = [...this.#holds.values()].map((h) => h.until - now);
    const wait = Math.min(this.#pollMs, ...ends.filter((ms) => ms > 0));
    this.#schedule(wait);
    this.#emitStatus();
  }

  #schedule(ms: number): void {
    this.#cancelTimer();
    if (!this.#running) return;
    this.#timerAt = this.#clock.now() + ms;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = null;
      void this.#trigger();
    }, ms);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = null;
  }

  #emitStatus(): void {
    const nextAttemptInMs =
      this.#timerAt === null
        ? null
        : Math.max(0, this.#timerAt - this.#clock.now());
    this.emit('status', {
      state: this.#state,
      outbox: this.#outbox.status(),
      nextAttemptInMs,
    });
  }
}

/** Throws `ERR_OUTBOX_ARGUMENT` for options a sender cannot run with. */
function checkOptions(options: OutboxSenderOptions): void {
  const { batchSize, pollMs, timeoutMs, backoff = {} } = options;
  const positive = (value: number | undefined) =>
    value === undefined || (Number.isFinite(value) && value > 0);
  const problems = [
    typeof options.deliver !== 'function' && 'deliver must be a function',
    !options.outbox && 'outbox is missing',
    batchSize !== undefined &&
      !(Number.isSafeInteger(batchSize) && batchSize > 0) &&
      'batchSize must be a positive integer',
    !positive(options.batchBytes) && 'batchBytes must be positive',
    !positive(pollMs) && 'pollMs must be positive',
    !positive(timeoutMs) && 'timeoutMs must be positive',
    !positive(backoff.initialMs) && 'backoff.initialMs must be positive',
    !positive(backoff.maxMs) && 'backoff.maxMs must be positive',
    backoff.factor !== undefined &&
      !(backoff.factor >= 1) &&
      'backoff.factor must be at least 1',
    backoff.jitter !== undefined &&
      !(backoff.jitter >= 0 && backoff.jitter <= 1) &&
      'backoff.jitter must be between 0 and 1',
  ].filter((problem) => typeof problem === 'string');
  if (problems.length > 0) {
    throw new OutboxError('ERR_OUTBOX_ARGUMENT', problems.join('; '));
  }
}
