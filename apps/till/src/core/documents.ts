/**
 * The till's live documents: the branch menu and the service day it
 * works on, each a `Y.Doc` loaded from the store's update log and bound
 * to it, so every change (local or synced in) is on disk before the API
 * answers.
 *
 * The business date is fixed when the till starts; a till left running
 * past midnight keeps selling on the day it started until it is
 * restarted (open orders are not carried over automatically).
 */
import {
  dayDocName,
  type Menu,
  MenuDocument,
  menuDocName,
  ServiceDay,
  yjsEngine,
} from '@brigade/crdt-model';
import type { Store } from '@brigade/store';
import * as Y from 'yjs';
import { ApiError } from '../http/api-error.ts';

export class TillDocuments {
  readonly menuName: string;
  readonly dayName: string;
  readonly businessDate: string;
  readonly menuDoc = new Y.Doc();
  readonly dayDoc = new Y.Doc();
  readonly menu: MenuDocument;
  readonly day: ServiceDay;
  #store: Store;
  #unbind = new Map<string, () => void>();

  constructor(store: Store, device: string, businessDate: string) {
    this.businessDate = businessDate;
    this.menuName = menuDocName(store.branch);
    this.dayName = dayDocName(store.branch, businessDate);
    this.#store = store;
    for (const [name, doc] of this.#pairs()) {
      store.updateLog.loadInto(name, doc);
      this.#unbind.set(name, store.updateLog.bind(name, doc));
    }
    this.menu = new MenuDocument(yjsEngine(this.menuDoc), { device });
    this.day = new ServiceDay(yjsEngine(this.dayDoc), {
      device,
      date: businessDate,
      menu: () => this.currentMenu(),
    });
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
    return [this.menuName, this.dayName];
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
    this.day.close();
    for (const unbind of this.#unbind.values()) unbind();
    this.#unbind.clear();
  }

  #pairs(): [string, Y.Doc][] {
    return [
      [this.menuName, this.menuDoc],
      [this.dayName, this.dayDoc],
    ];
  }
}
