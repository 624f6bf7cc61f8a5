import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceDay } from '../day/service-day.ts';
import { demoMenu } from '../menu/demo-menu.ts';
import type { Menu } from '../menu/menu.ts';
import { MenuDocument } from '../menu/menu-document.ts';
import type { EngineFactory } from './factories.ts';
import { refuses } from './harness.ts';

/** Worked examples: the menu document. */
export function menuExamples(test: Test, factory: EngineFactory): void {
  const twoMenus = () => {
    const a = new MenuDocument(factory.create(0), { device: 'office' });
    const b = new MenuDocument(factory.create(1), { device: 'till-1' });
    const sync = () => {
      a.engine.applyUpdate(b.engine.encodeState());
      b.engine.applyUpdate(a.engine.encodeState());
    };
    return { a, b, sync };
  };

  test('writes a menu and reads the same menu back on another replica', () => {
    const { a, b, sync } = twoMenus();
    assert.ok(a.isEmpty);
    a.write(demoMenu);
    sync();
    assert.equal(b.read(), demoMenu);
    assert.ok(!b.isEmpty);
  });

  test('keeps two managers’ edits to different fields of one item', () => {
    const { a, b, sync } = twoMenus();
    a.write(demoMenu);
    sync();
    const edit = (change: Partial<Menu['items'][number]>): Menu => ({
      ...demoMenu,
      items: demoMenu.items.map((i) =>
        i.id === 'soup' ? { ...i, ...change } : i,
      ),
    });
    a.write(edit({ price: 700 }));
    b.write(edit({ name: 'Soup of the day, bread' }));
    sync();
    for (const doc of [a, b]) {
      const soup = doc.read().items.find((i) => i.id === 'soup')!;
      assert.equal([soup.price, soup.name], [700, 'Soup of the day, bread']);
    }
  });

  test('removes entries missing from a new menu', () => {
    const { a } = twoMenus();
    a.write(demoMenu);
    a.write({
      ...demoMenu,
      items: demoMenu.items.filter((i) => i.id !== 'chips'),
    });
    assert.ok(!a.read().items.some((i) => i.id === 'chips'));
    assert.is(a.read().items.length, demoMenu.items.length - 1);
  });

  test('86es an item on every device, refusing new lines for it', () => {
    const { a, b, sync } = twoMenus();
    a.write(demoMenu);
    sync();
    const day = new ServiceDay(factory.create(2), {
      device: 'till-1',
      menu: () => b.read(),
    });
    const orderId = day.openOrder({ table: '1' });
    const kept = day.addLine({ orderId, itemId: 'calamari' });
    a.setItemAvailable('calamari', false);
    sync();
    refuses(day.engine, 'item-unavailable', () =>
      day.addLine({ orderId, itemId: 'calamari' }),
    );
    assert.is(day.order(orderId)!.lines[0]!.id, kept);
    refuses(a.engine, 'unknown-item', () => a.setItemAvailable('pizza', false));
  });

  test('refuses an invalid menu and writes nothing', () => {
    const { a } = twoMenus();
    a.write(demoMenu);
    const bad = JSON.parse(JSON.stringify(demoMenu)) as {
      items: { price: unknown }[];
    };
    bad.items[3]!.price = -5;
    refuses(a.engine, 'invalid-menu', () => a.write(bad as unknown as Menu));
    try {
      a.write(bad as unknown as Menu);
    } catch (error) {
      assert.is((error as { path?: string }).path, 'items[3].price');
    }
  });
}
