/**
 * Stock and customer reports of a branch, read from the documents the
 * relay stores (`<branch>/inventory`, `<branch>/customers`) through the
 * same model the tills use, so the relay reports exactly what a till that
 * has synced would show. Customer erasure writes into the stored customer
 * book and compacts it, so the personal fields leave the relay's disk.
 */
import {
  CustomerBook,
  customersDocName,
  Inventory,
  inventoryDocName,
  type StockLevel,
  type StockMove,
  yjsEngine,
} from '@brigade/crdt-model';
import type { UpdateLog } from '@brigade/store';
import * as Y from 'yjs';

/** A stock item at or below its threshold, or sold below zero. */
export interface StockAlert {
  stockId: string;
  kind: 'low-stock' | 'overshoot';
  level: number;
  threshold: number;
}

export interface StockReport {
  branch: string;
  stock: StockLevel[];
  /** The latest movements, newest last (at most `limit`). */
  movements: StockMove[];
  alerts: StockAlert[];
  /** Menu items 86'd by hand. */
  eightySixed: string[];
}

export interface CustomerSummary {
  branch: string;
  /** Customers not merged into another, erased ones included. */
  customers: number;
  erased: number;
  /** Pairs (or groups) sharing a phone or e-mail, waiting for a manager. */
  duplicateGroups: number;
  /** Points held by every customer: what the business owes. */
  pointsLiability: number;
}

/** The relay's device id when it writes (an erasure). */
export const RELAY_WRITER = 'relay';

export class StockReports {
  #log: UpdateLog;
  #live: (name: string) => Y.Doc | undefined;
  #flush: () => void;

  /**
   * `live` gives the in-memory document of a room clients are connected
   * to, so an erasure reaches them at once; default none. `flush` commits
   * the updates the relay has queued (group commit), so the compaction
   * after an erasure folds the erasure in; default nothing to commit.
   */
  constructor(
    log: UpdateLog,
    live: (name: string) => Y.Doc | undefined = () => undefined,
    flush: () => void = () => {},
  ) {
    this.#log = log;
    this.#live = live;
    this.#flush = flush;
  }

  stock(branch: string, limit = 500): StockReport {
    const doc = this.#load(inventoryDocName(branch));
    try {
      const inventory = new Inventory(yjsEngine(doc), { device: RELAY_WRITER });
      const stock = inventory.levels();
      const alerts: StockAlert[] = [];
      for (const s of stock) {
        if (s.overshoot > 0) {
          alerts.push({
            stockId: s.id,
            kind: 'overshoot',
            level: s.level,
            threshold: s.threshold,
          });
        } else if (s.low) {
          alerts.push({
            stockId: s.id,
            kind: 'low-stock',
            level: s.level,
            threshold: s.threshold,
          });
        }
      }
      const eightySixed = inventory.eightySixed();
      return {
        branch,
        stock,
        movements: inventory.moves().slice(-limit),
        alerts,
        eightySixed,
      };
    } finally {
      doc.destroy();
    }
  }

  customerSummary(branch: string): CustomerSummary {
    return this.#withBook(branch, (book) => {
      const customers = book.customers();
      return {
        branch,
        customers: customers.length,
        erased: customers.filter((c) => c.erased).length,
        duplicateGroups: book.duplicates().length,
        pointsLiability: customers.reduce((a, c) => a + c.points, 0),
      };
    });
  }

  /** Every live customer with personal fields: for admin and dashboard only. */
  customerList(branch: string) {
    return this.#withBook(branch, (book) =>
      book.customers().filter((c) => !c.erased),
    );
  }

  /**
   * Erases a customer in the stored book and compacts it, so the old
   * values are gone from the relay's disk; returns the record ids erased,
   * or null if the customer is unknown.
   */
  erase(branch: string, customerId: string): string[] | null {
    const name = customersDocName(branch);
    const live = this.#live(name);
    const doc = live ?? this.#load(name);
    // A loaded room's document is already bound to the log.
    const unbind = live ? () => {} : this.#log.bind(name, doc);
    try {
      const engine = yjsEngine(doc);
      const book = new CustomerBook(engine, { device: RELAY_WRITER });
      try {
        if (!book.customer(customerId)) return null;
        const erased = book.erase(customerId);
        book.scrubErased();
        return erased;
      } finally {
        book.close();
        engine.destroy();
      }
    } finally {
      unbind();
      if (!live) doc.destroy();
      this.#flush();
      this.#log.compact(name);
    }
  }

  #withBook<T>(branch: string, read: (book: CustomerBook) => T): T {
    const doc = this.#load(customersDocName(branch));
    try {
      return read(new CustomerBook(yjsEngine(doc), { device: RELAY_WRITER }));
    } finally {
      doc.destroy();
    }
  }

  #load(name: string): Y.Doc {
    const doc = new Y.Doc();
    this.#log.loadInto(name, doc);
    return doc;
  }
}
