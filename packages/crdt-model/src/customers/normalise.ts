/** How phone numbers and e-mail addresses are compared and stored. */
import { ModelError } from '../errors.ts';
import { type PhonePlan, phonePlan } from './phone-countries.ts';

/**
 * A phone number in E.164 shape (`+<digits>`) whenever the country is
 * known: spaces, dashes, dots and brackets go; a leading `00` becomes `+`.
 * With `country` (an ISO code of `PHONE_PLANS`, e.g. `GB`, or calling-code
 * digits, e.g. `44`), a national number takes the country code: its trunk
 * prefix `0` is dropped (`07700 900123` is `+447700900123`), a number of
 * a national length without the prefix gets the code (`50 123 4567` in
 * `SA` is `+966501234567`), digits that already start with the code and
 * then a national length get the `+`, and the `(0)` some write after the
 * code (`+44 (0)7700...`) goes. Without a country a national number stays
 * as its digits. Refused unless 6 to 15 digits remain.
 *
 * @example
 * normalisePhone('07700 900-123', 'GB'); // '+447700900123'
 * normalisePhone('0501234567', 'SA');    // '+966501234567'
 */
export function normalisePhone(raw: unknown, country?: string): string {
  if (typeof raw !== 'string') {
    throw new ModelError('invalid-argument', 'phone must be a string', 'phone');
  }
  let phone = raw.trim().replace(/[\s().-]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  const plan = phonePlan(country);
  if (plan) phone = inPlan(phone, plan);
  const digits = phone.startsWith('+') ? phone.slice(1) : phone;
  if (!/^\d{6,15}$/.test(digits)) {
    throw new ModelError(
      'invalid-argument',
      'phone must hold 6 to 15 digits, optionally after +',
      'phone',
    );
  }
  return phone;
}

/**
 * The key two stored phones are compared by: a stored national number
 * (kept before the book knew its country) read in `country`, so it
 * matches the same number stored with its code.
 */
export function phoneKey(stored: string, country?: string): string {
  if (stored.startsWith('+') || !country) return stored;
  try {
    return normalisePhone(stored, country);
  } catch {
    return stored;
  }
}

function inPlan(phone: string, plan: PhonePlan): string {
  const { callingCode: code, trunk, nationalLengths: lengths } = plan;
  if (phone.startsWith(`+${code}${trunk}`) && lengths.length > 0) {
    const rest = phone.slice(1 + code.length + trunk.length);
    if (lengths.includes(rest.length)) return `+${code}${rest}`;
  }
  if (phone.startsWith('+') || !/^\d+$/.test(phone)) return phone;
  if (phone.startsWith(trunk)) return `+${code}${phone.slice(trunk.length)}`;
  const afterCode = phone.length - code.length;
  if (phone.startsWith(code) && lengths.includes(afterCode)) return `+${phone}`;
  if (lengths.includes(phone.length)) return `+${code}${phone}`;
  return phone;
}

/** An e-mail address trimmed and lower-cased; refused unless `x@y.z`. */
export function normaliseEmail(raw: unknown): string {
  if (typeof raw !== 'string') {
    throw new ModelError('invalid-argument', 'email must be a string', 'email');
  }
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new ModelError(
      'invalid-argument',
      'email must look like name@example.com',
      'email',
    );
  }
  return email;
}
