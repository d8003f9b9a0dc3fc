import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileTemplate, fillTemplate } from '../../../simulators/callers/compiled-template.ts';

const NAMES = ['amount', 'date', 'name', 'accountId', 'x1'] as const;
const layout = new Map<string, number>([
  ['amount', 0],
  ['date', 1],
  ['name', 2],
  ['accountId', 0], // two names may share a value (a slot taking a persona field's place)
]);

/** The reference: replace each known {name} by its value, leave unknown ones as written. */
function naive(template: string, values: readonly string[]): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => {
    const i = layout.get(name);
    return i === undefined ? whole : values[i]!;
  });
}

const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(...NAMES).map((n) => `{${n}}`),
  fc.constantFrom('{', '}', '{}', '{1a}', '{ amount}'),
);

describe('compiled templates', () => {
  test('filling a compiled template equals substituting its placeholders one by one', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: 3, maxLength: 3 }),
        (template, values) => {
          expect(fillTemplate(compileTemplate(template, layout), values)).toBe(naive(template, values));
        },
      ),
      { numRuns: 1_000, seed: 20261124 },
    );
  });

  test('names lists each resolved placeholder once, in order of first use', () => {
    const t = compileTemplate('{date} {unknown} {amount} on {date}, {name}', layout);
    expect(t.names).toEqual(['date', 'amount', 'name']);
    expect(fillTemplate(t, ['£5', 'Monday', 'Ann'])).toBe('Monday {unknown} £5 on Monday, Ann');
  });
});
