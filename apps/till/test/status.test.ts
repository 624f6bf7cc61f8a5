import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type OutboxStatus,
  type RelayStatus,
  syncStateOf,
  ZATCA_LIMIT_MS,
  ZATCA_WARN_AFTER_MS,
  zatcaStatusOf,
} from '../src/sync/status.ts';

const relay = (state: RelayStatus['state'], synced = 2): RelayStatus => ({
  state,
  docsSynced: synced,
  docs: 2,
  journalReachable: true,
  lastError: null,
});
const outbox = (pending: number): OutboxStatus => ({
  pending,
  oldestPendingAgeMs: pending ? 1 : null,
  deadLetters: 0,
});

test('is online only when the relay is connected and nothing waits', () => {
  assert.is(syncStateOf(relay('connected'), outbox(0), 0), 'online');
  assert.is(syncStateOf(relay('connected'), outbox(3), 0), 'syncing');
  assert.is(syncStateOf(relay('connected', 1), outbox(0), 0), 'syncing');
});

test('is lan-only with peers and no relay, offline with neither', () => {
  assert.is(syncStateOf(relay('disconnected'), outbox(3), 1), 'lan-only');
  assert.is(syncStateOf(relay('forbidden'), outbox(0), 0), 'offline');
  assert.is(syncStateOf(relay('disabled'), outbox(0), 2), 'lan-only');
});

test('warns about unreported invoices half-way to the 24-hour limit', () => {
  const now = Date.UTC(2026, 11, 3, 12);
  assert.is(zatcaStatusOf(null, now).level, 'ok');
  assert.is(zatcaStatusOf(now - 3_600_000, now).level, 'ok');
  const warn = zatcaStatusOf(now - ZATCA_WARN_AFTER_MS, now);
  assert.is(warn.level, 'warning');
  assert.match(warn.message ?? '', /ZATCA/);
  assert.is(zatcaStatusOf(now - ZATCA_LIMIT_MS, now).level, 'overdue');
});

test.run();
