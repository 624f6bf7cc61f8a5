export * from './close-codes.ts';
export type { Access, SyncConnection } from './connection.ts';
export * from './hub.ts';
export * from './limits.ts';
export * from './metrics.ts';
export { MESSAGE, SYNC } from './protocol.ts';
export { splitDocState } from './split-update.ts';
