/**
 * Stock reports of a branch, read from the document the relay stores
 * (`<branch>/inventory`) through the same model the tills use, so the
 * relay reports exactly what a till that has synced would show. Customer
 * reports are per organisation, in `customers.ts`.
 */
import {
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

/** The relay's device id when it writes (an erasure). */
export const RELAY_WRITER = 'relay';

export class StockReports {
  #log: UpdateLog;

  constructor(log: UpdateLog) {
    this.#log = log;
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

  #load(name: string): Y.Doc {
    const doc = new Y.Doc();
    this.#log.loadInto(name, doc);
    return doc;
  }
}
