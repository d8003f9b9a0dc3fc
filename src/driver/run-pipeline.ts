import { withoutEndings } from './call-evidence.ts';
import { CallJudge } from './call-judge.ts';
import { humanQueueForStage } from './human-queue.ts';
import { type DriverSummary, OpenModelDriver } from './open-model-driver.ts';
import { createRunClock, type RunClock } from './run-clock.ts';
import type { RunManifestWriter } from './run-manifest-writer.ts';
import { type RunPlan, START_DELAY_MS } from './run-plan.ts';
import type { RunResources } from './run-resources.ts';
import type { RunSession } from './run-session.ts';
import { WiringCheck } from './wiring-check.ts';
import { wiringEvidenceFor } from './wiring-evidence.ts';

/** After a stop, how long judgements still waiting for their writes get (wall ms). */
const JUDGE_GRACE_MS = 15_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * The run as a pipeline: the driver schedules callers and emits events; the transport owns each
 * conversation; the call judge subscribes to observed calls and emits records; the recorder, the
 * manifest, the stop conditions and progress subscribe to judged records. Resolves with the
 * driver's summary once every call is judged (or, after a stop, given up on).
 */
export async function driveRun(
  session: RunSession,
  plan: RunPlan,
  res: RunResources,
  manifest: RunManifestWriter,
): Promise<DriverSummary> {
  const { request: r, runId, generator, scenario } = plan;
  const clock = createRunClock(r.speed, performance.now() + START_DELAY_MS);
  const driver = new OpenModelDriver({
    runId,
    plans: generator.plans(),
    transport: res.transport,
    clock,
    signal: session.signal,
  });
  const judge = new CallJudge({
    runId,
    humanQueue: humanQueueForStage(scenario.stage.humanQueue, r.seed),
    scenarioAt: clock.scenarioAt,
    writesOf: (p) => res.simulators.writesOf(p),
    faultsDuring: (from, to) => res.chaos.faultsDuring(from, to),
    // Every call is judged on the harness's evidence; endings from it only where the transport
    // cannot tell a hang-up from a transfer (the HTTP protocol's `action` says so itself).
    evidence: res.transport.evidence ?? withoutEndings(res.evidence),
  });
  session.defer('call judge', () => judge.drain(JUDGE_GRACE_MS));
  const wiring = new WiringCheck({
    enabled: r.wiringCheck ?? true,
    endpoints: res.wired,
    evidence: (callIds) => wiringEvidenceFor(res.simulators.endpoints, callIds),
    onDecided: (check) => manifest.setWiring({ check }),
    onNotWired: (error) => session.fail(error),
  });
  // The simulators hear when each call starts and ends (epoch ms): how the CRM attributes writes
  // that name no call, and which live streams outlive their call.
  driver.on('call-started', (p) => {
    res.simulators.callStarted(p, Date.now());
    res.recorder.count('call.started');
    res.calls.started(p.id);
  });
  driver.on('call-observed', (o) => {
    res.simulators.callEnded(o.plan.id, Date.now() - (performance.now() - o.endedWallMs));
    judge.observe(o);
  });
  driver.on('call-interrupted', (p) => res.simulators.callEnded(p.id, Date.now()));
  judge.on('judged', (record, o) => {
    // Not written (the disk is full): the run is stopping; leave the call out everywhere.
    if (!res.recorder.record(record)) return;
    res.calls.finished.add(record.callId);
    res.chaos.observe(record);
    manifest.observe(record, o);
    wiring.observe(record);
  });
  // Without the ledger no call can be judged: stop rather than record guesses.
  judge.on('unjudged', (_p, error) => session.stop('failed', error.message));
  reportProgress(session, plan, res, driver, clock);
  session.armDeadline(
    plan.deadline.wallMs,
    () =>
      `run deadline: ${seconds(plan.deadline.wallMs)} of wall time passed (window ÷ speed + ${seconds(plan.deadline.graceMs)} grace) with ${driver.inFlight} call(s) in progress; they were cut short, every finished call is recorded`,
  );
  // The simulators and the agent measure their own health from now until the calls end.
  await Promise.all([res.simulators.health.reset(), res.agentHealth.reset()]);
  res.chaos.start(clock);
  const summary = await driver.run();
  const [simulators, agent] = await Promise.all([res.simulators.health.read(), res.agentHealth.read()]);
  manifest.processHealth({ simulators, agent });
  await judge.drain(session.signal.aborted ? JUDGE_GRACE_MS : Number.POSITIVE_INFINITY);
  await wiring.settle(!session.signal.aborted);
  return summary;
}

/** Progress, from the recorder's counters (fed by judged records) on a timer the session clears. */
function reportProgress(
  session: RunSession,
  plan: RunPlan,
  res: RunResources,
  driver: OpenModelDriver,
  clock: RunClock,
): void {
  const { onProgress, progressEveryMs } = plan.request;
  if (!onProgress) return;
  const counters = res.recorder.counters;
  const timer = setInterval(
    () =>
      onProgress({
        started: counters['call.started'] ?? 0,
        finished: counters['call.finished'] ?? 0,
        inFlight: driver.inFlight,
        expected: plan.generator.window.expectedCalls,
        p95VoiceToVoiceMs: res.recorder.voiceToVoice(95),
        outcomes: Object.fromEntries(
          Object.entries(counters)
            .filter(([k]) => k.startsWith('call.outcome.'))
            .map(([k, v]) => [k.slice(13), v]),
        ),
        activeFaults: res.chaos.activeNow(),
        scenarioMs: clock.now(),
      }),
    progressEveryMs ?? 1_000,
  );
  timer.unref();
  session.defer('progress', () => clearInterval(timer));
}
