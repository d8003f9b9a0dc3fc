import { expect, test } from 'vitest';
import { isLoopbackAddress } from '../../mocks/is-loopback-address.ts';

test.each(['127.0.0.1', '127.10.20.30', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::1]'])(
  '%s is loopback',
  (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  },
);

test.each([
  '10.0.0.5',
  '192.168.1.2',
  '0.0.0.0',
  '::',
  '::ffff:10.0.0.5',
  'fe80::1',
  '128.0.0.1',
  'localhost',
  '',
  undefined,
  null,
])('%s is not loopback', (address) => {
  expect(isLoopbackAddress(address)).toBe(false);
});
