import { expect, test } from 'vitest';
import { deadAirMs, recordingNotice } from '../../src/slo/caller-experience.ts';
import { evaluateGate } from '../../src/slo/evaluate-gate.ts';
import { evaluateRun } from '../../src/slo/evaluate-run.ts';
import { loadGate } from '../../src/slo/gate-schema.ts';
import type { GateResult } from '../../src/slo/run-evaluation.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { call, turn } from '../chaos/call-records.ts';
import { healthyCalls, manifest, tempRoot, writeRunFolder } from './run-folders.ts';

const NOTICE = 'Hello, this is Northwind. This call is recorded for training and quality. How can I help?';
const NO_NOTICE = 'Hello, this is Northwind. How can I help?';
const QUESTION_FIRST = 'Hello, can I take your date of birth? This call is recorded for training.';

/** 120 pilot calls, named flows, resolved, consent required and the notice given, except where `o` says. */
function pilotCalls(o: (i: number) => Partial<CallRecord> = () => ({})): CallRecord[] {
  return healthyCalls((i) => ({ stage: 'pilot', consentRequired: true, greeting: NOTICE, ...o(i) }));
}

function pilotGate(calls: readonly CallRecord[]): GateResult {
  const root = tempRoot();
  const scenario = { ...manifest('x').scenario, stage: 'pilot' };
  const dir = writeRunFolder(root, { runId: 'pilot-baseline', manifest: { scenario }, calls });
  return evaluateGate(loadGate('pilot'), [evaluateRun(dir, { slos: 'pilot' })]);
}

const reason = (g: GateResult, slo: string) => g.reasons.find((r) => r.name === `${slo} in pilot-baseline`)!;

test('the pilot gate is GO for an agent that answers quickly and gives the recording notice first', () => {
  const g = pilotGate(pilotCalls());
  expect(g.reasons.filter((r) => !r.passed).map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
  expect(g.verdict).toBe('GO');
  for (const slo of ['voice-to-voice-p95', 'abandonment', 'dead-air', 'recording-notice']) {
    expect(reason(g, slo).outcome, slo).toBe('held');
  }
});

test('20 s silences on 15 % of calls are NO-GO on dead air and p95 voice-to-voice, though containment holds', () => {
  const silent = (i: number) => i % 20 < 3; // 18 of 120
  const g = pilotGate(
    pilotCalls((i) =>
      silent(i) ? { turns: [{ ...turn(i * 30_000 + 15_000), voiceToVoiceMs: 20_000 }] } : {},
    ),
  );
  expect(g.verdict).toBe('NO-GO');
  expect(reason(g, 'named-flow-containment').outcome).toBe('held');
  expect(reason(g, 'dead-air').outcome).toBe('failed');
  expect(reason(g, 'dead-air').detail).toMatch(/85 %/);
  expect(reason(g, 'voice-to-voice-p95').outcome).toBe('failed');
});

test('callers hanging up on 10 % of pilot calls are NO-GO on abandonment', () => {
  const g = pilotGate(
    pilotCalls((i) =>
      i % 10 === 0
        ? { outcome: 'abandoned', abandonment: { atTurn: 0, waitedMs: 4000, patienceMs: 4000 }, writes: none }
        : {},
    ),
  );
  expect(g.verdict).toBe('NO-GO');
  expect(reason(g, 'abandonment').outcome).toBe('failed');
});
const none = { expected: 0, landed: 0, lost: 0, duplicate: 0, unexpected: 0 };

test('with consentRequired, a greeting without the notice, or asking for personal data first, is NO-GO; without it, nothing is asked', () => {
  const missing = pilotGate(pilotCalls((i) => (i === 7 ? { greeting: NO_NOTICE } : {})));
  expect(missing.verdict).toBe('NO-GO');
  expect(reason(missing, 'recording-notice').outcome).toBe('failed');
  const first = pilotGate(pilotCalls((i) => (i === 9 ? { greeting: QUESTION_FIRST } : {})));
  expect(reason(first, 'recording-notice').outcome).toBe('failed');
  // Calls that need no consent are not counted: every one of them → too few to judge.
  const notRequired = pilotGate(pilotCalls(() => ({ consentRequired: false, greeting: NO_NOTICE })));
  expect(reason(notRequired, 'recording-notice').outcome).toBe('inconclusive');
  expect(notRequired.verdict).toBe('INCONCLUSIVE');
});

test('recordingNotice and deadAirMs on single records: phrases match whatever the case and punctuation', () => {
  const c = call(0, { consentRequired: true, greeting: 'THIS CALL — is recorded, for training!' });
  expect(recordingNotice(c)).toBe('given');
  expect(recordingNotice({ ...c, greeting: QUESTION_FIRST })).toBe('after-question');
  expect(recordingNotice({ ...c, greeting: NO_NOTICE })).toBe('missing');
  const { greeting: _, ...noGreeting } = c;
  expect(recordingNotice(noGreeting)).toBe('unknown');
  expect(recordingNotice({ ...c, consentRequired: false })).toBe('not-required');
  // Stage phrases replace the defaults.
  expect(
    recordingNotice(
      { ...c, greeting: 'We record calls.' },
      { noticePhrases: ['we record calls'], personalDataPhrases: [] },
    ),
  ).toBe('given');

  const t = (ms: number) => ({ ...turn(1000), voiceToVoiceMs: ms });
  expect(deadAirMs({ ...c, turns: [t(900), t(4200)] })).toBe(4200);
  expect(
    deadAirMs({ ...c, turns: [t(900)], abandonment: { atTurn: 1, waitedMs: 9000, patienceMs: 9000 } }),
  ).toBe(9000);
  expect(deadAirMs({ ...c, turns: [] })).toBeNull();
});
