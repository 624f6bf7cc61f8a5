import { sameJson } from '../engine/buffered-writer.ts';
import type {
  Engine,
  EngineChange,
  EngineWriter,
  Json,
  JsonObject,
} from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import { type DeviceId, deviceId } from '../ids.ts';
import type { Menu } from './menu.ts';
import { parseMenu } from './parse-menu.ts';

/** The tables of a menu document, one per kind of entry. */
const kinds = [
  'taxRates',
  'stations',
  'categories',
  'modifierGroups',
  'items',
] as const;
const settingsTable = 'settings';
const settingsId = 'menu';

export interface MenuDocumentOptions {
  /** The device writing; the writer id of its changes. */
  device: string;
}

/**
 * The `<branch>/menu` document. Every entry (item, tax rate, station, ...)
 * is a record whose fields merge one by one, so two managers editing the
 * price and the name of one item at once keep both edits.
 *
 * @example
 * const menuDoc = new MenuDocument(yjsEngine(doc), { device: 'office' });
 * menuDoc.write(demoMenu);
 * const menu = menuDoc.read();
 */
export class MenuDocument {
  readonly engine: Engine;
  readonly device: DeviceId;

  constructor(engine: Engine, options: MenuDocumentOptions) {
    this.engine = engine;
    this.device = deviceId(options.device);
  }

  /** True once any replica has written a menu into the document. */
  get isEmpty(): boolean {
    return this.engine.record(settingsTable, settingsId) === undefined;
  }

  /**
   * Writes a menu (checked by `parseMenu` first): changed fields are set,
   * entries missing from `menu` are marked removed. Writes nothing if the
   * menu is invalid.
   */
  write(menu: Menu): void {
    const checked = parseMenu(menu);
    this.engine.transact(this.device, (tx) => {
      const settings: JsonObject = {
        currency: { ...checked.currency },
        taxRounding: checked.taxRounding,
        serviceChargeTaxRateId: checked.serviceChargeTaxRateId,
      };
      this.#writeEntry(tx, settingsTable, settingsId, settings);
      for (const kind of kinds) {
        const rows = checked[kind] as unknown as JsonObject[];
        const present = new Set<string>();
        rows.forEach((row, position) => {
          const id = String(row.id);
          present.add(id);
          this.#writeEntry(tx, kind, id, { ...row, position, removed: false });
        });
        for (const id of this.engine.ids(kind)) {
          if (!present.has(id)) tx.set(kind, id, 'removed', true);
        }
      }
    });
  }

  /**
   * Reads the merged menu. Throws `invalid-menu` if concurrent edits left it
   * inconsistent (an item whose category another device removed).
   */
  read(): Menu {
    if (this.isEmpty) {
      throw new ModelError('invalid-menu', 'the menu document is empty', '');
    }
    const settings = this.engine.record(settingsTable, settingsId)!.fields;
    const json: Record<string, Json> = { ...settings };
    for (const kind of kinds) {
      const rows = this.engine
        .ids(kind)
        .map((id) => this.engine.record(kind, id)!.fields)
        .filter((row) => row.removed !== true)
        .sort(
          (a, b) =>
            Number(a.position) - Number(b.position) ||
            String(a.id).localeCompare(String(b.id)),
        );
      json[kind] = rows.map(({ position: _p, removed: _r, ...row }) => row);
    }
    return parseMenu(json);
  }

  /** Marks an item sold out (false) or back on sale (true). */
  setItemAvailable(itemId: string, available: boolean): void {
    const item = this.engine.record('items', itemId);
    if (!item || item.fields.removed === true) {
      throw new ModelError('unknown-item', `no menu item ${itemId}`);
    }
    this.engine.transact(this.device, (tx) => {
      tx.set('items', itemId, 'available', available);
    });
  }

  /** Calls `listener` after every change, local or received. */
  onChange(listener: (change: EngineChange) => void): () => void {
    return this.engine.onChange(listener);
  }

  #writeEntry(
    tx: EngineWriter,
    table: string,
    id: string,
    fields: JsonObject,
  ): void {
    const current = this.engine.record(table, id);
    if (!current) {
      tx.create(table, id, fields);
      return;
    }
    for (const [field, value] of Object.entries(fields)) {
      if (field !== 'id' && !sameJson(current.fields[field], value)) {
        tx.set(table, id, field, value);
      }
    }
  }
}
