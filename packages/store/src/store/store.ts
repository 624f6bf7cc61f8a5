/**
 * The store of one till: its data folder, opened once, holding the
 * device's fiscal journal, the replicas of its peers' journals, the
 * document update log and the sync outbox in one SQLite database (WAL).
 *
 * @example
 * const store = Store.open({ dir: '/var/lib/brigade', device: 'till-1',
 *   branch: 'riyadh' });
 * const entry = store.settle(
 *   { user: 'cashier-1', businessDate: '2026-01-01', invoice },
 *   (sale) => writeClaimIntoDayDocument(sale),
 * );
 * store.close();
 */
import { type Logger, silentLogger } from '@brigade/log';
import type { Database } from 'better-sqlite3';
import { migrateUpdateLog } from '../docs/schema.ts';
import { UpdateLog, type UpdateLogOptions } from '../docs/update-log.ts';
import type { Anchor } from '../journal/chain-verifier.ts';
import { ClosingBuilder } from '../journal/closing.ts';
import { DocumentLookup } from '../journal/documents.ts';
import type { JournalEntry, JournalReplication } from '../journal/entry.ts';
import { Journal } from '../journal/journal.ts';
import type { ZClosingPayload } from '../journal/payloads.ts';
import { type AcceptResult, Replicas } from '../journal/replicas.ts';
import { type VerifyReport, verifyDatabase } from '../journal/verify.ts';
import { Outbox } from '../outbox/outbox.ts';
import { migrateOutbox } from '../outbox/schema.ts';
import { Claims, type ClaimWriter } from './claims.ts';
import { fromSqliteError, StoreError } from './errors.ts';
import type {
  CreditNoteInput,
  EventInput,
  ReprintInput,
  SaleInput,
} from './inputs.ts';
import { openDatabase } from './open.ts';
import { Recorder } from './recorder.ts';

export interface StoreOptions {
  /** The till's data folder; created with the database on first start. */
  dir: string;
  /** This device's id; required to create, checked when opening. */
  device?: string;
  /** The branch's id; required to create, checked when opening. */
  branch?: string;
  /** Open without writing (auditors, `brigade journal verify`). */
  readonly?: boolean;
  /** `FULL` makes each commit durable on power loss; `NORMAL` may lose the last commits, never corrupt. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Wall clock, ms since the epoch. */
  clock?: () => number;
  logger?: Logger;
  /** Page limit of the database file; tests use it to fill the "disk". */
  maxPageCount?: number;
  /** Options of the document update log. */
  updateLog?: Omit<UpdateLogOptions, 'logger'>;
}

/** Defaults of {@link StoreOptions}. */
export const STORE_DEFAULTS = {
  readonly: false,
  synchronous: 'FULL',
  clock: Date.now,
} as const;

/** A till's store; see the module comment. */
export class Store implements JournalReplication {
  readonly dir: string;
  readonly device: string;
  readonly branch: string;
  readonly readonly: boolean;
  /** The device's own fiscal journal. */
  readonly journal: Journal;
  /** Peers' journals held here. */
  readonly replicas: Replicas;
  /**
   * Documents across the own journal and the replicas, by number: the
   * original a correction names, what was credited against it.
   */
  readonly documents: DocumentLookup;
  #db: Database;
  #log: Logger;
  #outbox: Outbox | null;
  #updateLog: UpdateLog | null;
  #claims: Claims;
  #recorder: Recorder;
  #closings: ClosingBuilder;
  #closed = false;
  #cleanup: (() => void) | undefined;

  /** Opens (or creates) a data folder; throws a `StoreError` if unusable. */
  static open(options: StoreOptions): Store {
    return new Store(options);
  }

