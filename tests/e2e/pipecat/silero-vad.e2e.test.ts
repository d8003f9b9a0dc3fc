import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import { utteranceSamples } from '../../../simulators/callers/speech-formats.ts';
import { type RenderedUtterance, SpeechRenderer } from '../../../simulators/callers/speech-renderer.ts';
import { utteranceAudioBytes } from '../../../simulators/callers/utterance-audio.ts';
import { mulawToPcm } from '../../../src/audio/g711.ts';
import { pcm16ToBytes } from '../../../src/audio/pcm16.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';
import { ESPEAK_INSTALLED, IN_CI } from '../../helpers/espeak-for-tests.ts';
import { ROOT } from '../../helpers/run-cli.ts';

const PYTHON = join(ROOT, '.venv-pipecat/bin/python');
const PROBE = join(ROOT, 'tests/e2e/pipecat/silero_probe.py');
const READY = existsSync(PYTHON) && ESPEAK_INSTALLED;
// In CI a missing venv or espeak-ng is a broken machine: fail, don't skip.
const describeReady = READY || IN_CI ? describe : describe.skip;
if (!READY && !IN_CI) {
  console.warn(
    'skipping the Silero VAD test: run `bash scripts/setup-python.sh` and `bash scripts/setup-speech.sh`',
  );
}

const SPEAKING = 3;
const GAP_MS = 1_500;
/** Pipecat's VAD needs start_secs of speech to say SPEAKING and stop_secs of quiet to leave it. */
const SETTLE_MS = 600;

interface Placed {
  readonly utterance: RenderedUtterance;
  readonly speechFromMs: number;
  readonly speechToMs: number;
}

/** Utterances of real planned calls (several cohorts and noise environments), rendered as callstorm plays them. */
async function renderCalls(): Promise<RenderedUtterance[]> {
  const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
  const generator = createCallGenerator(scenario, { seed: 3, window: 'peak-hour' });
  const renderer = new SpeechRenderer({ population: scenario.population });
  const out: RenderedUtterance[] = [];
  const cohorts = new Set<string>();
  for (const plan of generator.plans()) {
    if (cohorts.has(plan.cohort)) continue;
    cohorts.add(plan.cohort);
    for (const turn of plan.turns.slice(0, 2)) out.push(await renderer.render(plan, turn));
    if (cohorts.size >= 5) break;
  }
  return out;
}

/** A caller's side of a line: silence, an utterance, silence, … at `rate`. */
function lineAudio(
  utterances: readonly RenderedUtterance[],
  rate: number,
): { pcm: Int16Array; placed: Placed[] } {
  const gap = Math.round((GAP_MS * rate) / 1000);
  const parts = utterances.map((u) => utteranceSamples(u, rate));
  const pcm = new Int16Array(parts.reduce((n, p) => n + gap + p.length, gap));
  const placed: Placed[] = [];
  let at = gap;
  parts.forEach((p, i) => {
    pcm.set(p, at);
    const startMs = (at * 1000) / rate;
    const u = utterances[i]!;
    placed.push({
      utterance: u,
      speechFromMs: startMs + u.speech.startMs,
      speechToMs: startMs + u.speech.endMs,
    });
    at += p.length + gap;
  });
  return { pcm, placed };
}

function silero(pcm: Int16Array, rate: number): { chunkMs: number; states: number[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'callstorm-silero-')), `line-${rate}.pcm`);
  writeFileSync(file, pcm16ToBytes(pcm));
  const r = spawnSync(PYTHON, [PROBE, file, String(rate)], {
    encoding: 'utf8',
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { chunkMs: number; states: number[] };
}

describeReady("Silero VAD (the model inside pipecat-ai) on callstorm's caller speech", () => {
  test.each([8_000, 16_000])(
    'at %i Hz it hears every utterance as speech and nothing in the silences between them',
    async (rate) => {
      const utterances = await renderCalls();
      expect(utterances.length).toBeGreaterThanOrEqual(8);
      const { pcm, placed } = lineAudio(utterances, rate);
      const { chunkMs, states } = silero(pcm, rate);
      const at = (ms: number) => Math.floor(ms / chunkMs);
      for (const p of placed) {
        const during = states.slice(at(p.speechFromMs), at(p.speechToMs + SETTLE_MS));
        expect(
          during,
          `${p.utterance.utteranceId} (${p.utterance.noise.environment}, ${p.utterance.voice.voice})`,
        ).toContain(SPEAKING);
      }
      // Silence: before the first utterance, and from SETTLE_MS after each one's speech to the next one's start.
      const quiet: [number, number][] = [[0, placed[0]!.speechFromMs - 100]];
      placed.forEach((p, i) => {
        const next = placed[i + 1];
        quiet.push([p.speechToMs + SETTLE_MS, next ? next.speechFromMs - 100 : (pcm.length * 1000) / rate]);
      });
      for (const [from, to] of quiet) {
        expect(
          states.slice(at(from), at(to)),
          `silence ${from.toFixed(0)}–${to.toFixed(0)} ms`,
        ).not.toContain(SPEAKING);
      }
    },
    240_000,
  );

  test("callstorm's tagged audio (the HTTP protocol's default) is not speech to it: why bots need --caller-audio speech", async () => {
    const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
    const plan = createCallGenerator(scenario, { seed: 3, window: 'peak-hour' }).planAt(0)!;
    const gap = new Int16Array(GAP_MS * 8);
    const parts = plan.turns.flatMap((t) => [
      gap,
      mulawToPcm(new Uint8Array(utteranceAudioBytes(t.id, t.speechMs))),
    ]);
    const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      pcm.set(p, at);
      at += p.length;
    }
    expect(silero(pcm, 8_000).states).not.toContain(SPEAKING);
  }, 120_000);
});
