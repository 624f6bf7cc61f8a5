import {
  dayDocName,
  demoMenu,
  ModelError,
  menuDocName,
  parseMenu,
} from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

function pathOf(json: unknown): string | undefined {
  try {
    parseMenu(json);
  } catch (error) {
    if (error instanceof ModelError && error.code === 'invalid-menu') {
      return error.path;
    }
    throw error;
  }
  return undefined;
}

function withItem(index: number, change: Record<string, unknown>) {
  const menu = structuredClone(demoMenu) as unknown as {
    items: Record<string, unknown>[];
  };
  Object.assign(menu.items[index]!, change);
  return menu;
}

test('accepts the demo menu unchanged', () => {
  assert.equal(parseMenu(structuredClone(demoMenu)), demoMenu);
});

test('names the field at fault', () => {
  assert.is(pathOf(withItem(3, { price: -1 })), 'items[3].price');
  assert.is(pathOf(withItem(3, { price: 12.5 })), 'items[3].price');
  assert.is(pathOf(withItem(0, { taxRateId: 'vat-99' })), 'items[0].taxRateId');
  assert.is(pathOf(withItem(1, { id: 'soup' })), 'items[1].id');
  assert.is(
    pathOf(withItem(2, { modifierGroupIds: ['x'] })),
    'items[2].modifierGroupIds[0]',
  );
  assert.is(
    pathOf({ ...demoMenu, currency: { code: 'gbp', exponent: 2 } }),
    'currency.code',
  );
  assert.is(pathOf(null), '');
  assert.is(
    pathOf({
      ...demoMenu,
      taxRates: [{ ...demoMenu.taxRates[0], basisPoints: 20.5 }],
    }),
    'taxRates[0].basisPoints',
  );
});

test('names documents after the branch and business date', () => {
  assert.is(menuDocName('soho'), 'soho/menu');
  assert.is(dayDocName('soho', '2026-12-03'), 'soho/day/2026-12-03');
  assert.throws(() => dayDocName('soho', '2026-02-30'), /YYYY-MM-DD/);
  assert.throws(() => menuDocName('so/ho'), /branch/);
});

test.run();
