import { ModelError } from '../errors.ts';
import { isValidId } from '../ids.ts';
import type { TaxRate } from '../money/totals.ts';
import type {
  Category,
  Menu,
  MenuItem,
  ModifierGroup,
  ModifierOption,
  Station,
} from './menu.ts';

/**
 * Checks menu JSON and returns a {@link Menu}; throws a `ModelError` with
 * code `invalid-menu` whose `path` names the field at fault
 * (`items[3].price`). Unknown fields are dropped.
 *
 * @example
 * const menu = parseMenu(JSON.parse(readFileSync('menu.json', 'utf8')));
 */
export function parseMenu(json: unknown): Menu {
  const root = object(json, '');
  const currencyJson = object(root.currency, 'currency');
  const currency = {
    code: pattern(currencyJson.code, 'currency.code', /^[A-Z]{3}$/),
    exponent: integer(currencyJson.exponent, 'currency.exponent', 0, 4),
  };
  const taxRounding = oneOf(root.taxRounding ?? 'per-invoice', 'taxRounding', [
    'per-invoice',
    'per-line',
  ] as const);

  const taxRates = list(root.taxRates, 'taxRates', parseTaxRate);
  const stations = list(root.stations, 'stations', parseNamed);
  const categories = list(root.categories, 'categories', parseNamed);
  const modifierGroups = list(
    root.modifierGroups,
    'modifierGroups',
    parseGroup,
  );
  const items = list(root.items, 'items', parseItem);
  unique(taxRates, 'taxRates');
  unique(stations, 'stations');
  unique(categories, 'categories');
  unique(modifierGroups, 'modifierGroups');
  unique(items, 'items');
  const optionIds = new Set<string>();
  modifierGroups.forEach((group, g) => {
    group.options.forEach((option, o) => {
      if (optionIds.has(option.id)) {
        fail(
          `modifierGroups[${g}].options[${o}].id`,
          `duplicate id ${option.id}`,
        );
      }
      optionIds.add(option.id);
    });
  });

  const has = (rows: { id: string }[]) => new Set(rows.map((r) => r.id));
  const rateIds = has(taxRates);
  const serviceChargeTaxRateId =
    root.serviceChargeTaxRateId === undefined ||
    root.serviceChargeTaxRateId === null
      ? null
      : reference(
          root.serviceChargeTaxRateId,
          'serviceChargeTaxRateId',
          rateIds,
        );
  items.forEach((item, i) => {
    const at = `items[${i}]`;
    reference(item.categoryId, `${at}.categoryId`, has(categories));
    reference(item.taxRateId, `${at}.taxRateId`, rateIds);
    reference(item.stationId, `${at}.stationId`, has(stations));
    item.modifierGroupIds.forEach((g, j) => {
      reference(g, `${at}.modifierGroupIds[${j}]`, has(modifierGroups));
    });
  });

  return {
    currency,
    taxRounding,
    serviceChargeTaxRateId,
    taxRates,
    stations,
    categories,
    modifierGroups,
    items,
  };
}

type JsonRecord = Record<string, unknown>;

function parseTaxRate(json: unknown, at: string): TaxRate {
  const o = object(json, at);
  return {
    id: id(o.id, `${at}.id`),
    name: text(o.name, `${at}.name`),
    basisPoints: integer(o.basisPoints, `${at}.basisPoints`, 0, 10_000),
    inclusive: bool(o.inclusive, `${at}.inclusive`),
  };
}

function parseNamed(json: unknown, at: string): Station & Category {
  const o = object(json, at);
  return { id: id(o.id, `${at}.id`), name: text(o.name, `${at}.name`) };
}

function parseGroup(json: unknown, at: string): ModifierGroup {
  const o = object(json, at);
  const options = list(o.options, `${at}.options`, parseOption);
  const min = integer(o.min ?? 0, `${at}.min`, 0, options.length);
  const max = integer(
    o.max ?? options.length,
    `${at}.max`,
    min,
    options.length,
  );
  return {
    id: id(o.id, `${at}.id`),
    name: text(o.name, `${at}.name`),
    min,
    max,
    options,
  };
}

function parseOption(json: unknown, at: string): ModifierOption {
  const o = object(json, at);
  return {
    id: id(o.id, `${at}.id`),
    name: text(o.name, `${at}.name`),
    priceDelta: integer(o.priceDelta ?? 0, `${at}.priceDelta`, -1e9, 1e9),
  };
}

function parseItem(json: unknown, at: string): MenuItem {
  const o = object(json, at);
  return {
    id: id(o.id, `${at}.id`),
    name: text(o.name, `${at}.name`),
    categoryId: id(o.categoryId, `${at}.categoryId`),
    price: integer(o.price, `${at}.price`, 0, 1e9),
    taxRateId: id(o.taxRateId, `${at}.taxRateId`),
    stationId: id(o.stationId, `${at}.stationId`),
    modifierGroupIds: list(
      o.modifierGroupIds ?? [],
      `${at}.modifierGroupIds`,
      id,
    ),
    available: bool(o.available ?? true, `${at}.available`),
  };
}

function fail(path: string, problem: string): never {
  throw new ModelError(
    'invalid-menu',
    `menu ${path || '(root)'}: ${problem}`,
    path,
  );
}

function object(value: unknown, at: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(at, 'must be an object');
  }
  return value as JsonRecord;
}

function list<T>(
  value: unknown,
  at: string,
  parse: (item: unknown, at: string) => T,
): T[] {
  if (!Array.isArray(value)) fail(at, 'must be an array');
  return value.map((item, i) => parse(item, `${at}[${i}]`));
}

function id(value: unknown, at: string): string {
  if (!isValidId(value)) fail(at, 'must be an id of [A-Za-z0-9_:-], 1-100');
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    fail(at, 'must be a non-empty string of at most 200 characters');
  }
  return value;
}

function pattern(value: unknown, at: string, re: RegExp): string {
  if (typeof value !== 'string' || !re.test(value)) {
    fail(at, `must match ${re}`);
  }
  return value;
}

function integer(value: unknown, at: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(at, 'must be an integer (minor units, basis points or a count)');
  }
  if (value < min || value > max) fail(at, `must be between ${min} and ${max}`);
  return value;
}

function bool(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') fail(at, 'must be true or false');
  return value;
}

function oneOf<T extends string>(
  value: unknown,
  at: string,
  options: readonly T[],
): T {
  if (!options.includes(value as T)) {
    fail(at, `must be one of ${options.join(', ')}`);
  }
  return value as T;
}

function reference(value: unknown, at: string, known: Set<string>): string {
  const ref = id(value, at);
  if (!known.has(ref)) fail(at, `refers to unknown id ${ref}`);
  return ref;
}

function unique(rows: { id: string }[], at: string): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (seen.has(row.id)) fail(`${at}[${i}].id`, `duplicate id ${row.id}`);
    seen.add(row.id);
  });
}
