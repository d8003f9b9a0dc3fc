import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { utteranceAudioBytes } from '../simulators/callers/utterance-audio.ts';
import { mulawToPcm } from '../src/audio/g711.ts';
import { pcm16ToBytes } from '../src/audio/pcm16.ts';
import { binaryFrames, connectRaw, type RawSocket } from './raw-ws-client.ts';
import { benchPlans } from './streaming-plans.ts';

/** One load level of the streaming benchmark. */
export interface StreamingFigure {
  readonly streams: number;
  /** Streams still open at the end (none dropped, none refused). */
  readonly held: number;
  readonly seconds: number;
  readonly finals: number;
  /** Finals expected from the endpoints the audio reached. */
  readonly expected: number;
  /** From sending the frame that completes an endpoint to receiving its final (ms). */
  readonly delayP50Ms: number;
  readonly delayP99Ms: number;
  readonly delayMaxMs: number;
  /** Simulator CPU over the level, in % of one core, and per stream. */
  readonly serverCpuPercent: number;
  readonly cpuPerStreamPercent: number;
  /** The same delay as the simulator saw it (reading the audio → sending the final), p99. */
  readonly serverAddedP99Ms: number;
  /** How late the generator's 20 ms ticks were (p99, ms): its own health. */
  readonly tickLagP99Ms: number;
  /** The machine's 1-minute load average at the end (other processes share the cores). */
  readonly loadAverage: number;
  /** The generator's time to send one tick's frames (mean, ms): over 20 ms it cannot keep up. */
  readonly sendMsPerTick: number;
  /** Simulator CPU per received 20 ms frame (µs), and the real-time streams one core would carry at that cost. */
  readonly cpuMicrosPerFrame: number;
  readonly streamsPerCore: number;
  /** The generator kept real time (tick lag p99 ≤ 20 ms): only then is the client-side delay the simulator's. */
  readonly valid: boolean;
  readonly pinned: boolean;
}

const RATE = 8000;
const FRAME = 160; // 20 ms at 8 kHz
const FRAME_MS = 20;
/** The simulator's endpoint: 10 ms VAD frames, then 100 ms hangover + Deepgram's default 10 ms. */
const ENDPOINT_AFTER = 880;
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const QUERY =
  'encoding=linear16&sample_rate=8000&channels=1&interim_results=true&punctuate=true&model=nova-3-general';

interface Track {
  /** PCM16 LE bytes of the whole track. */
  readonly audio: Uint8Array;
  /** Frame index whose arrival completes each utterance's endpoint, in order. */
  readonly endpointFrames: number[];
}

/** A caller's side of calls back to back: silence, a tagged utterance, silence, the next, … */
function track(plans: ReturnType<typeof benchPlans>['plans'], stream: number, seconds: number): Track {
  const samples: Int16Array[] = [];
  const endpointFrames: number[] = [];
  let length = (stream % 50) * FRAME; // stagger the streams' endpoints over a second
  samples.push(new Int16Array(length));
  const plan = plans[stream % plans.length]!;
  for (let t = 0; length < (seconds + 1) * RATE; t++) {
    const turn = plan.turns[t % plan.turns.length]!;
    const gap = new Int16Array(Math.round((0.6 + (t % 3) * 0.15) * RATE));
    const audio = mulawToPcm(new Uint8Array(utteranceAudioBytes(turn.id, turn.speechMs)));
    samples.push(gap, audio);
    length += gap.length;
    const end = length + audio.length;
    const endpoint = Math.ceil(end / 80) * 80 + ENDPOINT_AFTER;
    endpointFrames.push(Math.ceil(endpoint / FRAME) - 1);
    length = end;
  }
  const out = new Int16Array(length);
  let at = 0;
  for (const s of samples) {
    out.set(s, at);
    at += s.length;
  }
  return { audio: pcm16ToBytes(out), endpointFrames };
}

