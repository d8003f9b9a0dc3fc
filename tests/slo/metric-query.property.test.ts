import fc from 'fast-check';
import { expect, test } from 'vitest';
import { FIELDS, SOURCES, type Source } from '../../src/slo/metric-events.ts';
import {
  type Condition,
  formatMetricQuery,
  type MetricQuery,
  MetricQueryError,
  parseMetricQuery,
} from '../../src/slo/metric-query.ts';

const word = fc
  .stringMatching(/^[a-z][a-z0-9_-]{0,10}$/)
  .filter((w) => !['where', 'and', 'not', 'in', 'of', 'true', 'false', 'null'].includes(w));
const anyString = fc.oneof(word, fc.string({ maxLength: 12 }));
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0));

function conditionFor(source: Source): fc.Arbitrary<Condition> {
  const fields = Object.keys(FIELDS[source]);
  return fc.constantFrom(...fields).chain((field): fc.Arbitrary<Condition> => {
    const spec = FIELDS[source][field]!;
    if (spec.type === 'boolean') {
      return fc.oneof(
        fc.boolean().map((negated) => ({ kind: 'flag' as const, field, negated })),
        fc.boolean().map((value) => ({ kind: 'compare' as const, field, op: '=' as const, value })),
      );
    }
    if (spec.type === 'number') {
      return fc.record({
        kind: fc.constant('compare' as const),
        field: fc.constant(field),
        op: fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const),
        value: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), finite),
      });
    }
    const values = spec.values ? fc.constantFrom(...spec.values) : anyString;
    return fc.oneof(
      fc.record({
        kind: fc.constant('compare' as const),
        field: fc.constant(field),
        op: fc.constantFrom('=', '!=' as const),
        value: spec.nullable ? fc.oneof(values, fc.constant(null)) : values,
      }),
      fc.record({
        kind: fc.constant('in' as const),
        field: fc.constant(field),
        negated: fc.boolean(),
        values: fc.array(values, { minLength: 1, maxLength: 4 }),
      }),
    );
  });
}

const selection: fc.Arbitrary<MetricQuery> = fc.constantFrom(...SOURCES).chain((source) =>
  fc.record({
    kind: fc.constant('select' as const),
    source: fc.constant(source),
    where: fc.array(conditionFor(source), { maxLength: 4 }),
  }),
);

const measure: fc.Arbitrary<MetricQuery> = fc.oneof(
  fc.boolean().map((vsBaseline) => ({ kind: 'cost-per-resolved' as const, vsBaseline })),
  fc
    .constantFrom(...SOURCES.filter((s) => Object.values(FIELDS[s]).some((f) => f.type === 'number')))
    .chain((source) => {
      const numeric = Object.entries(FIELDS[source])
        .filter(([, s]) => s.type === 'number')
        .map(([f]) => f);
      return fc.record({
        kind: fc.constant('aggregate' as const),
        aggregate: fc.oneof(
          fc.integer({ min: 0, max: 1000 }).map((n) => ({ kind: 'percentile' as const, p: n / 10 })),
          fc.constantFrom('mean', 'min', 'max', 'sum').map((kind) => ({ kind }) as { kind: 'mean' }),
        ),
        source: fc.constant(source),
        field: fc.constantFrom(...numeric),
        where: fc.array(conditionFor(source), { maxLength: 3 }),
      });
    }),
);

test('format then parse gives the same query, for any valid query (property)', () => {
  fc.assert(
    fc.property(fc.oneof(selection, measure), (q) => {
      const text = formatMetricQuery(q);
      expect(parseMetricQuery(text)).toEqual(q);
      // The canonical text is a fixed point.
      expect(formatMetricQuery(parseMetricQuery(text))).toBe(text);
    }),
    { numRuns: 500 },
  );
});

test('any text either parses or fails with a MetricQueryError carrying a column inside the text (property)', () => {
  const pieces = fc.constantFrom(
    'calls',
    'turns',
    'escalations',
    'writes',
    'where',
    'and',
    'not',
    'in',
    'of',
    'p95',
    'outcome',
    'voiceToVoiceMs',
    'turns.voiceToVoiceMs',
    '=',
    '!=',
    '<=',
    ',',
    'resolved',
    '3500',
    'null',
    '"x',
    '"quoted"',
    '#',
    'cost',
    'per',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.array(pieces, { maxLength: 8 }).map((a) => a.join(' ')),
        fc.string(),
      ),
      (text) => {
        try {
          parseMetricQuery(text);
        } catch (error) {
          expect(error).toBeInstanceOf(MetricQueryError);
          const column = (error as MetricQueryError).column;
          expect(column).toBeGreaterThanOrEqual(1);
          expect(column).toBeLessThanOrEqual(text.length + 1);
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test.each([
  ['calls where outcom = resolved', 13, 'calls have no field "outcom": expected one of outcome,'],
  [
    'calls where outcome = resolvd',
    23,
    'calls.outcome is never "resolvd": expected one of resolved, false-containment',
  ],
  ['turns where voiceToVoiceMs <= fast', 31, 'voiceToVoiceMs is a number: compare it with a number'],
  ['turns where voiceToVoiceMs', 13, 'voiceToVoiceMs is a number: compare it (e.g. voiceToVoiceMs <= 3500)'],
  [
    'call where outcome = resolved',
    1,
    'unknown source "call": expected one of calls, turns, escalations, writes',
  ],
  ['calls where outcome = resolved or outcome = escalated', 32, 'expected "and" but found or'],
  ['calls where cohort < 3', 22, 'cohort is a string: compare it with a string'],
  ['calls where residencyViolation = null', 34, 'residencyViolation is never null'],
  ['p95 of turns.bargeIn', 8, 'p95 needs a number field; bargeIn is a boolean'],
  ['cost per resolved', 18, 'expected "call" but the query ends'],
  ['calls where cohort = "open', 22, 'unterminated string'],
])('%s → error at column %i', (text, column, message) => {
  try {
    parseMetricQuery(text);
    expect.unreachable(`"${text}" parsed`);
  } catch (error) {
    expect(error).toBeInstanceOf(MetricQueryError);
    expect((error as MetricQueryError).reason).toContain(message);
    expect((error as MetricQueryError).column).toBe(column);
  }
});

test('the queries of the shipped SLO sets parse to what they say', () => {
  expect(parseMetricQuery('calls where category = named and outcome = resolved')).toEqual({
    kind: 'select',
    source: 'calls',
    where: [
      { kind: 'compare', field: 'category', op: '=', value: 'named' },
      { kind: 'compare', field: 'outcome', op: '=', value: 'resolved' },
    ],
  });
  expect(parseMetricQuery('escalations where reason not in unspecified, unknown, ""')).toEqual({
    kind: 'select',
    source: 'escalations',
    where: [{ kind: 'in', field: 'reason', negated: true, values: ['unspecified', 'unknown', ''] }],
  });
  expect(parseMetricQuery('writes where committed and not lost')).toEqual({
    kind: 'select',
    source: 'writes',
    where: [
      { kind: 'flag', field: 'committed', negated: false },
      { kind: 'flag', field: 'lost', negated: true },
    ],
  });
  expect(parseMetricQuery('p99_9 of turns.voiceToVoiceMs where faulted')).toMatchObject({
    aggregate: { kind: 'percentile', p: 99.9 },
  });
});
