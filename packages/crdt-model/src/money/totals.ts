import { allocate, divideHalfUp, percentOf } from './rounding.ts';

/**
 * How an order's totals are computed, in integer minor units only.
 *
 * 1. Each line's amount is `qty × (unit price + modifier deltas)`: exact.
 * 2. `subtotal` is the sum of line amounts, as priced on the menu (tax
 *    included for inclusive rates, excluded for exclusive ones).
 * 3. A percentage discount is `subtotal × bp / 10000` rounded half up; an
 *    amount discount is capped at the subtotal. The discount is spread over
 *    the lines in proportion to their amounts (largest remainder), so each
 *    line's taxable amount is a whole number of minor units.
 * 4. A percentage service charge is taken on the discounted subtotal,
 *    rounded half up. It is taxed at the menu's service-charge rate, or not
 *    at all when the menu names none.
 * 5. Tax per rate, rounded half up to the minor unit:
 *    inclusive `amount × bp / (10000 + bp)`, exclusive `amount × bp / 10000`.
 *    With rounding `per-invoice` (the default) the formula is applied once
 *    to each rate's summed amount; with `per-line` to each line, and the
 *    rounded line taxes are summed. The two can differ by a few minor units.
 * 6. `total` = subtotal − discount + service charge + exclusive tax.
 */
export type TaxRounding = 'per-invoice' | 'per-line';

/** An order discount or service charge: a percentage or a fixed amount. */
export type Adjustment =
  | { kind: 'percent'; basisPoints: number }
  | { kind: 'amount'; amount: number };

/** The tax a line or the service charge is priced with. */
export interface TaxRate {
  id: string;
  name: string;
  /** 2000 = 20%. */
  basisPoints: number;
  /** True: prices include the tax; false: the tax is added on top. */
  inclusive: boolean;
}

export interface PricedAmount {
  /** Minor units, as priced (see {@link TaxRate.inclusive}). */
  amount: number;
  tax: TaxRate;
}

export interface TotalsInput {
  lines: readonly PricedAmount[];
  discount: Adjustment | null;
  serviceCharge: Adjustment | null;
  /** Tax on the service charge; null: the service charge is not taxed. */
  serviceChargeTax: TaxRate | null;
  rounding: TaxRounding;
}

/** Tax of one rate on one invoice. */
export interface TaxBreakdown {
  rateId: string;
  name: string;
  basisPoints: number;
  inclusive: boolean;
  /** Taxable amount without tax (net). */
  base: number;
  tax: number;
}

export interface Totals {
  /** Sum of line amounts before discount, as priced. */
  subtotal: number;
  discount: number;
  serviceCharge: number;
  /** One entry per rate, ordered by rate id then basis points. */
  taxes: TaxBreakdown[];
  /** All tax, included and added. */
  tax: number;
  /** The part of `tax` added on top of prices (exclusive rates). */
  taxAdded: number;
  /** What the guest pays. */
  total: number;
}

/** Computes an order's totals by the rule above. */
export function computeTotals(input: TotalsInput): Totals {
  const amounts = input.lines.map((l) => l.amount);
  const subtotal = amounts.reduce((a, b) => a + b, 0);
  const discount = discountOf(subtotal, input.discount);
  const shares = allocate(discount, amounts);
  const discounted = subtotal - discount;
  const serviceCharge = chargeOf(discounted, input.serviceCharge);

  const taxable: PricedAmount[] = input.lines.map((line, i) => ({
    amount: line.amount - (shares[i] ?? 0),
    tax: line.tax,
  }));
  if (serviceCharge > 0 && input.serviceChargeTax) {
    taxable.push({ amount: serviceCharge, tax: input.serviceChargeTax });
  }
  const taxes = taxByRate(taxable, input.rounding);
  const tax = taxes.reduce((a, t) => a + t.tax, 0);
  const taxAdded = taxes
    .filter((t) => !t.inclusive)
    .reduce((a, t) => a + t.tax, 0);
  return {
    subtotal,
    discount,
    serviceCharge,
    taxes,
    tax,
    taxAdded,
    total: discounted + serviceCharge + taxAdded,
  };
}

/** The tax in `amount` (inclusive) or on it (exclusive), rounded half up. */
export function taxOf(amount: number, rate: TaxRate): number {
  const bp = rate.basisPoints;
  return rate.inclusive
    ? divideHalfUp(amount * bp, 10_000 + bp)
    : divideHalfUp(amount * bp, 10_000);
}

function discountOf(subtotal: number, discount: Adjustment | null): number {
  if (!discount) return 0;
  if (discount.kind === 'percent') {
    return percentOf(subtotal, Math.min(discount.basisPoints, 10_000));
  }
  return Math.min(discount.amount, subtotal);
}

function chargeOf(base: number, charge: Adjustment | null): number {
  if (!charge) return 0;
  return charge.kind === 'percent'
    ? percentOf(base, charge.basisPoints)
    : charge.amount;
}

function taxByRate(
  items: readonly PricedAmount[],
  rounding: TaxRounding,
): TaxBreakdown[] {
  const groups = new Map<
    string,
    { rate: TaxRate; amount: number; tax: number }
  >();
  for (const item of items) {
    const key = `${item.tax.id}|${item.tax.basisPoints}|${item.tax.inclusive}`;
    let group = groups.get(key);
    if (!group) {
      group = { rate: item.tax, amount: 0, tax: 0 };
      groups.set(key, group);
    }
    group.amount += item.amount;
    if (rounding === 'per-line') group.tax += taxOf(item.amount, item.tax);
  }
  const result = [...groups.values()].map(({ rate, amount, tax }) => {
    const t = rounding === 'per-line' ? tax : taxOf(amount, rate);
    return {
      rateId: rate.id,
      name: rate.name,
      basisPoints: rate.basisPoints,
      inclusive: rate.inclusive,
      base: rate.inclusive ? amount - t : amount,
      tax: t,
    };
  });
  return result.sort((a, b) =>
    a.rateId === b.rateId
      ? a.basisPoints - b.basisPoints
      : a.rateId < b.rateId
        ? -1
        : 1,
  );
}
