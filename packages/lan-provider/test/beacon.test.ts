import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBeacon, encodeBeacon } from '../src/discovery/beacon.ts';
import { deriveBranchSecrets } from '../src/keys.ts';

const branchKey = Buffer.alloc(32, 1);
const { beaconKey } = deriveBranchSecrets(branchKey, 'b1');
const now = 1_800_000_000_000;
const fields = {
  branch: 'b1',
  device: 'till-1',
  role: 'till',
  port: 55800,
  sentAt: now,
};
const options = { branch: 'b1', key: beaconKey, now, maxAgeMs: 30_000 };

test('accepts an authentic, fresh beacon and reads every field', () => {
  const check = checkBeacon(encodeBeacon(fields, beaconKey), options);
  assert.ok(check.ok);
  if (!check.ok) return;
  assert.is(check.beacon.device, 'till-1');
  assert.is(check.beacon.role, 'till');
  assert.is(check.beacon.port, 55800);
  assert.is(check.beacon.sentAt, now);
  assert.is(check.beacon.nonce.length, 16);
});

test('calls a beacon signed with another key forged', () => {
  const other = deriveBranchSecrets(Buffer.alloc(32, 2), 'b1').beaconKey;
  const check = checkBeacon(encodeBeacon(fields, other), options);
  assert.equal(check, { ok: false, reason: 'forged' });
});

test('calls a beacon with any byte changed forged', () => {
  const bytes = encodeBeacon(fields, beaconKey);
  for (const at of [5, 13, 21, 24, bytes.length - 40, bytes.length - 1]) {
    const tampered = Buffer.from(bytes);
    tampered[at] = (tampered[at] as number) ^ 1;
    const check = checkBeacon(tampered, options);
    assert.not.ok(check.ok, `byte ${at}`);
  }
});

test('does not derive the same key for another branch', () => {
  const b2 = deriveBranchSecrets(branchKey, 'b2');
  assert.not.equal(b2.beaconKey, beaconKey);
  assert.not.equal(b2.psk, deriveBranchSecrets(branchKey, 'b1').psk);
  assert.not.equal(b2.psk, b2.beaconKey);
});

test('ignores beacons of another branch before checking the MAC', () => {
  const bytes = encodeBeacon({ ...fields, branch: 'b2' }, beaconKey);
  assert.equal(checkBeacon(bytes, options), {
    ok: false,
    reason: 'foreign-branch',
  });
});

test('calls a beacon outside the freshness window stale, either way', () => {
  for (const skew of [-30_001, 30_001]) {
    const bytes = encodeBeacon({ ...fields, sentAt: now + skew }, beaconKey);
    assert.equal(checkBeacon(bytes, options), { ok: false, reason: 'stale' });
  }
  const edge = encodeBeacon({ ...fields, sentAt: now - 30_000 }, beaconKey);
  assert.ok(checkBeacon(edge, options).ok);
});

test('calls short, foreign and inconsistent datagrams malformed', () => {
  const good = encodeBeacon(fields, beaconKey);
  const cases = [
    Buffer.alloc(0),
    Buffer.from('hello'),
    Buffer.concat([Buffer.from('XXXX'), good.subarray(4)]),
    good.subarray(0, good.length - 1),
    Buffer.concat([good, Buffer.from([0])]),
    encodeBeacon({ ...fields, port: 0 }, beaconKey),
  ];
  for (const bytes of cases) {
    assert.equal(checkBeacon(bytes, options), {
      ok: false,
      reason: 'malformed',
    });
  }
});

test('refuses a branch key shorter than 16 bytes', () => {
  assert.throws(
    () => deriveBranchSecrets(Buffer.alloc(8), 'b1'),
    (e: Error & { code?: string }) => e.code === 'BRANCH_KEY_TOO_SHORT',
  );
});

test.run();
