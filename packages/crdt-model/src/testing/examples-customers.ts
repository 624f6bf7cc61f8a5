import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { CustomerBook } from '../customers/customer-book.ts';
import { normaliseEmail, normalisePhone } from '../customers/normalise.ts';
import { carryCustomerLinks, orderRefOf } from '../customers/order-links.ts';
import { ServiceDay } from '../day/service-day.ts';
import { ModelError } from '../errors.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { EngineFactory } from './factories.ts';

/** Replicas of one customer book, devices `till-1`, `till-2`, ... */
export function books(factory: EngineFactory, count: number) {
  let clock = 1_796_000_000_000;
  let n = 0;
  const list = Array.from(
    { length: count },
    (_, i) =>
      new CustomerBook(factory.create(i), {
        device: `till-${i + 1}`,
        countryCode: '44',
        now: () => (clock += 1000),
        newId: () => `r${i}n${n++}`,
      }),
  );
  const syncAll = () => {
    for (const a of list) {
      for (const b of list) {
        if (a !== b) b.engine.applyUpdate(a.engine.encodeState());
      }
    }
  };
  return { books: list, syncAll };
}

const refusedWith = (code: string) => (e: unknown) =>
  e instanceof ModelError && e.code === code;

export function customerExamples(test: Test, factory: EngineFactory): void {
  test('customers: phone and e-mail are normalised', () => {
    assert.is(normalisePhone('07700 900-123', '44'), '+447700900123');
    assert.is(normalisePhone('0044 (7700) 900.123'), '+447700900123');
    assert.is(normalisePhone('+966 50 123 4567'), '+966501234567');
    assert.is(
      normaliseEmail('  Ana.Lopez@Example.COM '),
      'ana.lopez@example.com',
    );
    assert.throws(() => normalisePhone('12'), refusedWith('invalid-argument'));
    assert.throws(
      () => normaliseEmail('ana@'),
      refusedWith('invalid-argument'),
    );
    const [book] = books(factory, 1).books;
    const id = book!.createCustomer({
      name: ' Ana ',
      phone: '07700 900123',
      email: 'ANA@example.com',
      allergies: ['peanuts', 'gluten', 'peanuts'],
      marketingConsent: true,
    });
    const ana = book!.customer(id)!;
    assert.equal(
      [ana.name, ana.phone, ana.email, ana.allergies, ana.marketingConsent],
      ['Ana', '+447700900123', 'ana@example.com', ['gluten', 'peanuts'], true],
    );
    assert.equal(
      book!.search('7700 900').map((c) => c.id),
      [id],
    );
    assert.equal(
      book!.search('ana').map((c) => c.id),
      [id],
    );
    const before = book!.engine.encodeState();
    assert.throws(
      () => book!.createCustomer({ name: '' }),
      refusedWith('invalid-argument'),
    );
    assert.throws(
      () => book!.updateCustomer(id, { email: 'nope' }),
      refusedWith('invalid-argument'),
    );
    assert.throws(
      () => book!.updateCustomer('cu-none', { name: 'X' }),
      refusedWith('unknown-customer'),
    );
    assert.equal(book!.engine.encodeState(), before);
  });

  test('customers: a phone without its country code matches the same phone with it (SA, PK, GB)', () => {
    const cases: [string, string, string][] = [
      ['SA', '050 123 4567', '+966501234567'],
      ['SA', '501234567', '+966501234567'],
      ['SA', '966501234567', '+966501234567'],
      ['SA', '00966 50 123 4567', '+966501234567'],
      ['PK', '0300 1234567', '+923001234567'],
      ['PK', '3001234567', '+923001234567'],
      ['GB', '07700 900123', '+447700900123'],
      ['GB', '+44 (0)7700 900123', '+447700900123'],
      ['GB', '7700900123', '+447700900123'],
      ['44', '07700 900123', '+447700900123'],
    ];
    for (const [country, raw, e164] of cases) {
      assert.is(normalisePhone(raw, country), e164, `${country} ${raw}`);
    }
    assert.is(normalisePhone('+966501234567', 'GB'), '+966501234567');
    assert.is(normalisePhone('0501234567'), '0501234567', 'no country');

    // A book that learnt its country later still matches the old record.
    let country: string | undefined;
    const [a] = books(factory, 1).books;
    const book = new CustomerBook(a!.engine, {
      device: 'till-1',
      country: () => country,
    });
    const old = book.createCustomer({ name: 'Sara', phone: '050 123 4567' });
    assert.is(book.customer(old)!.phone, '0501234567');
    country = 'SA';
    const other = book.createCustomer({
      name: 'Sara A',
      phone: '+966 50 123 4567',
    });
    assert.equal(book.duplicates(), [
      { field: 'phone', value: '+966501234567', ids: [old, other].sort() },
    ]);
    assert.equal(
      book
        .search('0501234567')
        .map((c) => c.id)
        .sort(),
      [old, other].sort(),
    );
    assert.equal(book.search('+966501234567').length, 2);
    assert.equal(book.search('050123').length, 2, 'a partial national number');
  });

  test('customers: the same phone created on two tills offline is a duplicate pair, and a merge keeps orders and points', () => {
    const {
      books: [a, b],
      syncAll,
    } = books(factory, 2);
    const onA = a!.createCustomer({ name: 'Sam Reed', phone: '07700 900555' });
    const onB = b!.createCustomer({
      name: 'Samuel Reed',
      phone: '+44 7700 900555',
      email: 'sam@example.com',
    });
    a!.attachOrder({ customerId: onA, orderRef: 'soho/2026-12-03/o1' });
    a!.earn({ customerId: onA, points: 20, ref: 'till-1/1' });
    b!.attachOrder({ customerId: onB, orderRef: 'soho/2026-12-03/o2' });
    b!.earn({ customerId: onB, points: 15, ref: 'till-2/1' });
    syncAll();
    for (const book of [a!, b!]) {
      assert.equal(book.duplicates(), [
        { field: 'phone', value: '+447700900555', ids: [onA, onB].sort() },
      ]);
    }
    a!.merge({ keep: onA, drop: onB });
    // Till 2 has not seen the merge and earns on the dropped record.
    b!.earn({ customerId: onB, points: 5, ref: 'till-2/2' });
    syncAll();
    for (const book of [a!, b!]) {
      const sam = book.customer(onB)!;
      assert.is(sam.id, onA);
      assert.is(sam.points, 40);
      assert.equal(sam.orders, ['soho/2026-12-03/o1', 'soho/2026-12-03/o2']);
      assert.is(
        sam.email,
        'sam@example.com',
        'empty fields filled from the dropped record',
      );
      assert.equal(book.duplicates(), []);
      assert.is(book.customerOfOrder('soho/2026-12-03/o2'), onA);
    }
    assert.throws(
      () => b!.earn({ customerId: onB, points: 1, ref: 'x' }),
      refusedWith('customer-merged'),
    );
  });

  test('customers: two managers merging a pair both ways at once still keep every point', () => {
    const {
      books: [a, b],
      syncAll,
    } = books(factory, 2);
    const x = a!.createCustomer({ name: 'X', phone: '07700900001' });
    const y = a!.createCustomer({ name: 'Y', phone: '07700900001' });
    a!.earn({ customerId: x, points: 7, ref: 'r1' });
    a!.earn({ customerId: y, points: 3, ref: 'r2' });
    syncAll();
    a!.merge({ keep: x, drop: y });
    b!.merge({ keep: y, drop: x });
    syncAll();
    for (const book of [a!, b!]) {
      assert.is(book.customers().length, 1);
      assert.is(book.customer(x)!.points, 10);
      assert.is(book.customer(x)!.id, book.customer(y)!.id);
    }
  });

  test('customers: a replayed settlement earns once and redemption stops at the balance', () => {
    const [book] = books(factory, 1).books;
    const id = book!.createCustomer({ name: 'Lee' });
    book!.earn({ customerId: id, points: 30, ref: 'till-1/7' });
    assert.is(
      book!.earn({ customerId: id, points: 30, ref: 'till-1/7' }),
      undefined,
    );
    book!.redeem({
      customerId: id,
      points: 10,
      reason: 'birthday',
      ref: 'till-1/8',
    });
    book!.redeem({
      customerId: id,
      points: 10,
      reason: 'birthday',
      ref: 'till-1/8',
    });
    assert.is(book!.customer(id)!.points, 20);
    assert.throws(
      () =>
        book!.redeem({
          customerId: id,
          points: 21,
          reason: 'x',
          ref: 'till-1/9',
        }),
      refusedWith('insufficient-points'),
    );
    assert.equal(
      book!.loyaltyMoves().map((m) => [m.kind, m.delta]),
      [
        ['earn', 30],
        ['redeem', -10],
      ],
    );
  });

  test('customers: an order carried into the next business day keeps its customer on every till', () => {
    const {
      books: [a, b],
      syncAll,
    } = books(factory, 2);
    const day = (replica: number, date: string) =>
      new ServiceDay(factory.create(replica + 10), {
        device: `till-${replica + 1}`,
        menu: demoMenu,
        date,
      });
    const today = day(0, '2026-12-03');
    const guest = today.openOrder({ table: '4' });
    const walkIn = today.openOrder({ table: '5' });
    const gone = today.openOrder({ table: '6' });
    const ana = a!.createCustomer({ name: 'Ana' });
    const ben = a!.createCustomer({ name: 'Ben' });
    a!.attachOrder({
      customerId: ana,
      orderRef: orderRefOf('b1', '2026-12-03', guest),
    });
    a!.attachOrder({
      customerId: ben,
      orderRef: orderRefOf('b1', '2026-12-03', gone),
    });
    a!.erase(ben);
    syncAll();

    const carried = today.carryOver(day(0, '2026-12-04'));
    assert.equal(carried.sort(), [guest, walkIn, gone].sort());
    const link = {
      branch: 'b1',
      from: '2026-12-03',
      to: '2026-12-04',
      orderIds: carried,
    };
    // Both tills roll over at once, apart: the links are a set union.
    assert.is(carryCustomerLinks(a!, link), 1);
    assert.is(carryCustomerLinks(b!, link), 1);
    syncAll();
    for (const book of [a!, b!]) {
      const tomorrow = (id: string) => orderRefOf('b1', '2026-12-04', id);
      assert.is(book.customerOfOrder(tomorrow(guest)), ana);
      assert.is(book.customerOfOrder(tomorrow(walkIn)), undefined);
      assert.is(book.customerOfOrder(tomorrow(gone)), undefined, 'erased');
      assert.equal(book.customer(ana)!.orders, [
        orderRefOf('b1', '2026-12-03', guest),
        orderRefOf('b1', '2026-12-04', guest),
      ]);
    }
  });

  test('customers: two tills apart redeeming the same points are flagged overdrawn on both once they meet', () => {
    const {
      books: [a, b],
      syncAll,
    } = books(factory, 2);
    const id = a!.createCustomer({ name: 'Noor' });
    a!.earn({ customerId: id, points: 100, ref: 'till-1/1' });
    syncAll();
    assert.equal(a!.overdrawn(), []);
    const first = a!.redeem({
      customerId: id,
      points: 80,
      reason: 'meal',
      ref: 'till-1/2',
    })!;
    const second = b!.redeem({
      customerId: id,
      points: 80,
      reason: 'meal',
      ref: 'till-2/1',
    })!;
    syncAll();
    for (const book of [a!, b!]) {
      assert.is(book.customer(id)!.points, -60, 'the overshoot shows');
      assert.equal(book.overdrawn(), [
        {
          customerId: id,
          balance: -60,
          redemptions: [first, second],
          uncovered: [second.id],
        },
      ]);
      assert.throws(
        () =>
          book.redeem({
            customerId: id,
            points: 1,
            reason: 'x',
            ref: `${book.device}/9`,
          }),
        refusedWith('insufficient-points'),
      );
    }
    // A manager settles it with an adjustment; the flag goes on both.
    a!.adjust({
      customerId: id,
      points: 60,
      reason: 'double redemption written off',
      ref: 'mgr/1',
    });
    syncAll();
    assert.equal(b!.overdrawn(), []);
  });

  test('customers: erasure removes personal fields on every replica for good', () => {
    const {
      books: [a, b],
      syncAll,
    } = books(factory, 2);
    const id = a!.createCustomer({
      name: 'Erin Example',
      phone: '07700 900777',
      email: 'erin@example.com',
      notes: 'window seat',
      allergies: ['shellfish'],
    });
    const twin = b!.createCustomer({ name: 'Erin E', phone: '07700 900777' });
    a!.earn({ customerId: id, points: 12, ref: 'till-1/3' });
    a!.attachOrder({ customerId: id, orderRef: 'soho/2026-12-03/o9' });
    syncAll();
    a!.merge({ keep: id, drop: twin });
    syncAll();
    b!.updateCustomer(id, { notes: 'likes the booth' }); // concurrent with the erasure
    assert.equal(a!.erase(id).sort(), [id, twin].sort());
    syncAll();
    // Whichever write won, a scrub on receipt leaves nothing personal.
    b!.scrubErased();
    syncAll();
    assert.is(a!.scrubErased(), 0);
    assert.is(b!.scrubErased(), 0);
    for (const book of [a!, b!]) {
      const erin = book.customer(id)!;
      assert.equal(
        [
          erin.erased,
          erin.name,
          erin.phone,
          erin.email,
          erin.notes,
          erin.allergies,
        ],
        [true, '', null, null, '', []],
      );
      assert.is(erin.points, 12, 'points stay, without a name');
      assert.equal(erin.orders, ['soho/2026-12-03/o9']);
      assert.equal(book.search('erin'), []);
      assert.throws(
        () => book.updateCustomer(id, { name: 'Back' }),
        refusedWith('customer-erased'),
      );
    }
    if (factory.name === 'yjs') {
      // Byte by byte (latin-1): the package has no DOM or Node types, and
      // the secrets searched for are ASCII.
      const bytes = Array.from(a!.engine.encodeState(), (b) =>
        String.fromCharCode(b),
      ).join('');
      for (const secret of [
        'Erin',
        '900777',
        'erin@example.com',
        'window seat',
        'shellfish',
        'booth',
      ]) {
        assert.not.ok(
          bytes.includes(secret),
          `${secret} still in the document`,
        );
      }
    }
  });
}
