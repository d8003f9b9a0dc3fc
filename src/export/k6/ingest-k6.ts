import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { loadDrill } from '../../chaos/drill-schema.ts';
import { CallJudge } from '../../driver/call-judge.ts';
import type { CallEnding, CallObservation } from '../../driver/call-observation.ts';
import { humanQueueForStage } from '../../driver/human-queue.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import type { TurnTelemetry } from '../../protocol/agent-protocol.ts';
import { describeIssues } from '../../run-folder/artefact-issues.ts';
import { evaluationContext } from '../../run-folder/evaluation-context.ts';
import {
  type EvaluationContext,
  evaluationContextSchema,
} from '../../run-folder/evaluation-context-schema.ts';
import { RunFolderWriter } from '../../run-folder/run-folder-writer.ts';
import type { Scenario } from '../../scenario/compose-scenario.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { agentTurnTelemetry } from '../../telemetry/agent-turn-telemetry.ts';
import { type CallRecord, callRecordSchema, type TurnRecord } from '../../telemetry/call-record.ts';
import { RUN_MANIFEST_SCHEMA, type RunManifest } from '../../telemetry/run-manifest.ts';
import { RunRecorder } from '../../telemetry/run-recorder.ts';
import type { K6ExportManifest } from './export-k6.ts';
import { K6_METRICS } from './k6-call-protocol.ts';
import { type K6Point, readK6Ndjson } from './read-k6-ndjson.ts';

export interface IngestK6Options {
  readonly files: readonly string[];
  readonly out: string;
  /** The `callstorm export k6` folder (export.json + plans/): the plans and the scenario. */
  readonly from?: string;
  /** Or regenerate the plans: the scenario as exported. */
  readonly vertical?: string;
  readonly stage?: string;
  readonly seed?: number;
  readonly window?: string;
  readonly speed?: number;
}

export interface IngestK6Result {
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly records: readonly CallRecord[];
}

interface Scope {
  readonly vertical: string;
  readonly stage: string;
  readonly seed: number;
  readonly window: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly expectedCalls: number;
  readonly speed: number;
  readonly drill: string | null;
  readonly runId: string;
  readonly plans: Map<string, CallPlan>;
  /** The scenario as loaded (a custom vertical file stays that file, not a name looked up again). */
  readonly scenario: Scenario;
  readonly evaluation: EvaluationContext;
}

function scopeOf(o: IngestK6Options): Scope {
  if (o.from) {
    const dir = resolve(o.from);
    const path = join(dir, 'export.json');
    let m: K6ExportManifest;
    try {
      m = JSON.parse(readFileSync(path, 'utf8')) as K6ExportManifest;
    } catch (error) {
      throw new CallstormError('CS_ERR_FILE_NOT_FOUND', { path, reason: (error as Error).message });
    }
    const recorded = m.evaluation === undefined ? null : evaluationContextSchema.safeParse(m.evaluation);
    if (recorded && !recorded.success) {
      throw new CallstormError('CS_ERR_K6_OUTPUT', {
        path,
        reason: `evaluation: ${describeIssues(recorded.error.issues)} (export again with \`callstorm export k6\`)`,
      });
    }
    const plans = new Map<string, CallPlan>();
    for (const f of readdirSync(join(dir, 'plans')).filter((f) => f.endsWith('.json'))) {
      for (const p of JSON.parse(readFileSync(join(dir, 'plans', f), 'utf8')) as CallPlan[])
        plans.set(p.id, p);
    }
    const { evaluation: _unchecked, ...rest } = m;
    const scenario = loadScenario({ vertical: m.vertical, stage: m.stage });
    return {
      ...rest,
      plans,
      scenario,
      evaluation:
        recorded?.data ??
        evaluationContext(scenario, m.drill ? loadDrill(m.drill) : null, {
          vertical: m.vertical,
          stage: m.stage,
          ...(m.drill ? { drill: m.drill } : {}),
        }),
    };
  }
  if (!o.vertical || !o.stage) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--from',
      reason: 'neither the export folder nor --vertical and --stage were given',
      fix: 'pass --from <the callstorm export k6 folder>, or --vertical, --stage (and --seed, --window) as exported',
    });
  }
  const scenario = loadScenario({ vertical: o.vertical, stage: o.stage });
  const seed = o.seed ?? 1;
  const g = createCallGenerator(scenario, { seed, window: o.window ?? 'peak-hour' });
  const plans = new Map<string, CallPlan>();
  for (const p of g.plans()) plans.set(p.id, p);
  return {
    vertical: scenario.vertical.name,
    stage: scenario.stage.name,
    seed,
    window: g.window.spec,
    windowStart: new Date(g.window.startMs).toISOString(),
    windowEnd: new Date(g.window.endMs).toISOString(),
    expectedCalls: g.window.expectedCalls,
    speed: o.speed ?? 1,
    drill: null,
    runId: `k6-${scenario.vertical.name}-${scenario.stage.name}-s${seed}`,
    plans,
    scenario,
    evaluation: evaluationContext(scenario, null, { vertical: o.vertical, stage: o.stage }),
  };
}

