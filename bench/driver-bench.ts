import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { CALL_PLAN_SCHEMA, type CallPlan, type PlannedTurn } from '../simulators/callers/call-plan.ts';
import { encodeUtteranceAudio } from '../simulators/callers/utterance-audio.ts';
import { createHttpTransport } from '../src/driver/http-transport.ts';
import { OpenModelDriver } from '../src/driver/open-model-driver.ts';
import { createRunClock } from '../src/driver/run-clock.ts';

const CHILD = fileURLToPath(new URL('./null-agent-child.ts', import.meta.url));
const SPEECH_MS = 1_500;

async function startAgentChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [url] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, url };
}

/** Synthetic calls: `turns` turns each, arriving every `gapMs` (wall), pausing `thinkMs` (wall) between turns. */
function* syntheticPlans(calls: number, turns: number, gapMs: number, thinkMs: number): Generator<CallPlan> {
  for (let i = 0; i < calls; i++) {
    const id = `bench-${i}`;
    const planned: PlannedTurn[] = Array.from({ length: turns }, (_, n) => ({
      id: `${id}.u${n}`,
      index: n,
      kind: n === 0 ? 'open' : 'inform',
      text: 'benchmark',
      speechMs: SPEECH_MS,
      thinkMs: n === 0 ? 0 : thinkMs,
      bargeInAtMs: null,
      slots: {},
      expect: { intent: 'x', flow: 'x', inScope: true, action: 'continue', reads: [], writes: [] },
    }));
    yield {
      schema: CALL_PLAN_SCHEMA,
      id,
      index: i,
      arrivalMs: i * gapMs,
      arrivalAt: new Date(i * gapMs).toISOString(),
      vertical: 'bench',
      stage: 'bench',
      caller: {
        name: 'B',
        firstName: 'B',
        accountId: '40000000',
        phone: '07100000000',
        postcode: 'N1 1AA',
        dateOfBirth: '1980-01-01',
        email: 'b@example.co.uk',
      },
      region: 'uk',
      locale: 'en-GB',
      cohort: 'southern-standard',
      noise: 'quiet',
      complexity: 'simple',
      intents: ['x'],
      flows: ['x'],
      consentRequired: false,
      patienceMs: 60_000,
      asksForHumanAtTurn: null,
      turns: planned,
      expectedWrites: [],
      expectedEnd: { action: 'end' },
    };
  }
}

interface DriveFigures {
  readonly calls: number;
  readonly turns: number;
  readonly seconds: number;
  /** Turns sent per second over the span from the first to the last turn sent. */
  readonly turnsPerSecond: number;
  /** Offered: what the schedule asked for. */
  readonly offeredTurnsPerSecond: number;
  readonly startLagP99Ms: number;
  readonly sendLagP99Ms: number;
  readonly peakInFlight: number;
  readonly eventLoopDelayP99Ms: number;
}

async function drive(
  url: string,
  calls: number,
  turns: number,
  gapMs: number,
  thinkMs: number,
): Promise<DriveFigures> {
  const callSpanMs = turns * (SPEECH_MS + thinkMs);
  const offeredTurnsPerSecond = ((calls * turns) / (calls * gapMs + callSpanMs)) * 1000;
  const transport = createHttpTransport({ url, connections: 512 });
  const sendLags: number[] = [];
  const driver = new OpenModelDriver({
    runId: 'bench',
    // speed 1: scenario ms = wall ms, so gaps and pauses are real time.
    plans: syntheticPlans(calls, turns, gapMs, thinkMs),
    transport,
    clock: createRunClock(1, performance.now() + 100),
    signal: new AbortController().signal,
  });
  let sent = 0;
  let firstSend = Infinity;
  let lastSend = -Infinity;
  driver.on('call-observed', (o) => {
    for (const t of o.turns) {
      sendLags.push(t.sendLagMs);
      sent++;
      firstSend = Math.min(firstSend, t.sentAtMs);
      lastSend = Math.max(lastSend, t.sentAtMs);
    }
  });
  const started = performance.now();
  const summary = await driver.run();
  const seconds = (performance.now() - started) / 1000;
  await transport.close();
  sendLags.sort((a, b) => a - b);
  return {
    calls: summary.finished,
    turns: sent,
    offeredTurnsPerSecond,
    seconds,
    // Speed 1: scenario ms are wall ms. Turns over the span in which they were sent.
    turnsPerSecond: sent / ((lastSend - firstSend) / 1000),
    startLagP99Ms: summary.startLag.p99Ms,
    sendLagP99Ms: sendLags[Math.floor(0.99 * sendLags.length)] ?? 0,
    peakInFlight: summary.peakInFlight,
    eventLoopDelayP99Ms: summary.eventLoopDelayP99Ms,
  };
}

async function autocannonTurns(url: string): Promise<number> {
  const body = JSON.stringify({
    turn: 0,
    utterance: {
      id: 'bench-0.u0',
      audio: encodeUtteranceAudio('bench-0.u0', SPEECH_MS),
      speechMs: SPEECH_MS,
    },
  });
  const r = await autocannon({
    url: `${url}/v1/calls/null-1/turns`,
    method: 'POST',
    connections: 64,
    duration: 6,
    headers: {
      'content-type': 'application/json',
      'x-callstorm-run': 'bench',
      'x-callstorm-call': 'bench-0',
    },
    body,
  });
  return r.requests.average;
}

export interface DriverBenchResult {
  readonly throughput: DriveFigures[];
  readonly concurrency: DriveFigures[];
  readonly autocannonTurnsPerSecond: number;
}

/**
 * The driver against a null agent in another process: sustained turns/s at rising offered rates,
 * then the most calls it holds in progress at once in real time, with schedule lag p99; and
 * autocannon against the same endpoint in the same run, for the ratio.
 */
export async function benchDriver(): Promise<DriverBenchResult> {
  const { child, url } = await startAgentChild();
  try {
    const throughput: DriveFigures[] = [];
    // 4 turns a call (1.5 s of speech, 50 ms pause): offered turns/s ≈ 4 × calls/s once calls overlap.
    for (const callsPerSecond of [250, 500, 750, 1_000]) {
      throughput.push(await drive(url, callsPerSecond * 6, 4, 1_000 / callsPerSecond, 50));
    }
    const concurrency: DriveFigures[] = [];
    // Calls that stay on the line ~12 s (3 turns, 5 s apart), arriving over 4 s.
    for (const calls of [2_000, 5_000, 8_000]) {
      concurrency.push(await drive(url, calls, 3, 4_000 / calls, 5_000));
    }
    const autocannonTurnsPerSecond = await autocannonTurns(url);
    return { throughput, concurrency, autocannonTurnsPerSecond };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

if (process.argv[2] === 'profile') {
  const { child, url } = await startAgentChild();
  console.log(JSON.stringify(await drive(url, 6000, 4, 1, 50)));
  child.kill('SIGTERM');
}

if (process.argv[2] === 'child') {
  process.stdout.write(`${JSON.stringify(await benchDriver())}\n`);
}
