import fc from 'fast-check';
import { expect, test } from 'vitest';
import { escapeMarkdown } from '../../src/report/markdown-escape.ts';
import { runVerdict } from '../../src/report/report-verdict.ts';
import { runFindings } from '../../src/report/run-findings.ts';
import { runSummaryMarkdown } from '../../src/report/summary-markdown.ts';
import type { RunEvaluation } from '../../src/slo/run-evaluation.ts';
import { scaleEvaluation, scaleGate } from './fixtures/run-evaluations.ts';

const HOSTILE = '**bold** <img src=x onerror=alert(1)> [x](javascript:alert(1)) | a | b |\n# owned\n- item';

test('summary.md shows a drill expectation name from a drill file as text: no markup, no HTML, no new lines (issue 15)', () => {
  const d = scaleEvaluation.drillVerdict!;
  const e: RunEvaluation = {
    ...scaleEvaluation,
    drillVerdict: { ...d, expectations: d.expectations.map((x) => (x.passed ? x : { ...x, name: HOSTILE })) },
  };
  const md = runSummaryMarkdown(e, runVerdict(e, scaleGate), runFindings(e, scaleGate));
  expect(md).not.toContain('<img');
  expect(md).not.toContain('**bold**');
  expect(md).not.toMatch(/(?<!\\)\]\(javascript/);
  expect(md).not.toMatch(/^# owned/m);
  expect(md).not.toMatch(/^- item/m);
  expect(md).toContain(
    '\\*\\*bold\\*\\* &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:alert(1)) \\| a \\| b \\| \\# owned - item',
  );
});

test('escapeMarkdown of any text: one line, no raw HTML, every markup character escaped (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const out = escapeMarkdown(text);
      expect(out).not.toMatch(/[\r\n<>]/);
      // Take out each backslash escape; what is left holds no markup character.
      expect(out.replace(/\\./g, '')).not.toMatch(/[\\`*_[\]#|~]/);
      expect(out).not.toMatch(/^\s*(\d+[.)]|[-+])(\s|$)/);
      expect(out).not.toMatch(/^\s*[-=][-=\s]*$/);
    }),
    { seed: 15, numRuns: 500 },
  );
});

test('plain text and measured values stay as they are', () => {
  for (const text of ['the secondary EU tier answers most turns (p95 ≤ 3.5 s)', '91.0 %', '= 100 %', '-3 ms'])
    expect(escapeMarkdown(text)).toBe(text);
  expect(escapeMarkdown('1. first')).toBe('1\\. first');
  expect(escapeMarkdown('---')).toBe('\\---');
});
