/**
 * The till host: opens the store, loads the documents, starts the sync
 * engine and serves the local API, and stops all of it cleanly.
 *
 * @example
 * const till = await Till.start(options, { logger, menu: demoMenu });
 * console.log(till.httpUrl); // http://127.0.0.1:8080
 * await till.stop();
 */
import { type Menu, onErasedWrite } from '@brigade/crdt-model';
import { type Logger, silentLogger } from '@brigade/log';
import { Store, scrubDeleted } from '@brigade/store';
import { registerCustomerRoutes } from './api/customers.ts';
import { registerDrawerRoutes } from './api/drawer.ts';
import { registerRoutes } from './api/routes.ts';
import { registerStockRoutes, watchStock } from './api/stock.ts';
import type { TillOptions } from './cli/options.ts';
import { localBusinessDate } from './core/business-date.ts';
import { CashDrawer } from './core/cash-drawer.ts';
import { TillDocuments } from './core/documents.ts';
import { Fiscal } from './core/fiscal.ts';
import { Loyalty } from './core/loyalty.ts';
import { TillCore } from './core/till-core.ts';
import { BranchAuth } from './http/branch-auth.ts';
import { EventStream } from './http/event-stream.ts';
import { Router } from './http/router.ts';
import { TillHttpServer } from './http/server.ts';
import { ConnectivityJournal } from './sync/connectivity-journal.ts';
import { LocalSyncEndpoint } from './sync/local-sync-endpoint.ts';
import { syncStateOf, type TillStatus, zatcaStatusOf } from './sync/status.ts';
import { SyncEngine } from './sync/sync-engine.ts';

export interface TillDeps {
  logger?: Logger;
  /** A checked menu to write into the menu document (`--menu`). */
  menu?: Menu | null;
  /** The business date at start; default today on `clock`. */
  businessDate?: string;
  /** Wall clock that decides when the business date moves on. */
  clock?: () => Date;
}

/** How often the status is refreshed for the event stream (ages move). */
export const STATUS_REFRESH_MS = 1_000;

/** How often the till checks whether the business date has moved on. */
export const DAY_CHECK_MS = 30_000;

export class Till {
  readonly options: TillOptions;
  readonly store: Store;
  readonly docs: TillDocuments;
  readonly core: TillCore;
  readonly fiscal: Fiscal;
  readonly sync: SyncEngine;
  /** Journals relay outages and returns; null without a relay. */
  readonly connectivity: ConnectivityJournal | null;
  #log: Logger;
  #http: TillHttpServer;
  #localSync: LocalSyncEndpoint;
  #events = new EventStream('status');
  #httpUrl = '';
  #statusTimer: NodeJS.Timeout | undefined;
  #dayTimer: NodeJS.Timeout | undefined;
  #clock: () => Date;
  #statusSoon: NodeJS.Timeout | undefined;
  #unsubscribe: () => void = () => {};
  #unwatchStock: () => void = () => {};
  #stopping: Promise<void> | null = null;

