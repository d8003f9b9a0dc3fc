import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { CallPlan, PlannedTurn } from '../simulators/callers/call-plan.ts';
import { encodeUtterance } from '../simulators/callers/speech-formats.ts';
import { type RenderedUtterance, SpeechRenderer } from '../simulators/callers/speech-renderer.ts';
import { renderSpeech } from '../simulators/dependencies/speech-synthesis.ts';
import type { SimulatorAddress, SimulatorEndpoints } from '../simulators/simulator-endpoints.ts';
import { createRunClock } from '../src/driver/run-clock.ts';
import { JitterHistogram } from '../src/driver/twilio/jitter-histogram.ts';
import { MediaClock } from '../src/driver/twilio/media-clock.ts';
import { createTwilioTransport } from '../src/driver/twilio/twilio-transport.ts';
import { utteranceFrames } from '../src/driver/twilio/utterance-frames.ts';
import { benchPlans } from './streaming-plans.ts';

/** One load level: N concurrent real-time calls (or bare sockets) and how well their frames kept time. */
export interface TwilioLevelFigure {
  readonly mode: 'callstorm' | 'bare-ws';
  readonly calls: number;
  /** Calls (sockets) still going at the end of the measured stretch. */
  readonly held: number;
  readonly seconds: number;
  readonly frames: number;
  /** Each frame's lateness less its stream's least lateness (what a bot sees as jitter), ms. */
  readonly jitterP50Ms: number;
  readonly jitterP99Ms: number;
  readonly jitterMaxMs: number;
  /** Each frame's lateness against its tick's due time (its place in the round included), p99 ms. */
  readonly latenessP99Ms: number;
  readonly tickLagP99Ms: number;
  /** Median wall ms one tick took to run every call. */
  readonly tickWorkMs: number;
  /** This process's CPU over the stretch, % of one core, and per call. */
  readonly cpuPercent: number;
  readonly cpuPerCallPercent: number;
  readonly botCpuPercent: number;
  readonly eventLoopDelayP99Ms: number;
  readonly loadAverage: number;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
const FRAME_MS = 20;
const SPEECH_MS = [1_500, 2_000, 2_500];
const RAMP_MS = 3_000;
const WARM_MS = 3_000;

/**
 * The benchmark's caller voice: the TTS simulator's speech-like audio, one render per utterance
 * length, shared by every caller (espeak-ng rendering ~5,000 distinct utterances would measure
 * espeak, not the transport). A benchmark-only stand-in, renders on the media clock's thread.
 */
class BenchVoice extends SpeechRenderer {
  readonly #renders = new Map<number, Promise<RenderedUtterance>>();
  override render(_plan: CallPlan, turn: PlannedTurn): Promise<RenderedUtterance> {
    let r = this.#renders.get(turn.speechMs);
    if (!r) {
      const samples = renderSpeech('Hello, I am calling about my account, can you help me today?', {
        sampleRate: 16_000,
        audioMs: turn.speechMs,
        seed: turn.speechMs,
      });
      // Only the fields a transport plays are real: this voice was never spoken by espeak-ng.
      r = Promise.resolve({
        utteranceId: turn.id,
        text: turn.text,
        sampleRate: 16_000,
        samples,
        durationMs: turn.speechMs,
        speech: { startMs: 0, endMs: turn.speechMs },
        synthesised: false,
      } as unknown as RenderedUtterance);
      this.#renders.set(turn.speechMs, r);
    }
    return r;
  }
}

/** Long calls of short utterances: each lasts past the measured stretch. */
function callPlans(n: number): { plans: CallPlan[]; population: SpeechRenderer['population'] } {
  const { scenario, plans } = benchPlans(n);
  return {
    population: scenario.population,
    plans: plans.map((p, i) => ({
      ...p,
      arrivalMs: (i * RAMP_MS) / n,
      patienceMs: 30_000,
      turns: Array.from({ length: 16 }, (_, t) => ({
        ...p.turns[t % p.turns.length]!,
        id: `${p.id}.u${t}`,
        index: t,
        speechMs: SPEECH_MS[(i + t) % SPEECH_MS.length]!,
        thinkMs: 600,
        bargeInAtMs: null,
      })),
    })),
  };
}

interface Bot {
  readonly port: number;
  readonly endpoints: SimulatorEndpoints;
  cpuMicros(): Promise<number>;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Measures `seconds` of wall time after the ramp and warm-up, with `reset` run at its start. */
async function measure(
  bot: Bot,
  seconds: number,
  reset: () => void,
): Promise<{ wall: number; cpu: number; botCpu: number; loop: number }> {
  await new Promise((r) => setTimeout(r, RAMP_MS + WARM_MS));
  reset();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = cpuNow();
  const bot0 = await bot.cpuMicros();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuNow() - cpu0;
  const botCpu = (await bot.cpuMicros()) - bot0;
  loop.disable();
  return { wall, cpu, botCpu, loop: loop.percentile(99) / 1e6 };
}

function figure(
  mode: TwilioLevelFigure['mode'],
  n: number,
  held: number,
  m: { wall: number; cpu: number; botCpu: number; loop: number },
  jitter: JitterHistogram,
  lateness: JitterHistogram,
  tickLag: JitterHistogram,
  tickWork: JitterHistogram,
): TwilioLevelFigure {
  const r = (v: number | null, d = 2) => Math.round((v ?? Number.NaN) * 10 ** d) / 10 ** d;
  const cpuPercent = (m.cpu / 1e6 / m.wall) * 100;
  return {
    mode,
    calls: n,
    held,
    seconds: r(m.wall, 1),
    frames: jitter.count,
    jitterP50Ms: r(jitter.percentile(50)),
    jitterP99Ms: r(jitter.percentile(99)),
    jitterMaxMs: r(jitter.max),
    latenessP99Ms: r(lateness.percentile(99)),
    tickLagP99Ms: r(tickLag.percentile(99)),
    tickWorkMs: r(tickWork.percentile(50)),
    cpuPercent: r(cpuPercent, 1),
    cpuPerCallPercent: r(cpuPercent / n, 3),
    botCpuPercent: r((m.botCpu / 1e6 / m.wall) * 100, 1),
    eventLoopDelayP99Ms: r(m.loop),
    loadAverage: r(loadavg()[0]!, 1),
  };
}

/** N callers through the Twilio transport (caller state machines, playback, the fake Twilio), one media clock. */
async function callstormLevel(bot: Bot, n: number, seconds: number): Promise<TwilioLevelFigure> {
  const { plans, population } = callPlans(n);
  const clock = new MediaClock();
  const transport = createTwilioTransport(
    `twilio+ws://127.0.0.1:${bot.port}/ws`,
    { speed: 1, simulators: bot.endpoints, callerAudio: new BenchVoice({ population }) },
    { reprompts: 'never', speechThreads: 0, clock },
  );
  // One controller per call, as the driver gives each call its own signal.
  const stops: AbortController[] = [];
  const runClock = createRunClock(1, performance.now() + 100);
  let ended = 0;
  const calls = plans.map(async (plan) => {
    await new Promise((r) => setTimeout(r, Math.max(0, runClock.wallUntil(plan.arrivalMs))));
    const stop = new AbortController();
    stops.push(stop);
    try {
      await transport.converse({ runId: 'bench', plan, clock: runClock, signal: stop.signal });
      ended++;
    } catch {
      // Stopped at the end of the level.
    }
  });
  const { frameJitter, frameLateness } = transport.stats;
  const m = await measure(bot, seconds, () => {
    frameJitter.reset();
    frameLateness.reset();
    clock.stats.lag.reset();
    clock.stats.work.reset();
  });
  const f = figure(
    'callstorm',
    n,
    n - ended,
    m,
    frameJitter,
    frameLateness,
    clock.stats.lag,
    clock.stats.work,
  );
  for (const stop of stops) stop.abort(new Error('level over'));
  await Promise.all(calls);
  await transport.close();
  return f;
}

/** The ceiling: bare `ws` sockets sending the same media messages on one 20 ms timer, nothing else. */
async function bareLevel(bot: Bot, n: number, seconds: number): Promise<TwilioLevelFigure> {
  const { plans, population } = callPlans(n);
  const voice = new BenchVoice({ population });
  const speech = await Promise.all(
    SPEECH_MS.map(async (ms) =>
      utteranceFrames({
        utteranceId: 'u',
        mulaw: encodeUtterance(
          await voice.render(plans[0]!, { ...plans[0]!.turns[0]!, speechMs: ms }),
          'mulaw',
        ),
        speech: { startMs: 0, endMs: ms },
      }),
    ),
  );
  const silence = Buffer.alloc(160, 0xff).toString('base64');
  const jitter = new JitterHistogram();
  const lateness = new JitterHistogram();
  const lag = new JitterHistogram();
  const sockets: {
    ws: WebSocket;
    seq: number;
    chunk: number;
    sid: string;
    track: string[];
    least: number;
  }[] = [];
  for (let i = 0; i < n; i++) {
    // Each socket's frames: an utterance, 2.3 s of silence (the bot's reply and the caller's pause), again.
    const track: string[] = [];
    for (let t = 0; t < 8; t++) {
      track.push(...speech[(i + t) % speech.length]!.payloads);
      for (let k = 0; k < 115; k++) track.push(silence);
    }
    const sid = `MZ${String(i).padStart(32, '0')}`;
    const ws = new WebSocket(`ws://127.0.0.1:${bot.port}/ws`, {
      perMessageDeflate: false,
      generateMask: () => {},
    });
    ws.on('message', () => {});
    ws.on('error', () => {});
    ws.once('open', () => {
      ws.send('{"event":"connected","protocol":"Call","version":"1.0.0"}');
      ws.send(
        JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid: sid, start: { streamSid: sid } }),
      );
    });
    sockets.push({ ws, seq: 1, chunk: 0, sid, track, least: Number.POSITIVE_INFINITY });
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, (50 * RAMP_MS) / n));
  }
  let running = true;
  let next = performance.now() + FRAME_MS;
  const work = new JitterHistogram();
  const tick = () => {
    if (!running) return;
    let now = performance.now();
    while (next <= now + 1) {
      lag.record(now - next);
      const started = now;
      for (const s of sockets) {
        if (s.ws.readyState !== WebSocket.OPEN) continue;
        const sent = performance.now();
        const late = sent - next;
        if (late < s.least) s.least = late;
        lateness.record(late);
        jitter.record(late - s.least);
        s.chunk++;
        s.ws.send(
          `{"event":"media","sequenceNumber":"${++s.seq}","media":{"track":"inbound","chunk":"${s.chunk}","timestamp":"${s.chunk * FRAME_MS}","payload":"${s.track[s.chunk % s.track.length]}"},"streamSid":"${s.sid}"}`,
        );
      }
      now = performance.now();
      work.record(now - started);
      next += FRAME_MS;
    }
    setTimeout(tick, Math.max(0, Math.floor(next - now)));
  };
  tick();
  const m = await measure(bot, seconds, () => {
    jitter.reset();
    lateness.reset();
    lag.reset();
    work.reset();
  });
  running = false;
  const held = sockets.filter((s) => s.ws.readyState === WebSocket.OPEN).length;
  for (const s of sockets) s.ws.terminate();
  return figure('bare-ws', n, held, m, jitter, lateness, lag, work);
}

