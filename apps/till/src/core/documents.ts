/**
 * The till's live documents: the branch menu and the service days it
 * works on, each a `Y.Doc` loaded from the store's update log and bound
 * to it, so every change (local or synced in) is on disk before the API
 * answers.
 *
 * One day is current: new orders go there. When the business date moves
 * on ({@link TillDocuments.openDay}), the next day's document is opened,
 * the open orders are carried into it, and the previous day stays loaded
 * and synced until the till stops, so late changes to it still arrive.
 */
import {
  CustomerBook,
  carryCustomerLinks,
  countryOfCurrency,
  customersDocName,
  dayDocName,
  Inventory,
  inventoryDocName,
  type Menu,
  MenuDocument,
  menuDocName,
  ServiceDay,
  yjsEngine,
} from '@brigade/crdt-model';
import type { Store } from '@brigade/store';
import * as Y from 'yjs';
import { ApiError } from '../http/api-error.ts';

interface OpenDay {
  name: string;
  date: string;
  doc: Y.Doc;
  day: ServiceDay;
}

export class TillDocuments {
  readonly menuName: string;
  readonly menuDoc = new Y.Doc();
  readonly menu: MenuDocument;
  /** The branch's stock (`<branch>/inventory`). */
  readonly inventoryName: string;
  readonly inventoryDoc = new Y.Doc();
  readonly inventory: Inventory;
  /**
   * The organisation's customer book, addressed through this branch
   * (`<branch>/customers`) as every document is: the relay serves each
   * branch's name from its organisation's one book, so tills of every
   * branch of the organisation sync the same customers.
   */
  readonly customersName: string;
  readonly customersDoc = new Y.Doc();
  readonly customers: CustomerBook;
  #store: Store;
  #device: string;
  #days: OpenDay[] = [];
  #unbind = new Map<string, () => void>();

  /**
   * `options.country`: the organisation's country for phone numbers
   * written without a country code (an ISO code); default: the one the
   * menu's currency names (`countryOfCurrency`), if any.
   */
  constructor(
    store: Store,
    device: string,
    businessDate: string,
    options: { country?: string | undefined } = {},
  ) {
    this.#store = store;
    this.#device = device;
    this.menuName = menuDocName(store.branch);
    this.#load(this.menuName, this.menuDoc);
    this.menu = new MenuDocument(yjsEngine(this.menuDoc), { device });
    this.inventoryName = inventoryDocName(store.branch);
    this.#load(this.inventoryName, this.inventoryDoc);
    this.inventory = new Inventory(yjsEngine(this.inventoryDoc), { device });
    this.customersName = customersDocName(store.branch);
    this.#load(this.customersName, this.customersDoc);
    this.customers = new CustomerBook(yjsEngine(this.customersDoc), {
      device,
      country: () => options.country ?? this.#menuCountry(),
    });
    // A till that was off at midnight carries the last day's open orders
    // when it starts on a later date (carrying twice copies nothing new).
    const previous = this.#lastDayBefore(businessDate);
    if (previous) {
      this.#days.push(this.#openDay(previous));
      this.openDay(businessDate);
    } else {
      this.#days.push(this.#openDay(businessDate));
    }
  }

  get #current(): OpenDay {
    return this.#days[this.#days.length - 1]!;
  }

  /** The current business date, `YYYY-MM-DD`. */
  get businessDate(): string {
    return this.#current.date;
  }

  /** The current day's document name, `<branch>/day/<date>`. */
  get dayName(): string {
    return this.#current.name;
  }

  get dayDoc(): Y.Doc {
    return this.#current.doc;
  }

  get day(): ServiceDay {
    return this.#current.day;
  }

  /**
   * Makes `date` (later than the current date) the current business day:
   * opens its document and carries the open orders into it. Returns the
   * new document's name and the orders carried.
   */
  openDay(date: string): { name: string; doc: Y.Doc; carried: number } {
    const previous = this.#current;
    const next = this.#openDay(date);
    const orderIds = previous.day.carryOver(next.day);
    // The book links guests to `<branch>/<date>/<order>`: a carried order
    // is linked under its new date too, so settling it still earns.
    carryCustomerLinks(this.customers, {
      branch: this.#store.branch,
      from: previous.date,
      to: date,
      orderIds,
    });
    this.#days.push(next);
    return { name: next.name, doc: next.doc, carried: orderIds.length };
  }

  /** The menu with items out of stock or 86'd marked unavailable. */
  saleMenu(): Menu {
    return this.inventory.overlay(this.currentMenu());
  }

  /** The merged menu; 409 `no-menu` while none has arrived yet. */
  currentMenu(): Menu {
    if (this.menu.isEmpty) {
      throw new ApiError(
        409,
        'no-menu',
        'this till has no menu yet: start it with --menu, or let it sync from a peer or the relay',
      );
    }
    return this.menu.read();
  }

  /** The document of that full name, if the till holds it. */
  get(name: string): Y.Doc | undefined {
    return new Map(this.#pairs()).get(name);
  }

  names(): string[] {
    return this.#pairs().map(([name]) => name);
  }

  /**
   * Moves the update log's listener behind every other listener of the
   * documents (LAN provider, relay links, `/sync` rooms), so a change is
   * forwarded to peers and screens before its fsync rather than after.
   * Durability is unchanged: listeners run synchronously inside the change,
   * so the API still answers only once the change is on disk.
   */
  logLast(): void {
    for (const [name, doc] of this.#pairs()) {
      const unbind = this.#unbind.get(name);
      if (!unbind) continue;
      unbind();
      this.#unbind.set(name, this.#store.updateLog.bind(name, doc));
    }
  }

  /** Unbinds from the update log (writing anything held back). */
  close(): void {
    for (const { day } of this.#days) day.close();
    this.inventory.close();
    this.customers.close();
    for (const unbind of this.#unbind.values()) unbind();
    this.#unbind.clear();
  }

  #menuCountry(): string | undefined {
    if (this.menu.isEmpty) return undefined;
    return countryOfCurrency(this.menu.read().currency.code);
  }

  #openDay(date: string): OpenDay {
    const name = dayDocName(this.#store.branch, date);
    const doc = new Y.Doc();
    this.#load(name, doc);
    const day = new ServiceDay(yjsEngine(doc), {
      device: this.#device,
      date,
      menu: () => this.saleMenu(),
    });
    return { name, date, doc, day };
  }

  /** The latest business date before `date` held in the update log. */
  #lastDayBefore(date: string): string | undefined {
    const prefix = `${this.#store.branch}/day/`;
    return this.#store.updateLog
      .list()
      .filter((name) => name.startsWith(prefix))
      .map((name) => name.slice(prefix.length))
      .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d < date)
      .sort()
      .at(-1);
  }

  #load(name: string, doc: Y.Doc): void {
    this.#store.updateLog.loadInto(name, doc);
    this.#unbind.set(name, this.#store.updateLog.bind(name, doc));
  }

  #pairs(): [string, Y.Doc][] {
    return [
      [this.menuName, this.menuDoc],
      [this.inventoryName, this.inventoryDoc],
      [this.customersName, this.customersDoc],
      ...this.#days.map((d): [string, Y.Doc] => [d.name, d.doc]),
    ];
  }
}
