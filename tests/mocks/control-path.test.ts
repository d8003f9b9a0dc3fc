import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isControlPath, normalisedPath } from '../../mocks/control-path.ts';

test('normalises what routers and URL parsers read the same way', () => {
  expect(normalisedPath('/__callstorm/ledger?x=1#y')).toBe('/__callstorm/ledger');
  expect(normalisedPath('/%5F%5Fcallstorm/ledger')).toBe('/__callstorm/ledger');
  expect(normalisedPath('/%255f%255Fcallstorm/faults')).toBe('/__callstorm/faults');
  expect(normalisedPath('/v1/../__callstorm/./faults')).toBe('/__callstorm/faults');
  expect(normalisedPath('/v1/%2e%2E/__callstorm%2Ffaults')).toBe('/__callstorm/faults');
  expect(normalisedPath('//__callstorm//health')).toBe('/__callstorm/health');
  expect(normalisedPath('/\\__callstorm\\health')).toBe('/__callstorm/health');
  expect(normalisedPath('http://h:1/__callstorm/x')).toBe('/__callstorm/x');
  expect(normalisedPath('/../../..')).toBe('/');
  expect(normalisedPath('/a/%zz/b')).toBe('/a/%zz/b');
  expect(normalisedPath('')).toBe('/');
});

test('control paths in any spelling, and only those', () => {
  for (const target of ['/__callstorm', '/__callstorm/', '/__CallStorm/faults', '/%5F%5FCALLSTORM/ledger'])
    expect(isControlPath(target), target).toBe(true);
  for (const target of [
    '/',
    '/v1/listen',
    '/__callstormx/faults',
    '/v1/__callstorm',
    '/__callstorm/../v1/listen',
  ])
    expect(isControlPath(target), target).toBe(false);
});

/** One way of writing a character in a path: as it is, or percent-encoded (once or twice). */
function spell(char: string, how: number, upper: boolean): string {
  if (how === 0 || char === '/') return char;
  const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
  const once = `%${upper ? hex.toUpperCase() : hex}`;
  return how === 1 ? once : `%25${once.slice(1)}`;
}

const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);

test('property: every spelling of a control path is a control path', () => {
  fc.assert(
    fc.property(
      fc.array(segment, { maxLength: 3 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean()), { minLength: 64, maxLength: 64 }),
      fc.constantFrom('', '/', '//', '/./', '/v1/../', '/x/y/../../'),
      fc.constantFrom('', '?a=1', '#f'),
      (rest, encodings, prefix, suffix) => {
        const plain = `__callstorm/${rest.join('/')}`;
        const written = [...plain]
          .map((c, i) => spell(c, encodings[i % encodings.length]![0], encodings[i % encodings.length]![1]))
          .join('');
        const target = `${prefix.startsWith('/') ? prefix : `/${prefix}`}${written}${suffix}`;
        expect(isControlPath(target), target).toBe(true);
      },
    ),
  );
});

test('property: a simulated API path is never mistaken for a control path', () => {
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
      fc.pre(!segments[0]!.startsWith('__'));
      expect(isControlPath(`/${segments.join('/')}`)).toBe(false);
    }),
  );
});