const num = (t: string | undefined): number => Number(t ?? 0);

/** The agent's telemetry (a JSON tag) as a turn record holds it. */
function agentOf(json: string | undefined): TurnRecord['agent'] {
  return json ? agentTurnTelemetry(JSON.parse(json) as TurnTelemetry) : null;
}

function turnOf(tags: Readonly<Record<string, string>>): TurnRecord {
  const s = tags.status ?? '';
  const status = /^\d+$/.test(s)
    ? Number(s)
    : (s as 'timeout' | 'network-error' | 'hung-up' | 'protocol-error');
  const action = tags.action;
  return {
    index: num(tags.turn),
    kind: tags.kind ?? '',
    sentAtMs: num(tags.sent_ms),
    voiceToVoiceMs: tags.v2v_ms ? Number(tags.v2v_ms) : null,
    sendLagMs: num(tags.send_lag_ms),
    status,
    action: action === 'continue' || action === 'end' || action === 'transfer' ? action : null,
    transferReason: tags.transfer_reason ? tags.transfer_reason : null,
    bargeIn: tags.barge_in === 'true',
    agent: agentOf(tags.agent),
  };
}

function endingOf(t: Readonly<Record<string, string>>): CallEnding {
  const atTurn = num(t.at_turn);
  switch (t.by) {
    case 'agent-end':
      return { by: 'agent-end', atTurn };
    case 'agent-transfer':
      return { by: 'agent-transfer', atTurn, reason: t.reason ?? 'unspecified', queue: t.queue ?? 'default' };
    case 'caller-done':
      return { by: 'caller-done', atTurn };
    case 'caller-abandoned':
      return { by: 'caller-abandoned', atTurn, waitedMs: num(t.waited_ms) };
    default:
      return {
        by: 'failure',
        atTurn,
        kind: (t.kind as 'http-error' | 'timeout' | 'network-error' | 'protocol-error') ?? 'protocol-error',
        status: t.status ? Number(t.status) : null,
        message: t.message ?? '',
      };
  }
}

/**
 * Rebuilds a callstorm run folder from the k6 NDJSON of one or many runners: each call's turns and
 * ending (from the script's `callstorm_turns` / `callstorm_calls` points) become the observation
 * the Node driver would have made, judged by the run's own call judge; latencies go to HDR histograms
 * (so percentiles across runners are exact merges, which open-source k6 does not do), counters are
 * summed. `callstorm report` and `callstorm gate` read the result unchanged.
 */
