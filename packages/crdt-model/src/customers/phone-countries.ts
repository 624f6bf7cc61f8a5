/**
 * The phone numbering plans Brigade knows, for turning a number written
 * the national way into E.164 (`+<country code><national number>`). Only
 * the first markets are here; a full library (Google's libphonenumber,
 * whose JavaScript port is not in this project's package registry mirror)
 * would know every country's lengths and prefixes. Add a row to support
 * another country.
 *
 * - `callingCode`: the digits after `+`.
 * - `trunk`: the prefix dialled before a national number inside the
 *   country (`0` in all three), dropped in E.164.
 * - `nationalLengths`: digits of a national number without the trunk
 *   prefix (Saudi mobiles `5x xxx xxxx` are 9; Pakistani mobiles
 *   `3xx xxx xxxx` 10; British numbers 10, a few older ones 9).
 */
export interface PhonePlan {
  callingCode: string;
  trunk: string;
  nationalLengths: readonly number[];
}

/** Plans by ISO 3166-1 alpha-2 country code. */
export const PHONE_PLANS: Readonly<Record<string, PhonePlan>> = {
  SA: { callingCode: '966', trunk: '0', nationalLengths: [8, 9] },
  PK: { callingCode: '92', trunk: '0', nationalLengths: [9, 10] },
  GB: { callingCode: '44', trunk: '0', nationalLengths: [9, 10] },
};

/**
 * The plan of `country`: an ISO code from {@link PHONE_PLANS}, or bare
 * calling-code digits (`'44'`), which get trunk prefix `0` and no length
 * rule. Undefined for no country or an unknown one.
 */
export function phonePlan(country: string | undefined): PhonePlan | undefined {
  if (!country) return undefined;
  if (/^\d{1,3}$/.test(country)) {
    return { callingCode: country, trunk: '0', nationalLengths: [] };
  }
  return PHONE_PLANS[country.toUpperCase()];
}

/**
 * The country (ISO code) whose currency `currencyCode` is, among the
 * known plans; how a till without `--country` picks one from its menu.
 */
export function countryOfCurrency(currencyCode: string): string | undefined {
  return { SAR: 'SA', PKR: 'PK', GBP: 'GB' }[currencyCode];
}
