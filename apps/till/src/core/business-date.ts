/** The business date a till works on. */

/** Today's date on this machine's clock, `YYYY-MM-DD` (local time). */
export function localBusinessDate(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
