import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceDay } from '../day/service-day.ts';
import { ModelError } from '../errors.ts';
import type { LineId, OrderId } from '../ids.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { EngineFactory } from './factories.ts';
import { refuses, replicas } from './harness.ts';

/** Every refused operation: its code, and a document left unchanged. */
export function errorExamples(test: Test, factory: EngineFactory): void {
  const setUp = () => {
    const menu = {
      ...demoMenu,
      items: demoMenu.items.map((i) =>
        i.id === 'risotto' ? { ...i, available: false } : i,
      ),
    };
    const r = replicas(factory, 1, { menu, date: '2026-12-03' });
    const day = r.days[0]!;
    const orderId = day.openOrder({ table: '1' });
    const lineId = day.addLine({ orderId, itemId: 'lager' });
    return { day, engine: r.engines[0]!, orderId, lineId };
  };

  test('refuses unknown items, unavailable items and bad modifiers', () => {
    const { day, engine, orderId } = setUp();
    refuses(engine, 'unknown-item', () =>
      day.addLine({ orderId, itemId: 'pizza' }),
    );
    refuses(engine, 'item-unavailable', () =>
      day.addLine({ orderId, itemId: 'risotto' }),
    );
    refuses(engine, 'unknown-modifier', () =>
      day.addLine({ orderId, itemId: 'soup', modifiers: ['add-bacon'] }),
    );
    refuses(engine, 'unknown-modifier', () =>
      day.addLine({ orderId, itemId: 'steak', modifiers: ['rare', 'rare'] }),
    );
    refuses(engine, 'invalid-argument', () =>
      day.addLine({ orderId, itemId: 'steak' }),
    );
    refuses(engine, 'invalid-argument', () =>
      day.addLine({ orderId, itemId: 'steak', modifiers: ['rare', 'medium'] }),
    );
  });

  test('refuses quantities that are not whole, or go below zero', () => {
    const { day, engine, orderId, lineId } = setUp();
    refuses(engine, 'invalid-quantity', () =>
      day.addLine({ orderId, itemId: 'soup', qty: 0 }),
    );
    refuses(engine, 'invalid-quantity', () =>
      day.addLine({ orderId, itemId: 'soup', qty: 1.5 }),
    );
    refuses(engine, 'invalid-quantity', () =>
      day.changeQuantity({ lineId, delta: 0 }),
    );
    refuses(engine, 'quantity-below-zero', () =>
      day.changeQuantity({ lineId, delta: -2 }),
    );
    day.changeQuantity({ lineId, delta: -1 });
    assert.is(day.order(orderId)!.lines[0]!.qty, 0);
  });

  test('refuses negative or fractional amounts', () => {
    const { day, engine, orderId } = setUp();
    refuses(engine, 'invalid-price', () =>
      day.setDiscount({ orderId, discount: { kind: 'amount', amount: -1 } }),
    );
    refuses(engine, 'invalid-price', () =>
      day.setServiceCharge({
        orderId,
        serviceCharge: { kind: 'amount', amount: 1.5 },
      }),
    );
    refuses(engine, 'invalid-argument', () =>
      day.setDiscount({
        orderId,
        discount: { kind: 'percent', basisPoints: 10_001 },
      }),
    );
    refuses(engine, 'invalid-price', () =>
      day.claimSettlement({ orderId, docNo: 1, total: -625 }),
    );
  });

  test('refuses unknown ids and bad arguments', () => {
    const { day, engine, lineId } = setUp();
    const ghost = 'ghost' as OrderId;
    refuses(engine, 'unknown-order', () =>
      day.addLine({ orderId: ghost, itemId: 'soup' }),
    );
    refuses(engine, 'unknown-order', () =>
      day.transferOrder({ orderId: ghost, table: '2' }),
    );
    refuses(engine, 'unknown-order', () =>
      day.moveLine({ lineId, toOrderId: ghost }),
    );
    refuses(engine, 'unknown-line', () =>
      day.changeQuantity({ lineId: 'ghost' as LineId, delta: 1 }),
    );
    refuses(engine, 'invalid-argument', () => day.openOrder({ table: '' }));
    refuses(engine, 'invalid-argument', () =>
      day.openOrder({ table: '1', guests: -1 }),
    );
    refuses(engine, 'invalid-argument', () =>
      day.voidLine({ lineId, reason: '  ' }),
    );
    assert.throws(
      () => new ServiceDay(engine, { device: 'till 1', menu: demoMenu }),
      (e: unknown) => e instanceof ModelError && e.code === 'invalid-device',
    );
  });

  test('refuses changes to settled, merged and carried orders', () => {
    const { day, engine, orderId, lineId } = setUp();
    const other = day.openOrder({ table: '2' });
    day.addLine({ orderId: other, itemId: 'soup' });
    day.claimSettlement({ orderId, docNo: 1, total: 625 });
    refuses(engine, 'order-settled', () =>
      day.changeQuantity({ lineId, delta: 1 }),
    );
    refuses(engine, 'order-settled', () =>
      day.voidLine({ lineId, reason: 'x' }),
    );
    refuses(engine, 'order-settled', () =>
      day.moveLine({ lineId, toOrderId: other }),
    );
    refuses(engine, 'order-settled', () =>
      day.transferOrder({ orderId, table: '9' }),
    );
    refuses(engine, 'order-settled', () =>
      day.setDiscount({ orderId, discount: null }),
    );
    refuses(engine, 'order-settled', () =>
      day.mergeOrders({ from: other, into: orderId }),
    );
    const third = day.openOrder({ table: '3' });
    day.mergeOrders({ from: third, into: other });
    refuses(engine, 'order-merged', () =>
      day.sendToKitchen({ orderId: third }),
    );
    const next = new ServiceDay(factory.create(5), {
      device: 'till-1',
      menu: demoMenu,
      date: '2026-12-04',
    });
    day.carryOver(next);
    refuses(engine, 'order-carried', () =>
      day.addLine({ orderId: other, itemId: 'soup' }),
    );
  });
}
