import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  ACCOUNT_COUNT,
  accountAt,
  accountIndexFromId,
  accountIndexFromPhone,
} from '../../../simulators/dependencies/account-dataset.ts';

test('every account is found again by its id and its phone number, and is the same every time', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: ACCOUNT_COUNT - 1 }), (i) => {
      const a = accountAt(i);
      expect(accountIndexFromId(a.accountId)).toBe(i);
      expect(accountIndexFromPhone(a.phone)).toBe(i);
      expect(accountIndexFromPhone(`+44 ${a.phone.slice(1, 5)} ${a.phone.slice(5)}`)).toBe(i);
      expect(accountAt(i)).toEqual(a);
      expect(a.phone).toMatch(/^07\d{9}$/);
      expect(a.arrearsPence).toBeLessThan(a.balancePence);
    }),
    { numRuns: 500, seed: 1 },
  );
});

test('ids and phones that are not accounts are not found', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const byId = accountIndexFromId(s);
      if (byId !== null) expect(accountAt(byId).accountId).toBe(s);
    }),
    { seed: 2 },
  );
  expect(accountIndexFromId('40000001')).toBeNull();
  expect(accountIndexFromId(String(40_000_000 + ACCOUNT_COUNT * 37))).toBeNull();
  expect(accountIndexFromPhone('020 7946 0000')).toBeNull();
});
