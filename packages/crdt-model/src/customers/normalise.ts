/** How phone numbers and e-mail addresses are compared and stored. */
import { ModelError } from '../errors.ts';

/**
 * A phone number as `+<digits>` (E.164 shape) or, when no country is known,
 * the national digits: spaces, dashes, dots and brackets go; a leading
 * `00` becomes `+`; with `countryCode` (e.g. `44`), a national number's
 * leading `0` becomes `+44`. Refused unless 6 to 15 digits remain.
 *
 * @example
 * normalisePhone('07700 900-123', '44'); // '+447700900123'
 */
export function normalisePhone(raw: unknown, countryCode?: string): string {
  if (typeof raw !== 'string') {
    throw new ModelError('invalid-argument', 'phone must be a string', 'phone');
  }
  let phone = raw.trim().replace(/[\s().-]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  if (!phone.startsWith('+') && countryCode && phone.startsWith('0')) {
    phone = `+${countryCode}${phone.slice(1)}`;
  }
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