  private constructor(options: StoreOptions) {
    const o = { ...STORE_DEFAULTS, ...options };
    this.#log = (o.logger ?? silentLogger).child({ ns: 'store' });
    const identity =
      o.device !== undefined && o.branch !== undefined
        ? { device: o.device, branch: o.branch }
        : undefined;
    const opened = openDatabase({
      dir: o.dir,
      readonly: o.readonly,
      synchronous: o.synchronous,
      now: new Date(o.clock()).toISOString(),
      ...(identity ? { identity } : {}),
      ...(o.maxPageCount === undefined ? {} : { maxPageCount: o.maxPageCount }),
    });
    if (!identity && (o.device ?? o.branch) !== undefined) {
      opened.db.close();
      opened.cleanup?.();
      throw new StoreError(
        'store-device-mismatch',
        'give both device and branch, or neither',
      );
    }
    this.#db = opened.db;
    this.#cleanup = opened.cleanup;
    this.dir = o.dir;
    this.device = opened.identity.device;
    this.branch = opened.identity.branch;
    this.readonly = o.readonly;
    try {
      this.#outbox = o.readonly ? null : this.#openOutbox(o);
      this.#updateLog = o.readonly ? null : this.#openUpdateLog(o);
      const onAppend = (e: JournalEntry) => this.#outbox?.enqueue(e, 'own');
      this.journal = new Journal(this.#db, {
        ...opened.identity,
        clock: o.clock,
        logger: this.#log,
        onAppend,
      });
      this.replicas = new Replicas(this.#db, {
        ownDevice: this.device,
        onAppend: (e) => this.#outbox?.enqueue(e, 'replica'),
      });
      this.#claims = new Claims(this.#db, this.#log, o.clock);
      this.documents = new DocumentLookup(this.#db);
      this.#closings = new ClosingBuilder(this.#db);
      this.#recorder = new Recorder(
        this.journal,
        this.documents,
        this.#closings,
      );
    } catch (error) {
      this.#db.close();
      this.#cleanup?.();
      throw error;
    }
    this.#log.info(
      { dir: o.dir, device: this.device, readonly: o.readonly },
      'store opened',
    );
  }

  /** The sync outbox (not in a read-only store). */
  get outbox(): Outbox {
    if (!this.#outbox) throw this.#readOnly('the outbox');
    return this.#outbox;
  }

  /** The document update log (not in a read-only store). */
  get updateLog(): UpdateLog {
    if (!this.#updateLog) throw this.#readOnly('the update log');
    return this.#updateLog;
  }

  /** The open database, for components that share its transactions. */
  get database(): Database {
    return this.#db;
  }

  /**
   * Settles an order: journals the invoice snapshot (with its outbox
   * record) in one transaction, then calls `writeClaim` with the entry
   * to put the settlement claim into the day document. If that throws,
   * the entry stays unclaimed and {@link reconcileClaims} retries it.
   */
  settle(input: SaleInput, writeClaim?: ClaimWriter): JournalEntry {
    const entry = this.#recorder.sale(input);
    if (writeClaim) this.#claims.write(entry, writeClaim);
    return entry;
  }

  /** Records a credit note against `input.original` (a document number). */
  creditNote(input: CreditNoteInput): JournalEntry {
    return this.#recorder.creditNote(input);
  }

  /** Records a reprint of a document; the copy says DUPLICATE. */
  reprint(input: ReprintInput): JournalEntry {
    return this.#recorder.reprint(input);
  }

  /** Records a line or order void, a drawer open, cash in or out, offline or online. */
  record(input: EventInput): JournalEntry {
    return this.#recorder.event(input);
  }

  /** Writes the daily Z closing of everything since the previous one. */
  closeDay(input: { user: string; businessDate: string }): JournalEntry {
    return this.#recorder.closeDay(input);
  }

  /**
   * The X report: what the next Z closing would hold if it were written
   * now (its number, the entries it would cover, counts and sums by
   * kind, tax and payments), without journalling anything.
   */
  openPeriod(): ZClosingPayload {
    return this.#closings.period();
  }

  /**
   * Start-up reconciliation: every settlement entry whose claim was
   * never confirmed is handed to `writeClaim`, oldest first. The writer
   * must be idempotent (the claim may have landed before a crash).
   * Returns how many claims were written.
   */
  reconcileClaims(writeClaim: ClaimWriter): number {
    return this.#claims.reconcile(this.journal, writeClaim);
  }

  /** Settlement entries whose claim is not confirmed. */
  unclaimed(): JournalEntry[] {
    return this.#claims.unclaimed(this.journal);
  }

  heads(): Record<string, number> {
    return { ...this.replicas.heads(), [this.device]: this.journal.headSeq() };
  }

  entriesAfter(device: string, afterSeq: number, limit: number) {
    return device === this.device
      ? this.journal.entriesAfter(afterSeq, limit)
      : this.replicas.entriesAfter(device, afterSeq, limit);
  }

  acceptReplicas(entries: JournalEntry[]): AcceptResult {
    return this.replicas.accept(entries);
  }

  /** Verifies every chain held; see {@link verifyDatabase}. */
  verify(anchors: Anchor[] = []): VerifyReport {
    try {
      return verifyDatabase(this.#db, this.device, anchors);
    } catch (error) {
      throw fromSqliteError(error, 'cannot read the journal');
    }
  }

  /** Stops background work and closes the database; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#updateLog?.stop();
    this.#db.close();
    this.#cleanup?.();
    this.#log.info({ device: this.device }, 'store closed');
  }

  #openOutbox(o: { clock: () => number }): Outbox {
    migrateOutbox(this.#db);
    return new Outbox(this.#db, { logger: this.#log, now: o.clock });
  }

  #openUpdateLog(o: StoreOptions): UpdateLog {
    migrateUpdateLog(this.#db);
    return new UpdateLog(this.#db, { ...o.updateLog, logger: this.#log });
  }

  #readOnly(what: string): StoreError {
    return new StoreError('store-read-only', `${what} is not open read-only`);
  }
}
