import type { TaxRate, TaxRounding } from '../money/totals.ts';

/** A currency and the number of decimal places of its minor unit. */
export interface Currency {
  /** ISO 4217 code, e.g. `GBP`. */
  code: string;
  /** Minor-unit exponent: 2 for pence, halalas and paisa. */
  exponent: number;
}

export interface Station {
  id: string;
  name: string;
}

export interface Category {
  id: string;
  name: string;
}

export interface ModifierOption {
  id: string;
  name: string;
  /** Minor units added to the item's price (may be negative). */
  priceDelta: number;
}

export interface ModifierGroup {
  id: string;
  name: string;
  /** Fewest options a guest must pick from this group. */
  min: number;
  /** Most options a guest may pick from this group. */
  max: number;
  options: ModifierOption[];
}

export interface MenuItem {
  id: string;
  name: string;
  categoryId: string;
  /** Minor units, as priced (tax included for inclusive rates). */
  price: number;
  /** The tax class: id of a {@link TaxRate}. */
  taxRateId: string;
  /** The kitchen station its tickets go to. */
  stationId: string;
  modifierGroupIds: string[];
  /** False when the item is sold out (86'd). */
  available: boolean;
  /**
   * Modifier options that cannot be chosen now because an ingredient ran
   * out; set by `Inventory.overlay`, never part of the menu document.
   */
  soldOutModifiers?: string[];
}

/** A branch's menu, as plain JSON (see `parseMenu`). */
export interface Menu {
  currency: Currency;
  /** How tax is rounded; see `computeTotals`. */
  taxRounding: TaxRounding;
  /** Tax rate of the service charge; null: service charge is not taxed. */
  serviceChargeTaxRateId: string | null;
  taxRates: TaxRate[];
  stations: Station[];
  categories: Category[];
  modifierGroups: ModifierGroup[];
  items: MenuItem[];
}
