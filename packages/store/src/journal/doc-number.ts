/**
 * Fiscal document numbers: one gapless series per device for invoices
 * and credit notes, `<branch>-<device>-<6+ digits>`. The number is also
 * the ZATCA invoice counter (ICV) and the FBR/PRA USIN, so it never
 * resets and follows generation order.
 */

/** Digits of the counter before it grows wider. */
export const DOC_NUMBER_DIGITS = 6;

/** The kinds that consume a document number. */
export const DOCUMENT_KINDS: ReadonlySet<string> = new Set([
  'sale',
  'credit-note',
]);

/** `formatDocNo('riyadh', 'till-1', 7)` is `riyadh-till-1-000007`. */
export function formatDocNo(
  branch: string,
  device: string,
  counter: number,
): string {
  return `${branch}-${device}-${String(counter).padStart(DOC_NUMBER_DIGITS, '0')}`;
}

/** The series (`<branch>-<device>`) and counter of a document number. */
export interface ParsedDocNo {
  series: string;
  counter: number;
}

const DIGITS = /^\d+$/;

/**
 * Splits a document number, or returns null when it is malformed. The
 * result is frozen: verifying an entry parses its number and its
 * predecessor's several times, so the last two results are kept.
 */
export function parseDocNo(docNo: string): Readonly<ParsedDocNo> | null {
  if (docNo === recent[0]) return recentParsed[0] ?? null;
  if (docNo === recent[1]) return recentParsed[1] ?? null;
  const parsed = parse(docNo);
  recent[1] = recent[0];
  recentParsed[1] = recentParsed[0];
  recent[0] = docNo;
  recentParsed[0] = parsed && Object.freeze(parsed);
  return parsed;
}

const recent: (string | undefined)[] = [undefined, undefined];
const recentParsed: (Readonly<ParsedDocNo> | null | undefined)[] = [
  undefined,
  undefined,
];

function parse(docNo: string): ParsedDocNo | null {
  const cut = docNo.lastIndexOf('-');
  if (cut < 1) return null;
  const digits = docNo.slice(cut + 1);
  if (digits.length < DOC_NUMBER_DIGITS || !DIGITS.test(digits)) return null;
  const counter = Number(digits);
  if (!Number.isSafeInteger(counter) || counter < 1) return null;

  // Leading zeros only pad to six digits; 0000007 would be a second
  // spelling of 000007 and is refused.
  if (digits.length > DOC_NUMBER_DIGITS && digits.startsWith('0')) return null;
  return { series: docNo.slice(0, cut), counter };
}
