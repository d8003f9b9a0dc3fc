import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeCompareReport } from '../../src/report/write-compare-report.ts';
import { hardeningEvaluation, pilotEvaluation, scaleEvaluation } from './fixtures/run-evaluations.ts';

test('a comparison of a review (one pilot, one hardening, four scale runs) names each stage once in its titles', async () => {
  const scale = (runId: string) => ({ ...scaleEvaluation, runId });
  const runs = [
    pilotEvaluation,
    hardeningEvaluation,
    scale('s-base'),
    scale('s-llm'),
    scale('s-crm'),
    scale('s-tts'),
  ];
  const out = mkdtempSync(join(tmpdir(), 'callstorm-compare-title-'));
  await writeCompareReport(runs, { outDir: out });
  const title = 'callstorm comparison: pilot → hardening → scale';
  expect(readFileSync(join(out, 'summary.md'), 'utf8').split('\n')[0]).toBe(`# ${title}`);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  expect(html).toContain(`<title>${title}</title>`);
  expect(html).toContain(`<h1>${title}</h1>`);
});