export function ingestK6(options: IngestK6Options): IngestK6Result {
  if (options.files.length === 0) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '<files>',
      reason: 'no k6 output files given',
      fix: 'pass each runner’s `--out json=<file>` output',
    });
  }
  const perFile: K6Point[][] = options.files.map((f) => readK6Ndjson(f));
  const scope = scopeOf(options);
  const turns = new Map<string, TurnRecord[]>();
  const ends = new Map<string, Readonly<Record<string, string>>>();
  let dropped = 0;
  let skipped = 0;
  let unknown = 0;
  for (const points of perFile) {
    for (const p of points) {
      const call = p.tags.call;
      if (p.metric === 'dropped_iterations') dropped += p.value;
      else if (p.metric === 'callstorm_skipped_iterations') skipped += p.value;
      else if (p.metric === K6_METRICS.turns && call) {
        const list = turns.get(call) ?? [];
        list.push(turnOf(p.tags));
        turns.set(call, list);
      } else if (p.metric === K6_METRICS.calls && call) {
        if (!scope.plans.has(call)) unknown++;
        else ends.set(call, p.tags);
      }
    }
  }
  // The judge the Node driver uses; k6 points carry scenario times, so the "wall" end of an
  // observation is already scenario ms. A k6 run has no harness evidence (no ledger, no LLM
  // simulator of ours): outcomes rest on what the agent reported (docs/k6.md).
  const judge = new CallJudge({
    runId: scope.runId,
    humanQueue: humanQueueForStage(scope.scenario.stage.humanQueue, scope.seed),
    scenarioAt: (ms) => ms,
    proof: 'agent-reported',
  });
  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const recorder = new RunRecorder(dir, { flushEveryMs: 0, calls: 'replace' });
  judge.on('judged', (record) => {
    // Whatever the k6 files say must make records the run-folder reader accepts (no 1e308 times).
    const parsed = callRecordSchema.safeParse(record);
    if (!parsed.success) {
      throw new CallstormError('CS_ERR_K6_OUTPUT', {
        path: options.files.join(', '),
        reason: `call ${record.callId}: ${describeIssues(parsed.error.issues)}`,
      });
    }
    recorder.count('call.started');
    recorder.record(record);
  });
  // Calls join the human queue in the order they ended, as in the Node driver.
  const finished = [...ends.entries()].sort((a, b) => num(a[1].ended_ms) - num(b[1].ended_ms));
  const records: CallRecord[] = [];
  try {
    for (const [callId, tags] of finished) {
      const observation: CallObservation = {
        plan: scope.plans.get(callId) as CallPlan,
        startLagMs: 0,
        turns: turns.get(callId) ?? [],
        ending: endingOf(tags),
        endedWallMs: num(tags.ended_ms),
        agentAudioMs: num(tags.agent_audio_ms),
        deadLetteredWrites: num(tags.dead_lettered),
      };
      // No CRM ledger in a k6 run: the same as the Node driver without one.
      records.push(judge.judge(observation));
    }
  } finally {
    recorder.close();
  }
  const missing = scope.plans.size - records.length;
  const invalid =
    dropped > 0
      ? `k6 dropped ${dropped} iteration(s): the runners could not keep the arrival rate (raise maxVUs or add runners)`
      : null;
  const manifest: RunManifest = {
    schema: RUN_MANIFEST_SCHEMA,
    runId: scope.runId,
    status: missing === 0 ? 'complete' : 'interrupted',
    complete: missing === 0,
    invalid,
    reason:
      missing === 0
        ? null
        : `${missing} of ${scope.plans.size} planned calls have no result in the k6 output`,
    scenario: {
      vertical: scope.vertical,
      stage: scope.stage,
      window: scope.window,
      windowStart: scope.windowStart,
      windowEnd: scope.windowEnd,
      expectedCalls: scope.expectedCalls,
      seed: scope.seed,
      speed: scope.speed,
    },
    drill: scope.drill,
    agent: 'k6',
    network: { mode: 'none', detail: 'k6 run: faults, if any, were applied outside callstorm' },
    versions: { callstorm: '0.1.0', node: process.version },
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    counts: { ...recorder.counters },
    driver: {
      kind: 'k6',
      files: options.files.map((f) => basename(f)),
      droppedIterations: dropped,
      skippedIterations: skipped,
      unknownCalls: unknown,
    },
    files: ['manifest.json', 'calls.jsonl', 'histograms.json'],
    evaluation: scope.evaluation,
  };
  new RunFolderWriter(dir).writeManifest(manifest);
  return { dir, manifest, records };
}
