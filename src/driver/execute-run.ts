import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CallerAudio, CallerAudioMode } from '../../simulators/callers/caller-audio.ts';
import { espeakVersion } from '../../simulators/callers/espeak.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import type { LedgerReport } from '../../simulators/dependencies/ledger-report.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { SimulatorSuite } from '../../simulators/start-simulators.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import {
  RUN_MANIFEST_SCHEMA,
  type RunManifest,
  type RunStatus,
  writeManifest,
} from '../telemetry/run-manifest.ts';
import { RunRecorder } from '../telemetry/run-recorder.ts';
import { writeJsonAtomic } from '../telemetry/write-json-atomic.ts';
import { type AgentTarget, type DependencyUrls, startAgentTarget } from './agent-targets.ts';
import { HumanQueue } from './human-queue.ts';
import { type DriverSummary, OpenModelDriver } from './open-model-driver.ts';
import { createPlaybackAnnouncer, type PlaybackAnnouncer } from './playback-announcer.ts';
import { createRunClock, type RunClock } from './run-clock.ts';
import { type RunSimulators, type SimulatorsMode, startRunSimulators } from './run-simulators.ts';

const VERSION = '0.1.0';

/** What the chaos side of a run provides; a run without a drill uses `noChaos`. */
export interface RunChaos {
  readonly drill: string | null;
  readonly network: RunManifest['network'];
  /** The URLs the agent should use for its dependencies (Toxiproxy proxies when there are any). */
  dependencyUrls(simulators: SimulatorEndpoints): DependencyUrls;
  start(clock: RunClock): void;
  observe(record: CallRecord): void;
  faultsDuring(fromMs: number, toMs: number): readonly string[];
  /** Names of the faults active now (progress display). */
  activeNow(): readonly string[];
  /** Called with a reason when a stop condition fires. */
  onAbort(listener: (reason: string) => void): void;
  /** Removes every fault; always runs; idempotent. */
  finish(): Promise<void>;
  /** The drill's verdict over the run's calls, written as drill.json (null without a drill). */
  verdict(records: readonly CallRecord[]): unknown;
}

export function directDependencyUrls(simulators: SimulatorEndpoints): DependencyUrls {
  return {
    asr: simulators.asr.url,
    tts: simulators.tts.url,
    crm: simulators.crm.url,
    llm: Object.values(simulators.llm).map((e) => ({ name: e.name, url: e.url, region: e.region })),
  };
}

export const noChaos: RunChaos = {
  drill: null,
  network: { mode: 'none', detail: 'no drill: no faults injected' },
  dependencyUrls: directDependencyUrls,
  start() {},
  observe() {},
  faultsDuring: () => [],
  activeNow: () => [],
  onAbort() {},
  async finish() {},
  verdict: () => null,
};

export interface RunRequest {
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly speed: number;
  readonly seed: number;
  readonly agent: string;
  /** Folder for this run's artefacts (default `<runsDir>/<runId>`). */
  readonly out?: string;
  readonly runsDir?: string;
  readonly runId?: string;
  /** Name of the drill (for the run id); the drill itself comes through `chaos`. */
  readonly drill?: string;
  readonly latency?: 'realistic' | 'zero';
  /**
   * What the callers send as audio: `tagged` (default; the utterance id in μ-law) or `speech`
   * (rendered caller speech, announced to the ASR simulator so it can link what it hears).
   */
  readonly callerAudio?: CallerAudioMode;
  /**
   * Where the simulators run: `process` (default) in a child of their own (`callstorm simulators`),
   * so their CPU does not delay the driver; `in-process` in this process, their state readable
   * through the `suite` the chaos factory receives.
   */
  readonly simulators?: SimulatorsMode;
  /**
   * Chaos for this run (a drill); default none. Built by the caller from `--drill`. `suite` is the
   * in-process simulator suite (null when the simulators run in a child process).
   */
  readonly chaos?: (ctx: {
    runId: string;
    runDir: string;
    simulators: SimulatorEndpoints;
    suite: SimulatorSuite | null;
  }) => Promise<RunChaos>;
  /** Stops the run early (Ctrl-C): callers hang up, rollbacks run, the manifest says interrupted. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  /** How often onProgress fires (wall ms, default 1000). */
  readonly progressEveryMs?: number;
}

export interface RunProgress {
  readonly started: number;
  readonly finished: number;
  readonly inFlight: number;
  readonly expected: number;
  readonly p95VoiceToVoiceMs: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly activeFaults: readonly string[];
  readonly scenarioMs: number;
}

export interface RunResult {
  readonly runId: string;
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly summary: DriverSummary | null;
}

