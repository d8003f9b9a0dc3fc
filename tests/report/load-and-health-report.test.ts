import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeRunReport } from '../../src/report/write-run-report.ts';
import { evaluateRun } from '../../src/slo/evaluate-run.ts';
import { tempRoot, writeRunFolder } from '../slo/run-folders.ts';

test('the report and summary.md state the offered load against the real-time load, and each process of the harness', async () => {
  const root = tempRoot();
  const dir = writeRunFolder(root, {
    runId: 'loaded',
    manifest: {
      load: {
        offered: { peak: 41, mean: 23.5 },
        realTime: { arrivalsPerSecond: 0.0333, meanCallSeconds: 7.2, concurrency: 0.24 },
        factor: 98,
      },
      harness: {
        driver: { eventLoopDelayP99Ms: 12.3, cpuPercent: 41 },
        simulators: { eventLoopDelayP99Ms: 180, cpuPercent: 93 },
        agent: null,
        faults: null,
      },
    },
  });
  const out = join(root, 'report');
  await writeRunReport(evaluateRun(dir, { slos: 'scale' }), { outDir: out });
  const load =
    'offered 41 calls at once at peak (mean 24) against 0.24 in real time (0.033 calls/s × 7.2 s a call): ×98 its real-time load';
  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  for (const text of [summary, html]) {
    expect(text).toContain(load);
    expect(text).toContain('simulators: event loop p99 180 ms, CPU 93 % of a core');
    expect(text).toContain('agent: not reported');
  }
});
