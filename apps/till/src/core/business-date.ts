/** The business date a till works on. */

/**
 * The business date at `now` on this machine's clock, `YYYY-MM-DD`
 * (local time). A day starts at `dayStartsAt` minutes past midnight: a
 * bar whose day starts at 04:00 (240) still books a sale at 01:30 on
 * the day before. Counted on the calendar, not by subtracting hours,
 * so a change to or from summer time moves nothing.
 *
 * @example
 * localBusinessDate(new Date(2026, 11, 4, 1, 30), 240); // '2026-12-03'
 */
export function localBusinessDate(now = new Date(), dayStartsAt = 0): string {
  const minutes = now.getHours() * 60 + now.getMinutes();
  const day =
    minutes < dayStartsAt
      ? new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1)
      : now;
  const y = day.getFullYear();
  const m = String(day.getMonth() + 1).padStart(2, '0');
  const d = String(day.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Latest start of a business day accepted, in minutes (11:59). */
export const MAX_DAY_START = 12 * 60 - 1;
