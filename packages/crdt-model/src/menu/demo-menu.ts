import type { Menu } from './menu.ts';

/**
 * A small London brasserie menu with fixed ids, so that two tills loading
 * it agree entry for entry: pounds sterling, UK VAT 20% included in prices,
 * tax rounded per invoice, a discretionary (untaxed) service charge, four
 * kitchen stations and three modifier groups.
 */
export const demoMenu: Menu = {
  currency: { code: 'GBP', exponent: 2 },
  taxRounding: 'per-invoice',
  serviceChargeTaxRateId: null,
  taxRates: [
    { id: 'vat-std', name: 'VAT 20%', basisPoints: 2000, inclusive: true },
    { id: 'vat-zero', name: 'VAT 0%', basisPoints: 0, inclusive: true },
  ],
  stations: [
    { id: 'grill', name: 'Grill' },
    { id: 'fry', name: 'Fryer' },
    { id: 'cold', name: 'Cold & pastry' },
    { id: 'bar', name: 'Bar' },
  ],
  categories: [
    { id: 'starters', name: 'Starters' },
    { id: 'mains', name: 'Mains' },
    { id: 'sides', name: 'Sides' },
    { id: 'desserts', name: 'Desserts' },
    { id: 'drinks', name: 'Drinks' },
  ],
  modifierGroups: [
    {
      id: 'doneness',
      name: 'How cooked',
      min: 1,
      max: 1,
      options: [
        { id: 'rare', name: 'Rare', priceDelta: 0 },
        { id: 'medium-rare', name: 'Medium rare', priceDelta: 0 },
        { id: 'medium', name: 'Medium', priceDelta: 0 },
        { id: 'well-done', name: 'Well done', priceDelta: 0 },
      ],
    },
    {
      id: 'burger-extras',
      name: 'Extras',
      min: 0,
      max: 3,
      options: [
        { id: 'add-bacon', name: 'Add bacon', priceDelta: 150 },
        { id: 'add-cheese', name: 'Add cheddar', priceDelta: 100 },
        { id: 'no-onion', name: 'No onion', priceDelta: 0 },
      ],
    },
    {
      id: 'milk',
      name: 'Milk',
      min: 0,
      max: 1,
      options: [
        { id: 'oat-milk', name: 'Oat milk', priceDelta: 40 },
        { id: 'no-milk', name: 'No milk', priceDelta: 0 },
      ],
    },
  ],
  items: [
    item('soup', 'Soup of the day', 'starters', 650, 'cold'),
    item('calamari', 'Salt & pepper calamari', 'starters', 895, 'fry'),
    item('burrata', 'Burrata, heritage tomato', 'starters', 1050, 'cold'),
    item('steak', 'Rib-eye steak 300 g', 'mains', 2995, 'grill', ['doneness']),
    item('burger', 'Dry-aged beef burger', 'mains', 1650, 'grill', [
      'doneness',
      'burger-extras',
    ]),
    item('fish-chips', 'Fish & chips', 'mains', 1795, 'fry'),
    item('risotto', 'Wild mushroom risotto', 'mains', 1595, 'grill'),
    item('chips', 'Chips', 'sides', 450, 'fry'),
    item('salad', 'Green salad', 'sides', 495, 'cold'),
    item('brownie', 'Chocolate brownie', 'desserts', 750, 'cold'),
    item('sticky-toffee', 'Sticky toffee pudding', 'desserts', 795, 'cold'),
    item('flat-white', 'Flat white', 'drinks', 350, 'bar', ['milk']),
    item('lager', 'Lager, pint', 'drinks', 625, 'bar'),
    item('house-red', 'House red, 175 ml', 'drinks', 895, 'bar'),
    item('tap-water', 'Tap water', 'drinks', 0, 'bar', [], 'vat-zero'),
  ],
};

function item(
  id: string,
  name: string,
  categoryId: string,
  price: number,
  stationId: string,
  modifierGroupIds: string[] = [],
  taxRateId = 'vat-std',
): Menu['items'][number] {
  return {
    id,
    name,
    categoryId,
    price,
    taxRateId,
    stationId,
    modifierGroupIds,
    available: true,
  };
}