  private constructor(options: TillOptions, deps: TillDeps, store: Store) {
    this.options = options;
    this.store = store;
    this.#log = (deps.logger ?? silentLogger).child({ ns: 'till' });
    const device = options.device;
    this.#clock = deps.clock ?? (() => new Date());
    this.docs = new TillDocuments(
      store,
      device,
      deps.businessDate ??
        localBusinessDate(this.#clock(), options.dayStartsAt),
      { country: options.country },
    );
    if (deps.menu) this.docs.menu.write(deps.menu);
    const journalled = () => this.sync.journalChanged();
    this.core = new TillCore(store, this.docs, journalled);
    this.fiscal = new Fiscal(
      store,
      this.docs,
      {
        name: options.sellerName ?? options.branch,
        vatNumber: options.vatNumber ?? '',
      },
      journalled,
    );
    this.sync = new SyncEngine({
      store,
      device,
      branch: options.branch,
      branchKey: options.branchKey,
      docs: Object.fromEntries(
        this.docs.names().map((name) => [name, this.docs.get(name)!]),
      ),
      lan: {
        port: options.lanPort,
        discoveryPort: options.discoveryPort,
        broadcast: options.broadcast,
        peers: options.peers,
      },
      relay: options.relay,
      logger: this.#log,
    });
    this.connectivity = options.relay
      ? new ConnectivityJournal({
          store,
          user: device,
          businessDate: () => this.docs.businessDate,
          read: () => this.status(),
          ...(options.connectivityDebounceMs === undefined
            ? {}
            : { debounceMs: options.connectivityDebounceMs }),
          onJournal: journalled,
          logger: this.#log,
        })
      : null;

    const auth = new BranchAuth(
      options.branchKey,
      options.branch,
      options.httpHost,
    );
    this.#localSync = new LocalSyncEndpoint({
      branch: options.branch,
      docs: {
        open: (name) => {
          // The room subscribes right after this returns; the log goes last.
          setImmediate(() => {
            if (!this.#stopping) this.docs.logLast();
          });
          return this.docs.get(name)!;
        },
      },
      serves: (name) => this.docs.get(name) !== undefined,
      accessOf: (req, url) => auth.accessOf(tokenOf(req, url)) ?? 'read',
      logger: this.#log,
    });
    const router = new Router();
    const loyalty = new Loyalty(store, this.docs, journalled);
    registerRoutes(router, {
      core: this.core,
      fiscal: this.fiscal,
      status: () => this.status(),
      device,
      loyalty,
    });
    const drawer = new CashDrawer(
      store,
      () => this.docs.businessDate,
      journalled,
    );
    registerDrawerRoutes(router, drawer, device);
    registerStockRoutes(router, this.docs);
    registerCustomerRoutes(router, this.docs, loyalty);
    // An edit that raced an erasure is blanked as soon as it arrives, and
    // an erasure made elsewhere (or such an edit, even one the erasure's
    // blank won over) leaves this till's disk at once.
    const book = this.docs.customers;
    const tail = store.updateLog.size(this.docs.customersName)?.tailUpdates;
    // A stop between an erasure's arrival and its compaction: finish it.
    if (tail && book.records().some((r) => r.erased)) {
      setImmediate(() => this.#compactCustomers());
    }
    onErasedWrite(book.engine, () => {
      book.scrubErased();
      // After this change is in the update log, which it is not yet here.
      setImmediate(() => this.#compactCustomers());
    });
    this.#http = new TillHttpServer({
      host: options.httpHost,
      port: options.httpPort,
      router,
      events: this.#events,
      onSyncUpgrade: this.#localSync.upgrade,
      ...(auth.required
        ? {
            authorize: (token: string | null, method: string) => {
              const access = auth.accessOf(token);
              return method === 'GET' ? access !== null : access === 'write';
            },
          }
        : {}),
      logger: this.#log,
    });
  }

