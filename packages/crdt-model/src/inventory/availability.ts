/**
 * What can be sold given the stock: a dish whose base ingredient ran out
 * is sold out, and so is each modifier option whose own ingredient ran
 * out (extra bacon with no bacon left), for that dish only, since each
 * dish's recipe says what its options use. A dish is sold out too when a
 * group it requires a choice from has too few options left.
 */
import type { Menu, MenuItem } from '../menu/menu.ts';
import type { Components, Recipe } from './records.ts';

/** The stock ids of `parts` that are used (quantity above zero) and out. */
export function outOf(
  parts: Components,
  level: (stockId: string) => number | undefined,
): string[] {
  return Object.entries(parts)
    .filter(([id, qty]) => qty > 0 && (level(id) ?? 1) <= 0)
    .map(([id]) => id)
    .sort();
}

/** The options of `recipe` that use an ingredient that is out, sorted. */
export function optionsOut(
  recipe: Recipe | undefined,
  level: (stockId: string) => number | undefined,
): string[] {
  if (!recipe) return [];
  return Object.entries(recipe.modifiers)
    .filter(([, parts]) => outOf(parts, level).length > 0)
    .map(([option]) => option)
    .sort();
}

/**
 * `item` as it may be sold: `soldOutModifiers` set to the options that are
 * out, and `available` false when a group it requires a choice from has
 * fewer options left than it must choose.
 */
export function withOptionsOut(
  menu: Menu,
  item: MenuItem,
  out: readonly string[],
): MenuItem {
  if (out.length === 0) return item;
  const starved = item.modifierGroupIds.some((groupId) => {
    const group = menu.modifierGroups.find((g) => g.id === groupId);
    if (!group) return false;
    const left = group.options.filter((o) => !out.includes(o.id)).length;
    return left < group.min;
  });
  return {
    ...item,
    available: item.available && !starved,
    soldOutModifiers: [...out],
  };
}
