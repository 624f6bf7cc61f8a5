/**
 * Customer reports and erasure of an organisation, read from the one
 * customer book the relay keeps per organisation (`customerBookRoom`)
 * through the same model the tills use. Erasure writes into the stored
 * book (or the live room, so connected devices see it at once), compacts
 * it and scrubs the database file (`scrubDeleted`), so the personal
 * fields leave the relay's disk. Books kept
 * per branch before the book was shared (`<branch>/customers`) are
 * erased too: the relay no longer serves them, but they are on its disk.
 */
import { type Customer, CustomerBook, yjsEngine } from '@brigade/crdt-model';
import { scrubDeleted, type UpdateLog } from '@brigade/store';
import type { Database } from 'better-sqlite3';
import * as Y from 'yjs';
import { customerBookRoom } from '../auth/customer-book.ts';
import { RELAY_WRITER } from './stock.ts';

export interface CustomerSummary {
  org: string;
  /** Customers not merged into another, erased ones included. */
  customers: number;
  erased: number;
  /** Pairs (or groups) sharing a phone or e-mail, waiting for a manager. */
  duplicateGroups: number;
  /** Points held by every customer: what the business owes. */
  pointsLiability: number;
  /**
   * Customers whose balance is below zero: tills offline at once each
   * redeemed the same points. Their deficit is not in `pointsLiability`.
   */
  overdrawn: number;
  /** The points redeemed beyond the balances, summed. */
  overdrawnPoints: number;
}

export interface CustomerReportsOptions {
  /** The in-memory document of a room clients are connected to. */
  live?: (name: string) => Y.Doc | undefined;
  /** Commits updates the relay has queued (group commit). */
  flush?: () => void;
  /** The branches of an organisation, for the books kept per branch. */
  branchesOf?: (org: string) => string[];
  /**
   * The database under the log, scrubbed after an erasure so that deleted
   * bytes leave its files too; default none (tests of the model alone).
   */
  db?: Database;
}

export class CustomerReports {
  #log: UpdateLog;
  #live: (name: string) => Y.Doc | undefined;
  #flush: () => void;
  #branchesOf: (org: string) => string[];
  #db: Database | undefined;

  constructor(log: UpdateLog, options: CustomerReportsOptions = {}) {
    this.#log = log;
    this.#live = options.live ?? (() => undefined);
    this.#flush = options.flush ?? (() => {});
    this.#branchesOf = options.branchesOf ?? (() => []);
    this.#db = options.db;
  }

  summary(org: string): CustomerSummary {
    return this.#read(org, (book) => {
      const customers = book.customers();
      const overdrawn = book.overdrawn();
      return {
        org,
        customers: customers.length,
        erased: customers.filter((c) => c.erased).length,
        duplicateGroups: book.duplicates().length,
        pointsLiability: customers
          .filter((c) => c.points > 0)
          .reduce((a, c) => a + c.points, 0),
        overdrawn: overdrawn.length,
        overdrawnPoints: overdrawn.reduce((a, c) => a - c.balance, 0),
      };
    });
  }

  /** Every live customer with personal fields: admin and dashboard only. */
  list(org: string): Customer[] {
    return this.#read(org, (book) => book.customers().filter((c) => !c.erased));
  }

  /**
   * Erases a customer in the organisation's book (and in any book kept
   * per branch that holds it), compacts each and scrubs the database, so
   * the old values are gone from the relay's disk; returns the record ids
   * erased, or null if no book knows the customer.
   */
  erase(org: string, customerId: string): string[] | null {
    const names = [
      customerBookRoom(org),
      ...this.#branchesOf(org).map((branch) => `${branch}/customers`),
    ];
    const stored = new Set(this.#log.list());
    let erased: string[] | null = null;
    for (const name of names) {
      if (!stored.has(name) && !this.#live(name)) continue;
      const ids = this.#eraseIn(name, customerId);
      if (ids) erased = [...new Set([...(erased ?? []), ...ids])].sort();
    }
    if (erased && this.#db) scrubDeleted(this.#db);
    return erased;
  }

  #eraseIn(name: string, customerId: string): string[] | null {
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

  #read<T>(org: string, read: (book: CustomerBook) => T): T {
    const name = customerBookRoom(org);
    const live = this.#live(name);
    const doc = live ?? this.#load(name);
    const engine = yjsEngine(doc);
    const book = new CustomerBook(engine, { device: RELAY_WRITER });
    try {
      return read(book);
    } finally {
      book.close();
      engine.destroy();
      if (!live) doc.destroy();
    }
  }

  #load(name: string): Y.Doc {
    const doc = new Y.Doc();
    this.#log.loadInto(name, doc);
    return doc;
  }
}
