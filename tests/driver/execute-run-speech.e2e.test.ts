import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { executeRun } from '../../src/driver/execute-run.ts';
import { noChaos } from '../../src/driver/run-chaos.ts';
import { readCalls } from '../../src/driver/run-wind-down.ts';
import type { SimulatorSuite } from '../../src/simulation/start-simulators.ts';
import { describeWithEspeak } from '../helpers/espeak-for-tests.ts';

const base = {
  vertical: 'appointments',
  stage: 'hardening',
  window: '2026-03-02T09:00/2026-03-02T09:30',
  speed: 60,
  seed: 3,
  // The pilot agent waits for a slow ASR rather than timing out: on a busy machine the production
  // agent's 1.5 s ASR budget would turn rendering delays into fallbacks, which this test is not about.
  agent: 'reference:pilot',
  latency: 'zero',
} as const;

describeWithEspeak('--caller-audio speech', () => {
  test('a run whose callers speak: the agent forwards speech, the ASR links every utterance, calls go as with tagged audio', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callstorm-speech-run-'));
    let suite: SimulatorSuite | null = null;
    const speech = await executeRun({
      ...base,
      callerAudio: 'speech',
      out: join(root, 'speech'),
      simulators: 'in-process',
      chaos: async (ctx) => {
        suite = ctx.suite;
        return noChaos;
      },
    });
    expect(speech.manifest).toMatchObject({ status: 'complete' });
    const linker = (suite as SimulatorSuite | null)!.speechLinker;
    const calls = readCalls(join(speech.dir, 'calls.jsonl'));
    const heard = calls.reduce(
      (n, c) => n + c.turns.filter((t) => typeof t.agent?.asrConfidence === 'number').length,
      0,
    );
    expect(calls.length).toBeGreaterThan(5);
    // Every utterance the agent posted was linked from its audio alone; none was unknown.
    expect(heard).toBeGreaterThanOrEqual(calls.length / 2);
    expect(linker.counters.linked).toBeGreaterThanOrEqual(heard);
    expect(Object.values(linker.counters.unknown)).toEqual([0, 0, 0, 0]);
    expect(linker.registry.stats).toMatchObject({ unknown: 0, failed: 0 });
    expect(calls.some((c) => c.outcome === 'resolved')).toBe(true);

    // The same seed with tagged audio: the ASR heard the same utterances (its confidence draw is
    // seeded by the utterance it recognised), so the first turns of the calls match.
    const tagged = await executeRun({ ...base, out: join(root, 'tagged'), simulators: 'in-process' });
    const firstHeard = (dir: string) =>
      Object.fromEntries(
        readCalls(join(dir, 'calls.jsonl')).map((c) => [c.callId, c.turns[0]?.agent?.asrConfidence]),
      );
    const a = firstHeard(speech.dir);
    const b = firstHeard(tagged.dir);
    const both = Object.keys(a).filter((id) => typeof a[id] === 'number' && typeof b[id] === 'number');
    expect(both.length).toBeGreaterThanOrEqual(Math.min(5, calls.length / 2));
    for (const id of both) expect(a[id], id).toBe(b[id]);
  }, 600_000);
});
