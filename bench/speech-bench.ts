import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCallGenerator } from '../simulators/callers/call-generator.ts';
import { callerVoice } from '../simulators/callers/caller-voice.ts';
import { speakableText } from '../simulators/callers/speakable-text.ts';
import { SpeechCache } from '../simulators/callers/speech-cache.ts';
import { encodeUtterance } from '../simulators/callers/speech-formats.ts';
import { SpeechRenderer } from '../simulators/callers/speech-renderer.ts';
import { loadScenario } from '../src/scenario/load-scenario.ts';
import { type LinkingTrialResult, runLinkingTrial } from '../tests/fixtures/linking-trial.ts';

/**
 * `npm run bench -- speech`: caller speech and the acoustic linker.
 * 1. Rendering a scale peak hour (collections, seed 1) from a cold speech cache, then again warm:
 *    seconds of audio per CPU-second (espeak-ng's own CPU included, from /proc/self/stat's
 *    children times) and the cache hit rate.
 * 2. The linking trial on ≥ 1,000 utterances over ≥ 200 concurrent streams (tests/fixtures/linking-trial.ts).
 * 3. A reference loop's ns per multiply-add, to put the machine's speed next to the figures.
 */
export interface SpeechFigures {
  readonly nsPerMac: number;
  readonly render: {
    readonly utterances: number;
    readonly audioSeconds: number;
    readonly cold: { readonly cpuSeconds: number; readonly espeakRuns: number; readonly hitRate: number };
    readonly warm: { readonly cpuSeconds: number; readonly hitRate: number };
    /** A cold month (not rendered: its cache keys counted): utterances, distinct renders, hit rate. */
    readonly month: { readonly utterances: number; readonly renders: number; readonly hitRate: number };
  };
  readonly linking: Omit<LinkingTrialResult, 'byCondition' | 'wrongLinks'> & {
    readonly wrongLinks: number;
    readonly worstCondition: string;
  };
}

/** CPU seconds of this process and of the children it has waited for (espeak-ng), Linux. */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are the 14th and 15th after the command name.
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    children = 0;
  }
  return (own.user + own.system) / 1e6 + children;
}

function nsPerMac(): number {
  const a = new Float32Array(1 << 20).map((_, i) => Math.sin(i));
  let acc = 0;
  const t = performance.now();
  for (let i = 0; i < a.length - 32; i++) {
    let s = 0;
    for (let j = 0; j < 32; j++) s += a[i + j]! * a[j]!;
    acc += s;
  }
  const ns = ((performance.now() - t) * 1e6) / (a.length * 32);
  return acc === Number.POSITIVE_INFINITY ? 0 : ns;
}

/** The cache keys a month of calls would render: how often the cache would hit from cold. */
function monthKeys(): SpeechFigures['render']['month'] {
  const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
  const keys = new Set<string>();
  let utterances = 0;
  for (const plan of createCallGenerator(scenario, { seed: 1, window: 'month' }).plans()) {
    const v = callerVoice(plan, scenario.population);
    for (const turn of plan.turns) {
      utterances++;
      keys.add(
        `${v.voice}\u0000${v.variant}\u0000${v.rate}\u0000${v.pitch}\u0000${speakableText(turn.text)}`,
      );
    }
  }
  return { utterances, renders: keys.size, hitRate: 1 - keys.size / utterances };
}

async function renderPeakHour(): Promise<SpeechFigures['render']> {
  const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
  const plans = [...createCallGenerator(scenario, { seed: 1, window: 'peak-hour' }).plans()];
  const dir = mkdtempSync(join(tmpdir(), 'callstorm-bench-speech-'));
  try {
    const pass = async () => {
      const renderer = new SpeechRenderer({
        population: scenario.population,
        cache: new SpeechCache(dir),
        recent: 0,
      });
      const before = cpuSeconds();
      let audio = 0;
      let utterances = 0;
      // As a run does: calls side by side, each caller's turns one after another.
      const queue = [...plans];
      const worker = async () => {
        for (let plan = queue.shift(); plan; plan = queue.shift()) {
          for (const turn of plan.turns) {
            const rendered = await renderer.render(plan, turn);
            encodeUtterance(rendered, 'mulaw');
            audio += rendered.durationMs / 1000;
            utterances++;
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const s = renderer.stats;
      return {
        utterances,
        audio,
        cpu: cpuSeconds() - before,
        espeakRuns: s.espeakRuns,
        hitRate: s.cacheHits / Math.max(1, s.cacheHits + s.cacheMisses),
      };
    };
    const cold = await pass();
    const warm = await pass();
    return {
      utterances: cold.utterances,
      audioSeconds: cold.audio,
      cold: { cpuSeconds: cold.cpu, espeakRuns: cold.espeakRuns, hitRate: cold.hitRate },
      warm: { cpuSeconds: warm.cpu, hitRate: warm.hitRate },
      month: monthKeys(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  const calibration = nsPerMac();
  const render = await renderPeakHour();
  const trial = await runLinkingTrial({ calls: 420, streams: 210 });
  let worst = '';
  let worstShare = 1;
  for (const [condition, c] of Object.entries(trial.byCondition)) {
    if (c.correct / c.n < worstShare) {
      worstShare = c.correct / c.n;
      worst = `${condition}: ${c.correct}/${c.n}`;
    }
  }
  const { byCondition: _, wrongLinks, ...linking } = trial;
  const figures: SpeechFigures = {
    nsPerMac: calibration,
    render,
    linking: {
      ...linking,
      wrongLinks: wrongLinks.length,
      worstCondition: worst || 'none: every condition 100 %',
    },
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