function defaultRunId(r: RunRequest, drill: string | null): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const agent = r.agent.replace(/^reference:/, '').replace(/[^A-Za-z0-9]+/g, '-');
  return [stamp, r.vertical, r.stage, drill ?? 'baseline', agent].join('_').replace(/[^A-Za-z0-9_.-]/g, '-');
}

/**
 * `callstorm run`: starts the simulators, the chaos side and the agent, drives the window's calls
 * open-model at `speed`, and writes the run's artefacts as it goes. Every start has its stop in
 * the `finally`: faults are removed, servers closed and the manifest finished even when the run is
 * interrupted or something throws.
 */
export async function executeRun(request: RunRequest): Promise<RunResult> {
  const scenario = loadScenario({ vertical: request.vertical, stage: request.stage });
  const generator = createCallGenerator(scenario, { seed: request.seed, window: request.window });
  const runId = request.runId ?? defaultRunId(request, request.drill ?? null);
  const dir = resolve(request.out ?? join(request.runsDir ?? 'reports', runId));
  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const w = generator.window;
  let manifest: RunManifest = {
    schema: RUN_MANIFEST_SCHEMA,
    runId,
    status: 'running',
    complete: false,
    invalid: null,
    reason: null,
    scenario: {
      vertical: scenario.vertical.name,
      stage: scenario.stage.name,
      window: w.spec,
      windowStart: new Date(w.startMs).toISOString(),
      windowEnd: new Date(w.endMs).toISOString(),
      expectedCalls: w.expectedCalls,
      seed: request.seed,
      speed: request.speed,
    },
    drill: null,
    agent: request.agent,
    simulators: { mode: request.simulators ?? 'process', pid: null },
    network: noChaos.network,
    versions: { callstorm: VERSION, node: process.version },
    startedAt: new Date().toISOString(),
    endedAt: null,
    counts: {},
    driver: null,
    files: ['manifest.json', 'calls.jsonl', 'faults.jsonl', 'histograms.json', 'ledger.json'],
  };
  writeManifest(manifestPath, manifest);

  const recorder = new RunRecorder(dir);
  const controller = new AbortController();
  let status: RunStatus = 'running';
  let reason: string | null = null;
  const stop = (next: RunStatus, why: string) => {
    if (controller.signal.aborted) return;
    status = next;
    reason = why;
    controller.abort(new Error(why));
  };
  const onOuterAbort = () =>
    stop('interrupted', 'interrupted (SIGINT/SIGTERM or the caller stopped the run)');
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (request.signal?.aborted) onOuterAbort();

  let sims: RunSimulators | null = null;
  let chaos: RunChaos = noChaos;
  let agent: AgentTarget | null = null;
  let summary: DriverSummary | null = null;
  let progressTimer: NodeJS.Timeout | null = null;
  let announcer: PlaybackAnnouncer | null = null;
  const finishedIds = new Set<string>();
  try {
    let callerAudio: CallerAudio = 'tagged';
    if (request.callerAudio === 'speech') {
      await espeakVersion(); // no espeak-ng: fail before anything starts (CS_ERR_SPEECH_UNAVAILABLE)
      callerAudio = new SpeechRenderer({ population: scenario.population });
    }
    sims = await startRunSimulators(request.simulators ?? 'process', {
      scenario,
      vertical: request.vertical,
      stage: request.stage,
      seed: request.seed,
      window: request.window,
      latency: request.latency ?? 'realistic',
    });
    manifest = { ...manifest, simulators: { mode: sims.mode, pid: sims.pid } };
    chaos = request.chaos
      ? await request.chaos({ runId, runDir: dir, simulators: sims, suite: sims.suite })
      : noChaos;
    manifest = { ...manifest, drill: chaos.drill, network: chaos.network };
    writeManifest(manifestPath, manifest);
    chaos.onAbort((why) => stop('aborted', `stop condition: ${why}`));
    agent = await startAgentTarget(request.agent, { dependencies: chaos.dependencyUrls(sims), runDir: dir });

    if (callerAudio !== 'tagged') announcer = createPlaybackAnnouncer(sims.asr.controlUrl);
    const clock = createRunClock(request.speed, performance.now() + 250);
    const hq = scenario.stage.humanQueue;
    const liveSims = sims;
    const driver = new OpenModelDriver({
      runId,
      plans: generator.plans(),
      adapter: agent.adapter,
      clock,
      humanQueue: new HumanQueue({
        agents: hq.agents,
        handleTime: hq.handleTime,
        meanPatienceMs: hq.meanPatienceMs,
        answerWithinMs: hq.answerWithinSeconds * 1000,
        seed: request.seed,
      }),
      hooks: {
        writesOf: async (plan: CallPlan) => {
          try {
            return await liveSims.writesOf(plan);
          } catch (error) {
            // Without the ledger no call can be judged: stop rather than record guesses.
            stop('failed', error instanceof Error ? error.message : String(error));
            throw error;
          }
        },
        faultsDuring: (from, to) => chaos.faultsDuring(from, to),
      },
      signal: controller.signal,
      callerAudio,
      ...(announcer ? { announce: announcer.announce } : {}),
    });
    driver.on('call-started', (plan) => {
      liveSims.callStarted(plan);
      recorder.count('call.started');
    });
    driver.on('call-finished', (record) => {
      recorder.record(record);
      finishedIds.add(record.callId);
      chaos.observe(record);
    });
    if (request.onProgress) {
      const report = () =>
        request.onProgress?.({
          started: recorder.counters['call.started'] ?? 0,
          finished: recorder.counters['call.finished'] ?? 0,
          inFlight: driver.inFlight,
          expected: w.expectedCalls,
          p95VoiceToVoiceMs: recorder.voiceToVoice(95),
          outcomes: Object.fromEntries(
            Object.entries(recorder.counters)
              .filter(([k]) => k.startsWith('call.outcome.'))
              .map(([k, v]) => [k.slice(13), v]),
          ),
          activeFaults: chaos.activeNow(),
          scenarioMs: clock.now(),
        });
      progressTimer = setInterval(report, request.progressEveryMs ?? 1_000);
      progressTimer.unref();
    }
    chaos.start(clock);
    summary = await driver.run();
    if (status === 'running') status = 'complete';
  } catch (error) {
    status = 'failed';
    reason = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    request.signal?.removeEventListener('abort', onOuterAbort);
    await chaos.finish();
    let deadLetters: Record<string, number> | null = null;
    if (agent?.deadLetters && sims) {
      // Faults are gone: give the production agent's dead-letter queue its chance to land.
      try {
        const pendingBefore = await agent.deadLetters.pending();
        let pendingAfter = pendingBefore;
        for (let i = 0; i < 5 && pendingAfter > 0; i++) {
          pendingAfter = await agent.deadLetters.replay();
          if (pendingAfter > 0) await new Promise((r) => setTimeout(r, 200));
        }
        deadLetters = { pendingBefore, pendingAfter };
      } catch {
        deadLetters = null;
      }
    }
    if (sims) {
      try {
        await writeLedger(join(dir, 'ledger.json'), sims, generator.plans(), finishedIds, deadLetters);
      } catch (error) {
        if (status === 'complete' || status === 'running') status = 'failed';
        reason = `${reason ? `${reason}; ` : ''}ledger.json not written: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    await agent?.close();
    await announcer?.close();
    await sims?.close();
    recorder.close();
    if (chaos.drill) {
      try {
        writeJsonAtomic(join(dir, 'drill.json'), chaos.verdict(readCalls(join(dir, 'calls.jsonl'))));
      } catch (error) {
        // A verdict that cannot be computed must not hide the run's own result.
        reason = `${reason ? `${reason}; ` : ''}drill verdict failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    manifest = {
      ...manifest,
      status,
      complete: status === 'complete',
      reason,
      invalid: summary?.invalid ?? null,
      endedAt: new Date().toISOString(),
      counts: { ...recorder.counters },
      driver: summary ? { ...summary } : null,
      files: [...manifest.files, ...(chaos.drill ? ['drill.json'] : [])],
    };
    writeManifest(manifestPath, manifest);
  }
  return { runId, dir, manifest, summary };
}

/** The run's call records, read back from calls.jsonl (the run does not keep them in memory). */
export function readCalls(path: string): CallRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as CallRecord);
}

/** `ledger.json`: the CRM's writes reconciled against the calls that ran. */
async function writeLedger(
  path: string,
  sims: RunSimulators,
  plans: Iterable<CallPlan>,
  ran: ReadonlySet<string>,
  deadLetters: Record<string, number> | null,
): Promise<void> {
  function* ranPlans() {
    for (const p of plans) if (ran.has(p.id)) yield p;
  }
  const r: LedgerReport = await sims.ledgerReport(ranPlans());
  writeJsonAtomic(path, {
    schema: 'callstorm.ledger/v1',
    totals: r.totals,
    ledgerSize: r.ledgerSize,
    deadLetters,
    lost: r.lost,
    duplicate: r.duplicate,
    unexpected: r.unexpected,
  });
}
