import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeRunReport } from '../../src/report/write-run-report.ts';
import { callReasons } from '../../src/slo/call-reasons.ts';
import { evaluateRun } from '../../src/slo/evaluate-run.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { healthyCalls, tempRoot, writeRunFolder } from '../slo/run-folders.ts';

const noWrites = { expected: 0, landed: 0, lost: 0, duplicate: 0, unexpected: 0 };

/** 120 calls: 67 failed on a reply that is not JSON (each with its own session in the path), 6 abandoned, 9 escalated. */
function calls(): CallRecord[] {
  return healthyCalls((i) => {
    if (i < 67)
      return {
        outcome: 'failed',
        writes: noWrites,
        failure: {
          kind: 'protocol-error',
          status: 200,
          message: `POST /v1/calls/sess-${1000 + i}/turns: body is not JSON`,
        },
      };
    if (i < 73)
      return {
        outcome: 'abandoned',
        writes: noWrites,
        abandonment: { atTurn: 0, waitedMs: 8000, patienceMs: 8000 },
      };
    if (i < 82)
      return {
        outcome: 'escalated',
        writes: noWrites,
        escalation: {
          reason: i < 79 ? 'tts_unavailable' : 'caller_requested',
          warranted: i >= 79,
          expectedReason: null,
        },
      };
    return {};
  });
}

test('why calls went wrong: failure, abandonment and escalation reasons, counted, with the first call of each', () => {
  const all = calls();
  const r = callReasons(all);
  expect(r.failure).toEqual([
    {
      reason: 'protocol-error: POST /v1/calls/{session}/turns: body is not JSON',
      calls: 67,
      exampleCallId: all[0]!.callId,
    },
  ]);
  expect(r.abandonment).toEqual([
    { reason: 'waiting for a reply to an "intent" turn', calls: 6, exampleCallId: all[67]!.callId },
  ]);
  expect(r.escalation).toEqual([
    { reason: 'tts_unavailable', calls: 6, exampleCallId: all[73]!.callId },
    { reason: 'caller_requested', calls: 3, exampleCallId: all[79]!.callId },
  ]);
});

test('the report, summary.md and verdict.json say why calls failed, were abandoned and escalated, with counts and an example call', async () => {
  const root = tempRoot();
  const all = calls();
  const dir = writeRunFolder(root, { runId: 'failing', calls: all });
  const evaluation = evaluateRun(dir, { slos: 'scale' });
  const out = join(root, 'report');
  await writeRunReport(evaluation, { outDir: out });

  const failure = 'protocol-error: POST /v1/calls/{session}/turns: body is not JSON';
  const first = all[0]!.callId;
  const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
  expect(verdict.reasons.failure).toEqual([{ reason: failure, calls: 67, exampleCallId: first }]);
  expect(
    verdict.reasons.escalation.map((x: { reason: string; calls: number }) => [x.reason, x.calls]),
  ).toEqual([
    ['tts_unavailable', 6],
    ['caller_requested', 3],
  ]);
  expect(verdict.reasons.abandonment[0].calls).toBe(6);

  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  expect(summary).toContain(failure);
  expect(summary).toMatch(new RegExp(`67[^\\n]*${first}|${first}[^\\n]*67`));
  expect(summary).toContain('tts\\_unavailable'); // Markdown-escaped

  const html = readFileSync(join(out, 'index.html'), 'utf8');
  expect(html).toContain('body is not JSON');
  expect(html).toContain(first);
  expect(html).toContain('tts_unavailable');
  // Before the SLO table: the front page, not the appendix.
  expect(html.indexOf('body is not JSON')).toBeLessThan(html.indexOf('<h2>SLOs'));
});
