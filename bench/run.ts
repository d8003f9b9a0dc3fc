import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../scripts/build.ts';
import type { GeneratorFigure } from './generator-bench.ts';
import type { SpeechFigures } from './speech-bench.ts';
import type { StreamingFigure } from './streaming-bench.ts';
import type { TwilioLevelFigure } from './twilio-bench.ts';

/**
 * `npm run bench`: prints the project's performance figures. Each benchmark runs in its own
 * child process so peak RSS and JIT state are its own. Figures, not pass/fail: these machines are
 * shared and noisy; compare ratios measured in one run.
 */
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** taskset(1), to hold a benchmark to one CPU (its GC and I/O threads included); Linux only. */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));

function child<T>(script: string, args: string[] = [], oneCpu = false, cpu = '0'): T {
  const node = [process.execPath, '--import', 'tsx', here(script), 'child', ...args];
  const command = oneCpu && TASKSET ? [TASKSET, '-c', cpu, ...node] : node;
  const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface DriveFigure {
  calls: number;
  turns: number;
  offeredTurnsPerSecond: number;
  turnsPerSecond: number;
  startLagP99Ms: number;
  sendLagP99Ms: number;
  peakInFlight: number;
  eventLoopDelayP99Ms: number;
}

interface ReportFigures {
  calls: number;
  windows: number;
  evaluateSeconds: number;
  chartsSeconds: number;
  reportSeconds: number;
  peakRssMb: number;
  htmlKb: number;
}

const BIN = here('../bin/callstorm.js');

/**
 * Median wall time of each command's start, in ms. The commands take turns (one start of each per
 * round), so a change in the machine's load falls on all of them alike.
 */
function medianStartsMs(
  commands: readonly { args: string[]; env?: NodeJS.ProcessEnv }[],
  rounds = 11,
): number[] {
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of commands.entries()) {
      const started = performance.now();
      const r = spawnSync(process.execPath, c.args, {
        env: c.env ?? process.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      times[i]!.push(performance.now() - started);
      if (r.status !== 0) throw new Error(`${c.args.join(' ')} failed:\n${r.stderr}`);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

const SECTIONS = {
  async cli() {
    const build = await buildCli({ ifStale: true });
    console.log(
      `CLI start-up, median of 11 starts each, taking turns (target: callstorm --version ≤ 300 ms); the build in dist/ ${build.built ? 'was rebuilt first' : 'was current'}`,
    );
    const names = [
      'node -e 0',
      'callstorm --version',
      'callstorm simulators --help',
      'callstorm --version from the sources (tsx)',
    ];
    const medians = medianStartsMs([
      { args: ['-e', '0'] },
      { args: [BIN, '--version'] },
      { args: [BIN, 'simulators', '--help'] },
      { args: [BIN, '--version'], env: { ...process.env, CALLSTORM_FROM_SOURCE: '1' } },
    ]);
    const node = medians[0]!;
    const rows = names.map((name, i) => [name, medians[i]!] as const);
    for (const [name, ms] of rows) {
      console.log(
        `  ${name.padEnd(44)} ${fmt(ms).padStart(5)} ms${name === 'node -e 0' ? '' : `  (node + ${fmt(ms - node)} ms)`}`,
      );
    }
  },
  twilio() {
    console.log(
      `twilio: concurrent real-time Twilio Media Streams calls against a null bot in its own process (a 600 ms tone per caller utterance, paced at 40 ms; the fake Twilio REST API with it)${TASKSET ? ', the bot pinned to CPU 0 and the driver to CPU 1 (taskset)' : ' (no taskset: not pinned)'}; 15 s measured per level after a 3 s ramp and 3 s of warm-up; and, at the same levels, bare ws sockets sending the same media messages on one 20 ms timer (the ceiling)`,
    );
    console.log(
      '  targets: ≥ 1,000 calls with frame-send jitter p99 ≤ 5 ms and the driver within one core; callstorm ≥ 0.5 × the calls the bare client holds at that jitter',
    );
    console.log(
      "  jitter = each frame's lateness against its tick less its stream's least lateness (what the bot sees); lateness = against the tick itself (its place in the round of sends included)",
    );
    const figures = child<TwilioLevelFigure[]>('twilio-bench.ts', ['250,500,750,1000,1500', '15'], true, '1');
    for (const f of figures) {
      console.log(
        `  ${f.mode.padEnd(9)} ${fmt(f.calls).padStart(5)} calls  held ${fmt(f.held).padStart(5)}  jitter p50 ${fmt(f.jitterP50Ms, 2)} ms  p99 ${fmt(f.jitterP99Ms, 2)} ms  max ${fmt(f.jitterMaxMs, 1)} ms  lateness p99 ${fmt(f.latenessP99Ms, 1)} ms  tick lag p99 ${fmt(f.tickLagP99Ms, 1)} ms  tick work p50 ${fmt(f.tickWorkMs, 2)} ms`,
      );
      console.log(
        `            CPU ${fmt(f.cpuPercent, 1)} % of a core, ${fmt(f.cpuPerCallPercent, 3)} % per call (${fmt(f.cpuPercent > 0 ? (100 / f.cpuPercent) * f.calls : 0)} calls per core at this rate); null bot ${fmt(f.botCpuPercent, 1)} %; event-loop delay p99 ${fmt(f.eventLoopDelayP99Ms, 1)} ms; load average ${fmt(f.loadAverage, 1)}`,
      );
    }
    const held = (mode: TwilioLevelFigure['mode']) =>
      Math.max(
        0,
        ...figures
          .filter((f) => f.mode === mode && f.held === f.calls && f.jitterP99Ms <= 5 && f.cpuPercent <= 100)
          .map((f) => f.calls),
      );
    const ours = held('callstorm');
    const bare = held('bare-ws');
    console.log(
      `  held with jitter p99 ≤ 5 ms within one core: callstorm ${fmt(ours)} calls, bare ws ${fmt(bare)}; ratio ${bare > 0 ? fmt(ours / bare, 2) : '— (the bare client held no level)'}`,
    );
  },
  generator() {
    console.log(
      `generator: plans written as JSONL to /dev/null, ${TASKSET ? 'pinned to one CPU (taskset -c 0)' : 'not pinned (no taskset): may use a second core for GC'}`,
    );
    console.log('  targets: ≥ 50,000 plans/s on one core; peak RSS flat in N, ≤ 300 MB at 1M');
    const sizes = [100_000, 1_000_000];
    const results = sizes.map((n) => child<GeneratorFigure>('generator-bench.ts', [String(n)], true));
    for (const r of results) {
      console.log(
        `  ${fmt(r.plans).padStart(9)} plans  ${fmt(r.seconds, 1).padStart(6)} s  ${fmt(r.plansPerSecond).padStart(7)} plans/s  ${fmt(r.plansPerCpuSecond).padStart(7)} plans per CPU-second  peak RSS ${fmt(r.peakRssMb)} MB`,
      );
    }
    const slowest = Math.min(...results.map((r) => r.plansPerSecond));
    const mostRss = Math.max(...results.map((r) => r.peakRssMb));
    console.log(
      `  RSS ratio 1M / 100k: ${fmt(results[1]!.peakRssMb / results[0]!.peakRssMb, 2)} (1.00 = flat); ` +
        `throughput target ${slowest >= 50_000 ? 'met' : 'NOT met'} (slowest ${fmt(slowest)} plans/s), ` +
        `RSS target ${mostRss <= 300 ? 'met' : 'NOT met'}`,
    );
  },
  simulators() {
    console.log(
      'simulators over HTTP, latency models at zero, 32 connections × 8 s (autocannon; simulators in their own process)',
    );
    for (const f of child<
      { name: string; requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number }[]
    >('simulators-bench.ts')) {
      console.log(
        `  ${f.name.padEnd(48)} ${fmt(f.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(f.p50Ms, 1)} ms  p99 ${fmt(f.p99Ms, 1)} ms  errors ${f.errors}`,
      );
    }
  },
  driver() {
    console.log(
      'driver against a null agent (own process), speed 1 (targets: ≥ 2,000 turns/s; ≥ 5,000 concurrent calls with lag p99 ≤ 10 ms)',
    );
    const d = child<{
      throughput: DriveFigure[];
      concurrency: DriveFigure[];
      autocannonTurnsPerSecond: number;
    }>('driver-bench.ts');
    for (const f of d.throughput) {
      console.log(
        `  offered ${fmt(f.offeredTurnsPerSecond).padStart(6)} turns/s → sent ${fmt(f.turnsPerSecond).padStart(6)} turns/s  start lag p99 ${fmt(f.startLagP99Ms, 1)} ms  send lag p99 ${fmt(f.sendLagP99Ms, 1)} ms  event-loop p99 ${fmt(f.eventLoopDelayP99Ms, 1)} ms`,
      );
    }
    for (const f of d.concurrency) {
      console.log(
        `  ${fmt(f.peakInFlight).padStart(6)} calls in progress at once  start lag p99 ${fmt(f.startLagP99Ms, 1)} ms  send lag p99 ${fmt(f.sendLagP99Ms, 1)} ms`,
      );
    }
    const bestTurns = Math.max(
      ...d.throughput.filter((f) => f.sendLagP99Ms <= 10).map((f) => f.turnsPerSecond),
      0,
    );
    const top = d.throughput.reduce((a, f) => (f.turnsPerSecond > a.turnsPerSecond ? f : a));
    console.log(
      `  highest sustained: ${fmt(top.turnsPerSecond)} turns/s at send lag p99 ${fmt(top.sendLagP99Ms, 1)} ms`,
    );
    const bestHeld = Math.max(
      ...d.concurrency
        .filter((f) => f.sendLagP99Ms <= 10 && f.startLagP99Ms <= 10)
        .map((f) => f.peakInFlight),
      0,
    );
    console.log(
      `  sustained with send lag p99 ≤ 10 ms: ${fmt(bestTurns)} turns/s; held in real time: ${fmt(bestHeld)} calls`,
    );
    console.log(
      `  autocannon, same null endpoint, 64 connections: ${fmt(d.autocannonTurnsPerSecond)} turn requests/s — driver/autocannon = ${fmt(bestTurns / d.autocannonTurnsPerSecond, 2)}`,
    );
  },
  streaming() {
    console.log(
      `streaming: live /v1/listen streams of tagged caller audio in real time (20 ms PCM16 frames at 8 kHz), 15 s a level; the ASR simulator in its own process ${TASKSET ? 'pinned to one CPU (taskset -c 0), the load generator on the other (-c 1)' : 'not pinned (no taskset)'}; latency model off`,
    );
    console.log("  target: ≥ 500 streams on one core with finals' added delay p99 ≤ 50 ms");
    const figures = child<StreamingFigure[]>('streaming-bench.ts', ['100,250,500,750', '15'], true, '1');
    for (const f of figures) {
      console.log(
        `  ${fmt(f.streams).padStart(4)} streams  held ${fmt(f.held).padStart(4)}  finals ${fmt(f.finals).padStart(5)}/${fmt(f.expected)}  added delay p50 ${fmt(f.delayP50Ms)} ms  p99 ${fmt(f.delayP99Ms)} ms  max ${fmt(f.delayMaxMs)} ms${f.valid ? '' : ' (INVALID: the generator fell behind)'}`,
      );
      console.log(
        `        simulator's own added delay p99 ${fmt(f.serverAddedP99Ms)} ms; simulator CPU ${fmt(f.serverCpuPercent, 1)} % of a core, ${fmt(f.cpuMicrosPerFrame, 1)} µs per frame (≈ ${fmt(f.streamsPerCore)} real-time streams per core); generator tick lag p99 ${fmt(f.tickLagP99Ms)} ms, ${fmt(f.sendMsPerTick, 1)} ms to send a tick; load average ${fmt(f.loadAverage, 1)}`,
      );
    }
    const ok = figures.filter((f) => f.valid && f.held === f.streams && f.delayP99Ms <= 50);
    const best = Math.max(0, ...ok.map((f) => f.streams));
    const invalid = figures.filter((f) => !f.valid).map((f) => f.streams);
    console.log(
      `  held in real time with p99 ≤ 50 ms: ${fmt(best)} streams (target ${best >= 500 ? 'met' : 'NOT met'})` +
        (invalid.length > 0
          ? `; levels ${invalid.join(', ')} not measured: the load generator could not keep real time on this machine`
          : ''),
    );
    const top = figures[figures.length - 1]!;
    console.log(
      `  the simulator's own added delay p99 stayed ≤ ${fmt(Math.max(...figures.map((f) => f.serverAddedP99Ms)))} ms at every level; at ${fmt(top.streams)} streams it spent ${fmt(top.cpuMicrosPerFrame, 1)} µs of CPU per 20 ms frame: one core would carry ≈ ${fmt(top.streamsPerCore)} real-time streams`,
    );
  },
  report() {
    console.log('report of a 50,000-call run (target ≤ 15 s for all charts, SVG and PNG, and the HTML)');
    const r = child<ReportFigures>('report-bench.ts');
    console.log(
      `  ${fmt(r.calls)} calls, ${fmt(r.windows)} windows: SLO evaluation ${fmt(r.evaluateSeconds, 1)} s; charts SVG+PNG ${fmt(r.chartsSeconds, 1)} s; whole report ${fmt(r.reportSeconds, 1)} s; index.html ${fmt(r.htmlKb)} kB; peak RSS ${fmt(r.peakRssMb)} MB`,
    );
  },
  speech() {
    console.log(
      'caller speech and the acoustic linker (targets: linking ≥ 99.9 % over ≥ 1,000 utterances on ≥ 200 streams, no wrong link)',
    );
    const f = child<SpeechFigures>('speech-bench.ts');
    const r = f.render;
    console.log(
      `  rendering a scale peak hour (collections, seed 1): ${fmt(r.utterances)} utterances, ${fmt(r.audioSeconds)} s of audio`,
    );
    console.log(
      `    cold cache: ${fmt(r.audioSeconds / r.cold.cpuSeconds, 1)} s of audio per CPU-second (espeak-ng included), ${fmt(r.cold.espeakRuns)} espeak-ng runs, cache hit rate ${fmt(r.cold.hitRate * 100, 1)} %`,
    );
    console.log(
      `    warm cache: ${fmt(r.audioSeconds / r.warm.cpuSeconds, 1)} s of audio per CPU-second, cache hit rate ${fmt(r.warm.hitRate * 100, 1)} %`,
    );
    console.log(
      `    a month from cold (cache keys counted, not rendered): ${fmt(r.month.utterances)} utterances, ${fmt(r.month.renders)} renders, cache hit rate ${fmt(r.month.hitRate * 100, 1)} %`,
    );
    const l = f.linking;
    const undecided = Object.entries(l.undecided)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `  linking: ${fmt(l.utterances)} utterances on ${l.streams} concurrent streams (8/16/24/48 kHz, μ-law and PCM16, gain changes, odd chunks, cohort noise; up to ${fmt(l.peakCandidates)} candidates at once)`,
    );
    console.log(
      `    accuracy ${fmt(l.accuracy * 100, 2)} % — right ${fmt(l.correct)}, wrong ${l.wrong}, undecided ${undecided || 0}; links that changed mid-stream ${l.changed}; target ${l.accuracy >= 0.999 && l.wrong === 0 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `    streamed segments decided after ${fmt(l.decisionMs.p50)} ms of audio (median), ${fmt(l.decisionMs.p99)} ms (p99); worst condition ${l.worstCondition}`,
    );
    console.log(
      `    cost: ${fmt(l.cpuMsPerAudioSecond, 2)} CPU ms per second of audio per stream (${fmt(l.linkCpuMs)} ms for ${fmt(l.audioSeconds)} s) ≈ ${fmt(1000 / l.cpuMsPerAudioSecond)} streams per core in real time`,
    );
    console.log(
      `  machine: ${fmt(f.nsPerMac, 2)} ns per multiply-add in a reference loop (an idle current core: ~1); scale the figures by it`,
    );
  },
};
type Section = keyof typeof SECTIONS;

// `npm run bench -- generator report` runs only those sections.
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !Object.hasOwn(SECTIONS, a));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
console.log('callstorm benchmarks');
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
const chosen = (asked.length > 0 ? asked : Object.keys(SECTIONS)) as Section[];
for (const [i, name] of chosen.entries()) {
  if (i > 0) console.log('');
  await SECTIONS[name]();
}