async function level(port: number, n: number, seconds: number, pinned: boolean): Promise<StreamingFigure> {
  const { plans } = benchPlans(Math.min(n, 1000));
  const tracks = Array.from({ length: n }, (_, i) => track(plans, i, seconds));
  const delays = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  });
  const lags = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  });
  const sentAt = tracks.map(() => new Map<number, number>());
  const nextFinal = tracks.map(() => 0);
  let finals = 0;
  const sockets: RawSocket[] = [];
  const wire = tracks.map((t) => binaryFrames(t.audio, FRAME * 2));
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, j) => {
        const s = i + j;
        return connectRaw(port, `/v1/listen?${QUERY}`, (text) => {
          if (!text.includes('"speech_final":true')) return;
          const k = nextFinal[s]!++;
          const frame = tracks[s]!.endpointFrames[k];
          const at = frame === undefined ? undefined : sentAt[s]!.get(frame);
          if (at === undefined) return;
          finals++;
          delays.recordValue(Math.max(0, Math.round(performance.now() - at)));
        });
      }),
    );
    sockets.push(...batch);
  }
  await fetch(`http://127.0.0.1:${port}/reset`);
  const cpu = async () =>
    ((await (await fetch(`http://127.0.0.1:${port}/cpu`)).json()) as { cpuMicros: number }).cpuMicros;
  const cpuBefore = await cpu();
  const started = performance.now();
  let sending = 0;
  const ticks = Math.floor((seconds * 1000) / FRAME_MS);
  const endpointSets = tracks.map((t) => new Set(t.endpointFrames));
  for (let k = 0; k < ticks; k++) {
    const due = started + k * FRAME_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const tick = performance.now();
    lags.recordValue(Math.max(0, Math.round(tick - due)));
    for (let s = 0; s < n; s++) {
      const socket = sockets[s]!;
      if (!socket.open()) continue;
      const { bytes, frameBytes } = wire[s]!;
      socket.write(bytes.subarray(k * frameBytes, (k + 1) * frameBytes));
      if (endpointSets[s]!.has(k)) sentAt[s]!.set(k, performance.now());
    }
    sending += performance.now() - tick;
  }
  const wall = (performance.now() - started) / 1000;
  // Let the last finals arrive.
  await new Promise((r) => setTimeout(r, 300));
  const cpuUsed = (await cpu()) - cpuBefore;
  const serverStats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as {
    addedDelay: { p99: number };
    audio: { frames: number };
  };
  const held = sockets.filter((socket) => socket.open()).length;
  const expected = tracks.reduce((m, t) => m + t.endpointFrames.filter((f) => f < ticks).length, 0);
  for (const socket of sockets) socket.close();
  const serverCpuPercent = (cpuUsed / 1e6 / wall) * 100;
  const perFrame = cpuUsed / Math.max(1, serverStats.audio.frames);
  const tickLag = lags.getValueAtPercentile(99);
  return {
    streams: n,
    held,
    seconds: Math.round(wall * 10) / 10,
    finals,
    expected,
    delayP50Ms: delays.totalCount ? delays.getValueAtPercentile(50) : Number.NaN,
    delayP99Ms: delays.totalCount ? delays.getValueAtPercentile(99) : Number.NaN,
    delayMaxMs: delays.totalCount ? delays.maxValue : Number.NaN,
    serverCpuPercent: Math.round(serverCpuPercent * 10) / 10,
    cpuPerStreamPercent: Math.round((serverCpuPercent / n) * 1000) / 1000,
    serverAddedP99Ms: serverStats.addedDelay.p99,
    tickLagP99Ms: tickLag,
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    sendMsPerTick: Math.round((sending / ticks) * 100) / 100,
    cpuMicrosPerFrame: Math.round(perFrame * 10) / 10,
    streamsPerCore: Math.round(1e6 / (perFrame * (1000 / FRAME_MS))),
    valid: tickLag <= 20,
    pinned,
  };
}

/**
 * Live streams the ASR simulator carries in real time: N WebSocket streams of tagged caller audio,
 * one 20 ms PCM16 frame each per tick, from this process; the simulator in a child pinned to one
 * core (taskset, where available), latency model off. Measures each final's added delay: from
 * sending the frame that completes its endpoint to receiving it.
 */
export async function benchStreaming(levels: readonly number[], seconds: number): Promise<StreamingFigure[]> {
  const node = [process.execPath, '--import', 'tsx', here('streaming-server-child.ts'), '1000'];
  const command = TASKSET ? [TASKSET, '-c', '0', ...node] : node;
  const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const port = Number(line);
    const figures: StreamingFigure[] = [];
    for (const n of levels) {
      figures.push(await level(port, n, seconds, TASKSET !== undefined));
      await new Promise((r) => setTimeout(r, 500));
    }
    return figures;
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

if (process.argv[2] === 'child') {
  const levels = (process.argv[3] ?? '100,250,500,750').split(',').map(Number);
  const seconds = Number(process.argv[4] ?? 10);
  process.stdout.write(`${JSON.stringify(await benchStreaming(levels, seconds))}\n`);
}
