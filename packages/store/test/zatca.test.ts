import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatMinor,
  GENESIS_HASH,
  sealEntry,
  ZATCA_FIRST_PIH,
  ZatcaQrError,
  zatcaQr,
  zatcaQrForEntry,
} from '../src/index.ts';
import { saleDraft } from './journal-fixtures.ts';

const bobs = {
  sellerName: 'Bobs Records',
  vatNumber: '310122393500003',
  timestamp: '2022-04-25T15:30:00Z',
  total: '1000.00',
  vat: '150.00',
};

test('encodes the Bobs Records vector byte for byte', () => {
  assert.is(
    zatcaQr(bobs),
    'AQxCb2JzIFJlY29yZHMCDzMxMDEyMjM5MzUwMDAwMwMUMjAyMi0wNC0yNVQxNTozMDowMFoEBzEwMDAuMDAFBjE1MC4wMA==',
  );
});

test('encodes the Salla vector byte for byte', () => {
  const qr = zatcaQr({
    sellerName: 'Salla',
    vatNumber: '1234567891',
    timestamp: '2021-07-12T14:25:09Z',
    total: '100.00',
    vat: '15.00',
  });
  assert.is(
    qr,
    'AQVTYWxsYQIKMTIzNDU2Nzg5MQMUMjAyMS0wNy0xMlQxNDoyNTowOVoEBjEwMC4wMAUFMTUuMDA=',
  );
});

test('counts the Arabic seller name in UTF-8 bytes', () => {
  const qr = zatcaQr({ ...bobs, sellerName: 'الجواهري العربي' });
  assert.is(
    qr,
    'AR3Yp9mE2KzZiNin2YfYsdmKINin2YTYudix2KjZigIPMzEwMTIyMzkzNTAwMDAzAxQyMDIyLTA0LTI1VDE1OjMwOjAwWgQHMTAwMC4wMAUGMTUwLjAw',
  );
  assert.is(Buffer.from(qr, 'base64')[1], 0x1d);
});

test('pins the first previous-invoice hash to base64 of hex SHA-256("0")', () => {
  const hex = createHash('sha256').update('0').digest('hex');
  assert.is(hex, GENESIS_HASH);
  assert.is(Buffer.from(hex, 'utf8').toString('base64'), ZATCA_FIRST_PIH);
  assert.is(
    ZATCA_FIRST_PIH,
    'NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ==',
  );
});

test('builds the QR of a journalled sale from its integer totals', () => {
  const { entry } = sealEntry(null, {
    ...saleDraft(1, '2022-04-25T15:30:00.000Z'),
    total: 100000,
    tax: 15000,
    payload: {
      ...saleDraft(1, '2022-04-25T15:30:00.000Z').payload,
      total: 100000,
      tax: 15000,
    },
  });
  assert.is(zatcaQrForEntry(entry), zatcaQr(bobs));
});

test('formats minor units as decimal strings', () => {
  assert.is(formatMinor(5, 2), '0.05');
  assert.is(formatMinor(-12345, 2), '-123.45');
  assert.is(formatMinor(7, 0), '7');
  assert.throws(
    () => formatMinor(1.5),
    (e: unknown) => e instanceof ZatcaQrError,
  );
});

test('refuses a value longer than one length byte can say', () => {
  assert.throws(
    () => zatcaQr({ ...bobs, sellerName: 'x'.repeat(256) }),
    (e: unknown) => e instanceof ZatcaQrError,
  );
});

test.run();
