/** What the day copies from the menu: a line's price snapshot, the pricing rules. */
import type { JsonObject } from '../engine/engine.ts';
import { ModelError } from '../errors.ts';
import type { Menu } from '../menu/menu.ts';
import type { TaxRate } from '../money/totals.ts';
import type { ModifierSnapshot } from './records.ts';

export interface LineSnapshot {
  itemId: string;
  name: string;
  unitPrice: number;
  modifiers: ModifierSnapshot[];
  tax: TaxRate;
  station: string;
}

/**
 * Prices an item with its chosen modifier options from the menu, checking
 * the item exists and is on sale and each group's min and max choices.
 */
export function snapshotLine(
  menu: Menu,
  itemId: string,
  optionIds: readonly string[],
): LineSnapshot {
  const item = menu.items.find((i) => i.id === itemId);
  if (!item) throw new ModelError('unknown-item', `no menu item ${itemId}`);
  if (!item.available) {
    throw new ModelError('item-unavailable', `${item.name} is not available`);
  }
  const groups = item.modifierGroupIds.map(
    (id) => menu.modifierGroups.find((g) => g.id === id)!,
  );
  if (
    !Array.isArray(optionIds) ||
    new Set(optionIds).size !== optionIds.length
  ) {
    throw new ModelError(
      'unknown-modifier',
      'modifiers must be distinct option ids',
    );
  }
  const modifiers: ModifierSnapshot[] = optionIds.map((optionId) => {
    const option = groups
      .flatMap((g) => g.options)
      .find((o) => o.id === optionId);
    if (!option) {
      throw new ModelError(
        'unknown-modifier',
        `${item.name} has no modifier ${String(optionId)}`,
      );
    }
    if (item.soldOutModifiers?.includes(option.id)) {
      throw new ModelError(
        'item-unavailable',
        `${item.name} with ${option.name} is not available: an ingredient ran out`,
        'modifiers',
      );
    }
    return { id: option.id, name: option.name, priceDelta: option.priceDelta };
  });
  for (const group of groups) {
    const chosen = group.options.filter((o) => optionIds.includes(o.id)).length;
    if (chosen < group.min || chosen > group.max) {
      throw new ModelError(
        'invalid-argument',
        `${item.name}: choose ${group.min} to ${group.max} of ${group.name}`,
      );
    }
  }
  const unit = item.price + modifiers.reduce((a, m) => a + m.priceDelta, 0);
  if (unit < 0) {
    throw new ModelError('invalid-price', `${item.name} would cost ${unit}`);
  }
  const tax = menu.taxRates.find((r) => r.id === item.taxRateId)!;
  return {
    itemId: item.id,
    name: item.name,
    unitPrice: item.price,
    modifiers,
    tax: { ...tax },
    station: item.stationId,
  };
}

/** The day's pricing rules, copied from the menu once per day. */
export function pricingFields(menu: Menu): JsonObject {
  const scRate = menu.taxRates.find(
    (r) => r.id === menu.serviceChargeTaxRateId,
  );
  return {
    currency: { ...menu.currency },
    taxRounding: menu.taxRounding,
    serviceChargeTax: scRate ? { ...scRate } : null,
    taxNames: Object.fromEntries(menu.taxRates.map((r) => [r.id, r.name])),
  };
}