async function startBot(): Promise<{ bot: Bot; stop: () => Promise<void> }> {
  const node = [process.execPath, '--import', 'tsx', here('twilio-null-bot-child.ts')];
  const command = TASKSET ? [TASKSET, '-c', '0', ...node] : node;
  const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const info = JSON.parse(line) as { bot: number; twilio: string; control: string };
  const address = (name: string, kind: SimulatorAddress['kind']): SimulatorAddress => ({
    name,
    kind,
    url: info.twilio,
    controlUrl: info.control,
  });
  // Only the fake Twilio is real here: the null bot uses no ASR, LLM, TTS or CRM.
  const endpoints: SimulatorEndpoints = {
    asr: address('asr', 'asr'),
    tts: address('tts', 'tts'),
    crm: address('crm', 'crm'),
    llm: {},
    twilio: address('twilio', 'twilio'),
    endpoints: [address('twilio', 'twilio')],
  };
  return {
    bot: {
      port: info.bot,
      endpoints,
      cpuMicros: async () =>
        ((await (await fetch(`http://127.0.0.1:${info.bot}/cpu`)).json()) as { cpuMicros: number }).cpuMicros,
    },
    stop: async () => {
      child.stdin!.end();
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A level the driver could not carry: calls dropped, a core used up, or jitter 10× the target. */
export const saturated = (f: TwilioLevelFigure): boolean =>
  f.held < f.calls || f.cpuPercent > 100 || f.jitterP99Ms > 50;

/**
 * `npm run bench -- twilio`: concurrent real-time Twilio calls callstorm holds against a null bot
 * in its own process (pinned to CPU 0 where taskset exists; this process to CPU 1), and the same
 * frames from bare `ws` sockets as the ceiling. Per level: frame jitter, CPU, held calls.
 */
export async function benchTwilio(levels: readonly number[], seconds: number): Promise<TwilioLevelFigure[]> {
  const { bot, stop } = await startBot();
  try {
    const figures: TwilioLevelFigure[] = [];
    for (const n of levels) {
      figures.push(await bareLevel(bot, n, seconds));
      await new Promise((r) => setTimeout(r, 1_000));
      const ours = await callstormLevel(bot, n, seconds);
      figures.push(ours);
      await new Promise((r) => setTimeout(r, 1_000));
      // Past saturation a level only queues audio in memory (a full run once ran out of a 4 GB heap
      // at 1,000–1,500 calls on a loaded machine): the next level would say nothing new.
      if (saturated(ours)) {
        process.stderr.write(
          `twilio bench: stopped after ${n} calls (${ours.held} held, jitter p99 ${ours.jitterP99Ms.toFixed(1)} ms, CPU ${ours.cpuPercent.toFixed(0)} %): higher levels skipped\n`,
        );
        break;
      }
    }
    return figures;
  } finally {
    await stop();
  }
}

if (process.argv[2] === 'child') {
  if (process.argv[5] === 'callstorm-only') {
    const { bot, stop } = await startBot();
    const f = await callstormLevel(bot, Number(process.argv[3]), Number(process.argv[4]));
    await stop();
    process.stdout.write(`${JSON.stringify([f])}\n`);
    process.exit(0);
  }
  const levels = (process.argv[3] ?? '250,500,1000').split(',').map(Number);
  const seconds = Number(process.argv[4] ?? 15);
  process.stdout.write(`${JSON.stringify(await benchTwilio(levels, seconds))}\n`);
}
