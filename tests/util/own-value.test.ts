import { expect, test } from 'vitest';
import { isPermittedRegion } from '../../src/driver/residency-policy.ts';
import { MetricQueryError, parseMetricQuery } from '../../src/slo/metric-query.ts';
import { escalationReasons } from '../../src/slo/run-summaries.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { nameCounts, ownValue } from '../../src/util/own-value.ts';

// Names from outside (YAML, run folders, agents) that used to reach Object.prototype (issue 15).
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

test('ownValue reads own properties only; nameCounts counts any name as a plain key', () => {
  const record: Record<string, number> = { a: 1 };
  for (const name of PROTO_NAMES) expect(ownValue(record, name)).toBeUndefined();
  expect(ownValue(record, 'a')).toBe(1);
  const counts = nameCounts();
  for (const name of PROTO_NAMES) counts[name] = (counts[name] ?? 0) + 1;
  expect(Object.keys(counts).sort()).toEqual([...PROTO_NAMES].sort());
});

test('a residency region named like a prototype property is an ordinary unknown region', () => {
  for (const name of PROTO_NAMES) {
    expect(isPermittedRegion(name, 'eu')).toBe(false);
    expect(isPermittedRegion(name, name)).toBe(true);
  }
  expect(isPermittedRegion('uk', 'eu')).toBe(true);
});

test('an SLO query field named like a prototype property is an unknown field, not a crash', () => {
  for (const name of PROTO_NAMES) {
    expect(() => parseMetricQuery(`calls where ${name} = 1`)).toThrow(MetricQueryError);
    expect(() => parseMetricQuery(`calls where ${name} = 1`)).toThrow(`calls have no field "${name}"`);
  }
});

test('escalation reasons an agent chose are counted whatever they are called', () => {
  const calls = ['__proto__', 'toString', 'toString', 'llm_unavailable'].map(
    (reason) => ({ escalation: { reason } }) as unknown as CallRecord,
  );
  const counts = escalationReasons(calls);
  expect({ ...counts }).toEqual({ ['__proto__']: 1, toString: 2, llm_unavailable: 1 });
  expect(Object.keys(counts)).toContain('__proto__');
});
