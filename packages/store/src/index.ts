export * from './journal/entry.ts';
