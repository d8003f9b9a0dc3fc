import { expect, test } from 'vitest';
import { canonicalJson, IdempotencyStore } from '../../../simulators/dependencies/idempotency-store.ts';

test('fingerprints ignore key order but not values, paths or methods', () => {
  const a = IdempotencyStore.fingerprint('POST', '/x', { b: 1, a: { d: 2, c: 3 } });
  expect(IdempotencyStore.fingerprint('POST', '/x', { a: { c: 3, d: 2 }, b: 1 })).toBe(a);
  expect(IdempotencyStore.fingerprint('POST', '/x', { a: { c: 3, d: 2 }, b: 2 })).not.toBe(a);
  expect(IdempotencyStore.fingerprint('POST', '/y', { b: 1, a: { d: 2, c: 3 } })).not.toBe(a);
  expect(canonicalJson({ z: [2, 1], a: null })).toBe('{"a":null,"z":[2,1]}');
});

test('new → replay of the first response → conflict for another request', () => {
  const store = new IdempotencyStore();
  expect(store.check('k', 'f1')).toEqual({ kind: 'new' });
  store.remember('k', 'f1', { status: 201, body: { id: 'A' } });
  store.remember('k', 'f1', { status: 201, body: { id: 'B' } });
  expect(store.check('k', 'f1')).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'A' } } });
  expect(store.check('k', 'f2')).toEqual({ kind: 'conflict' });
});
