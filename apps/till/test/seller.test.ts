import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestTill } from './test-till.ts';

/** The TLV records of a ZATCA QR code, by tag. */
function qrFields(qr: string): Map<number, string> {
  const bytes = Buffer.from(qr, 'base64');
  const fields = new Map<number, string>();
  for (let at = 0; at < bytes.length; ) {
    const tag = bytes[at] as number;
    const length = bytes[at + 1] as number;
    fields.set(tag, bytes.subarray(at + 2, at + 2 + length).toString('utf8'));
    at += 2 + length;
  }
  return fields;
}

async function settleBurger(
  api: Awaited<ReturnType<typeof startTestTill>>['api'],
) {
  const order = (await api('POST', '/api/orders', { table: '3' })).body.id;
  await api('POST', `/api/orders/${order}/lines`, {
    itemId: 'burger',
    modifiers: ['medium'],
  });
  const settled = await api('POST', `/api/orders/${order}/settle`, {
    payments: [{ method: 'card', amount: 1650 }],
  });
  assert.is(settled.status, 201, JSON.stringify(settled.body));
  return settled.body;
}

test('the seller and VAT number given at start reach the receipt, the QR code and the journal', async () => {
  const t = await startTestTill({
    sellerName: 'مطعم الواحة',
    vatNumber: '399999999900003',
  });
  try {
    const sale = await settleBurger(t.api);
    const fields = qrFields(sale.qr);
    assert.is(fields.get(1), 'مطعم الواحة');
    assert.is(fields.get(2), '399999999900003');
    assert.match(sale.receipt, /مطعم الواحة/);
    assert.match(sale.receipt, /VAT 399999999900003/);
    const entry = t.till.store.journal.get(sale.seq);
    assert.equal(entry?.payload.seller, {
      name: 'مطعم الواحة',
      vatNumber: '399999999900003',
    });
  } finally {
    await t.stop();
  }
});

test('without them the branch id is the seller and the VAT number is empty', async () => {
  const t = await startTestTill();
  try {
    const fields = qrFields((await settleBurger(t.api)).qr);
    assert.is(fields.get(1), 'b1');
    assert.is(fields.get(2), '');
  } finally {
    await t.stop();
  }
});

test.run();
