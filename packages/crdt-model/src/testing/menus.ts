import { demoMenu } from '../menu/demo-menu.ts';
import type { Menu } from '../menu/menu.ts';

/** A UK café menu priced so that per-line and per-invoice VAT differ. */
export function ukCafeMenu(taxRounding: Menu['taxRounding']): Menu {
  return {
    ...demoMenu,
    taxRounding,
    items: [
      ...demoMenu.items,
      {
        id: 'espresso',
        name: 'Espresso',
        categoryId: 'drinks',
        price: 199,
        taxRateId: 'vat-std',
        stationId: 'bar',
        modifierGroupIds: [],
        available: true,
      },
    ],
  };
}

/** Riyadh: riyals (2 decimals), VAT 15% included, service charge taxed. */
export const saudiMenu: Menu = {
  currency: { code: 'SAR', exponent: 2 },
  taxRounding: 'per-invoice',
  serviceChargeTaxRateId: 'vat-15',
  taxRates: [
    { id: 'vat-15', name: 'VAT 15%', basisPoints: 1500, inclusive: true },
  ],
  stations: [
    { id: 'hot', name: 'Hot kitchen' },
    { id: 'drinks', name: 'Drinks' },
  ],
  categories: [
    { id: 'mains', name: 'Mains' },
    { id: 'drinks', name: 'Drinks' },
  ],
  modifierGroups: [],
  items: [
    saItem('kabsa', 'Chicken kabsa', 'mains', 4600, 'hot'),
    saItem('mandi', 'Lamb mandi', 'mains', 6900, 'hot'),
    saItem('laban', 'Laban', 'drinks', 575, 'drinks'),
  ],
};

/** Lahore: rupees (2 decimals), sales tax 16% added to prices. */
export const pakistanMenu: Menu = {
  currency: { code: 'PKR', exponent: 2 },
  taxRounding: 'per-invoice',
  serviceChargeTaxRateId: null,
  taxRates: [
    {
      id: 'gst-16',
      name: 'Sales tax 16%',
      basisPoints: 1600,
      inclusive: false,
    },
  ],
  stations: [
    { id: 'tandoor', name: 'Tandoor' },
    { id: 'drinks', name: 'Drinks' },
  ],
  categories: [
    { id: 'mains', name: 'Mains' },
    { id: 'drinks', name: 'Drinks' },
  ],
  modifierGroups: [],
  items: [
    pkItem('biryani', 'Chicken biryani', 'mains', 45000, 'tandoor'),
    pkItem('raita', 'Raita', 'mains', 15000, 'tandoor'),
    pkItem('lassi', 'Sweet lassi', 'drinks', 25000, 'drinks'),
    pkItem('naan', 'Garlic naan', 'mains', 12345, 'tandoor'),
  ],
};

function saItem(
  id: string,
  name: string,
  categoryId: string,
  price: number,
  stationId: string,
) {
  return item(id, name, categoryId, price, stationId, 'vat-15');
}

function pkItem(
  id: string,
  name: string,
  categoryId: string,
  price: number,
  stationId: string,
) {
  return item(id, name, categoryId, price, stationId, 'gst-16');
}

function item(
  id: string,
  name: string,
  categoryId: string,
  price: number,
  stationId: string,
  taxRateId: string,
): Menu['items'][number] {
  return {
    id,
    name,
    categoryId,
    price,
    taxRateId,
    stationId,
    modifierGroupIds: [],
    available: true,
  };
}