  /**
   * Opens the store (creating it on first start), loads the documents,
   * writes any claim a crash left out, starts syncing and serving.
   */
  static async start(options: TillOptions, deps: TillDeps = {}): Promise<Till> {
    const store = Store.open({
      dir: options.dataDir,
      device: options.device,
      branch: options.branch,
      logger: deps.logger ?? silentLogger,
    });
    let till: Till | undefined;
    try {
      store.updateLog.start();
      till = new Till(options, deps, store);
      if (options.vatNumber === undefined) {
        till.#log.warn(
          { seller: options.sellerName ?? options.branch },
          'no --vat-number: receipts and ZATCA QR codes carry an empty VAT number',
        );
      }
      const reconciled = till.fiscal.reconcile();
      if (reconciled > 0) {
        till.#log.info({ reconciled }, 'settlement claims written at start-up');
      }
      await till.sync.start();
      till.docs.logLast();
      const address = await till.#http.start();
      const host =
        address.family === 'IPv6' ? `[${address.address}]` : address.address;
      till.#httpUrl = `http://${host}:${address.port}`;
      till.#watchStatus();
      return till;
    } catch (error) {
      if (till) await till.stop();
      else store.close();
      throw error;
    }
  }

  /** Base URL of the local API, for example `http://127.0.0.1:8080`. */
  get httpUrl(): string {
    return this.#httpUrl;
  }

  /** The TCP port of the LAN listener. */
  get lanPort(): number {
    return this.sync.lan.port;
  }

  status(): TillStatus {
    const sync = this.sync.snapshot();
    const oldest = sync.oldestUnreportedSaleTs;
    return {
      device: this.options.device,
      branch: this.options.branch,
      businessDate: this.docs.businessDate,
      state: syncStateOf(sync.relay, sync.outbox, sync.peers.length),
      peers: sync.peers,
      relay: sync.relay,
      outbox: sync.outbox,
      conflicts: this.core.conflicts().length,
      zatca: zatcaStatusOf(oldest ? Date.parse(oldest) : null, Date.now()),
    };
  }

  /**
   * Moves to the next business day when the clock's date is past the
   * current one: opens that day's document, carries the open orders into
   * it and syncs it. Returns true if it did. Called every
   * {@link DAY_CHECK_MS}; two tills doing it at once converge.
   */
  checkBusinessDate(): boolean {
    const today = localBusinessDate(this.#clock(), this.options.dayStartsAt);
    if (this.#stopping || today <= this.docs.businessDate) return false;
    const from = this.docs.businessDate;
    const next = this.docs.openDay(today);
    this.sync.addDoc(next.name, next.doc);
    this.docs.logLast();
    this.#unsubscribe();
    this.#unsubscribe = this.docs.day.onChange(() => this.#publishSoon());
    this.#log.info(
      { from, to: today, carried: next.carried },
      'business day moved on',
    );
    this.#publishSoon();
    return true;
  }

  /**
   * Stops serving and syncing (one last outbox push), unbinds the
   * documents and closes the store; idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    // The relay link closes below: that is no outage to journal.
    this.connectivity?.stop();
    clearInterval(this.#statusTimer);
    clearInterval(this.#dayTimer);
    clearTimeout(this.#statusSoon);
    this.#unsubscribe();
    this.#unwatchStock();
    const steps: [string, () => Promise<void> | void][] = [
      ['http', () => this.#http.stop()],
      ['local sync', () => this.#localSync.stop()],
      ['sync', () => this.sync.stop()],
      ['documents', () => this.docs.close()],
      ['store', () => this.store.close()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.#log.error({ step: name, err: String(error) }, 'stop step failed');
      }
    }
    this.#log.info({}, 'till stopped');
  }

  /** Compacts the book after an erasure and scrubs the store's files. */
  #compactCustomers(): void {
    if (this.#stopping) return;
    try {
      this.store.updateLog.compact(this.docs.customersName);
      const scrubbed = scrubDeleted(this.store.database);
      this.#log.info(
        { ...scrubbed, ms: Math.round(scrubbed.ms) },
        'erased customer data scrubbed',
      );
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'customer book not compacted');
    }
  }

  /** Publishes the status on changes (coalesced) and every second. */
  #watchStatus(): void {
    this.sync.on('change', () => this.#publishSoon());
    this.#unsubscribe = this.docs.day.onChange(() => this.#publishSoon());
    this.#unwatchStock = watchStock(
      this.docs,
      (view) => this.#events.publish(view, 'stock'),
      (error) => this.#log.warn({ err: String(error) }, 'stock not published'),
    );
    this.#statusTimer = setInterval(() => this.#publish(), STATUS_REFRESH_MS);
    this.#dayTimer = setInterval(() => {
      try {
        this.checkBusinessDate();
      } catch (error) {
        this.#log.error({ err: String(error) }, 'business day not moved on');
      }
    }, DAY_CHECK_MS);
    this.#publish();
  }

  #publishSoon(): void {
    if (this.#statusSoon || this.#stopping) return;
    this.#statusSoon = setTimeout(() => {
      this.#statusSoon = undefined;
      this.#publish();
    }, 50);
  }

  /** Publishes the status; the connectivity journal reads it too. */
  #publish(): void {
    if (this.#stopping) return;
    try {
      const status = this.status();
      this.connectivity?.observe(status);
      this.#events.publish(status);
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'status not published');
    }
  }
}

function tokenOf(
  req: { headers: { authorization?: string | undefined } },
  url: URL,
): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return url.searchParams.get('token');
}
