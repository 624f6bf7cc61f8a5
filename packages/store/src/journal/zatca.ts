/**
 * ZATCA (Saudi Arabia) simplified-invoice QR code, phase 1 fields: TLV
 * records of one tag byte, one length byte (the value's UTF-8 length)
 * and the value, concatenated and base64 encoded.
 *
 * Only phase 1 (tags 1-5) is produced: the store signs nothing, so the
 * phase 2 tags (invoice hash of the UBL XML, ECDSA signature, public key)
 * are left to an integration with the device's ZATCA certificate.
 */
import type { JournalEntry } from './entry.ts';
import type { SalePayload } from './payloads.ts';

/**
 * Previous-invoice hash of a device's first invoice: base64 of the hex
 * text of SHA-256("0"), as ZATCA specifies. Its hex form is the
 * journal's `GENESIS_HASH`.
 */
export const ZATCA_FIRST_PIH =
  'NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ==';

/** Thrown when a QR field does not fit a TLV record. */
export class ZatcaQrError extends Error {
  readonly code = 'zatca-qr';
}

/** Tags 1-5 of the simplified-invoice QR code. */
export interface ZatcaQrFields {
  /** Tag 1. */
  sellerName: string;
  /** Tag 2, the seller's VAT registration number. */
  vatNumber: string;
  /** Tag 3, ISO 8601, e.g. `2022-04-25T15:30:00Z`. */
  timestamp: string;
  /** Tag 4, total with VAT as a decimal string, e.g. `1000.00`. */
  total: string;
  /** Tag 5, VAT total as a decimal string. */
  vat: string;
}

/**
 * Encodes the QR payload (base64 text to put in the QR symbol).
 *
 * @example
 * zatcaQr({ sellerName: 'Salla', vatNumber: '1234567891',
 *   timestamp: '2021-07-12T14:25:09Z', total: '100.00', vat: '15.00' });
 */
export function zatcaQr(fields: ZatcaQrFields): string {
  const values = [
    fields.sellerName,
    fields.vatNumber,
    fields.timestamp,
    fields.total,
    fields.vat,
  ];
  const records = values.map((value, i) => tlv(i + 1, value));
  return Buffer.concat(records).toString('base64');
}

/** QR fields of a journalled sale or credit note. */
export function zatcaQrForEntry(entry: JournalEntry, fractionDigits = 2) {
  const seller = (entry.payload as unknown as SalePayload).seller;
  return zatcaQr({
    sellerName: seller.name,
    vatNumber: seller.vatNumber,
    // Second precision, as the test vectors and the regulation print it.
    timestamp: `${entry.ts.slice(0, 19)}Z`,
    total: formatMinor(entry.total, fractionDigits),
    vat: formatMinor(entry.tax, fractionDigits),
  });
}

/** `formatMinor(100050, 2)` is `1000.50`: minor units as a decimal string. */
export function formatMinor(amount: number, fractionDigits = 2): string {
  if (!Number.isSafeInteger(amount)) {
    throw new ZatcaQrError(`${amount} is not an amount in minor units`);
  }
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(fractionDigits + 1, '0');
  if (fractionDigits === 0) return `${sign}${digits}`;
  const cut = digits.length - fractionDigits;
  return `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

function tlv(tag: number, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 255) {
    throw new ZatcaQrError(`QR tag ${tag} is ${bytes.length} bytes (max 255)`);
  }
  return Buffer.concat([Buffer.from([tag, bytes.length]), bytes]);
}
