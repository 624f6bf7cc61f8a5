import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DeliveryResultError,
  parseDeliveryResult,
  RETRY_LATER_CODES,
} from '../src/index.ts';

test('accepts the relay answer in the documented shape', () => {
  const answer = {
    stored: [{ device: 'till-1', seq: 41 }],
    duplicate: [{ device: 'till-1', seq: 40 }],
    refused: [
      {
        device: 'till-2',
        seq: 9,
        code: 'gap',
        reason: 'expected seq 7 before seq 9',
        expectedSeq: 7,
      },
      { device: 'till-3', seq: 2, code: 'fork', reason: 'another hash' },
    ],
  };
  assert.equal(parseDeliveryResult(answer), answer);
});

test('drops fields outside the contract', () => {
  const answer = {
    stored: [{ device: 'till-1', seq: 1, extra: true }],
    duplicate: [],
    refused: [],
    note: 'hi',
  };
  assert.equal(parseDeliveryResult(answer), {
    stored: [{ device: 'till-1', seq: 1 }],
    duplicate: [],
    refused: [],
  });
});

test('refuses answers of another shape with a stable code', () => {
  const bad: unknown[] = [
    null,
    'ok',
    { stored: [], duplicate: [] },
    { stored: [{ device: 1, seq: 1 }], duplicate: [], refused: [] },
    { stored: [{ device: 'a', seq: '1' }], duplicate: [], refused: [] },
    { stored: [], duplicate: [], refused: [{ device: 'a', seq: 1 }] },
    {
      stored: [],
      duplicate: [],
      refused: [
        { device: 'a', seq: 1, code: 'gap', reason: '', expectedSeq: 'x' },
      ],
    },
  ];
  for (const answer of bad) {
    try {
      parseDeliveryResult(answer);
      assert.unreachable(JSON.stringify(answer));
    } catch (error) {
      assert.instance(error, DeliveryResultError);
      assert.is((error as DeliveryResultError).code, 'ERR_DELIVERY_RESULT');
    }
  }
});

test('retries gaps and transient refusals only', () => {
  assert.equal([...RETRY_LATER_CODES].sort(), ['gap', 'transient']);
});

test.run();
