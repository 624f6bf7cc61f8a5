export * from './docs/schema.ts';
export * from './docs/scrub.ts';
export * from './docs/update-log.ts';
export * from './journal/canonical.ts';
export * from './journal/chain-verifier.ts';
export * from './journal/check.ts';
export * from './journal/closing-tally.ts';
export * from './journal/doc-number.ts';
export * from './journal/documents.ts';
export * from './journal/entry.ts';
export * from './journal/faults.ts';
export * from './journal/hash.ts';
export * from './journal/journal.ts';
export type * from './journal/payloads.ts';
export * from './journal/reference-book.ts';
export * from './journal/replicas.ts';
export * from './journal/running.ts';
export * from './journal/seal.ts';
export * from './journal/verify.ts';
export * from './journal/zatca.ts';
export * from './outbox/backoff.ts';
export * from './outbox/delivery.ts';
export * from './outbox/outbox.ts';
export * from './outbox/schema.ts';
export * from './outbox/sender.ts';
export type { ClaimWriter } from './store/claims.ts';
export * from './store/errors.ts';
export type * from './store/inputs.ts';
export {
  APPLICATION_ID,
  DATABASE_FILE,
  SCHEMA_VERSION,
} from './store/schema.ts';
export * from './store/store.ts';
