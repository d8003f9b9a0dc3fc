import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfigInput } from '../../agent/agent-config.ts';
import { type RunningAgent, startAgent } from '../../agent/start-agent.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { encodeUtteranceAudio } from '../../simulators/callers/utterance-audio.ts';
import type { GroundTruth } from '../../simulators/dependencies/ground-truth.ts';
import {
  CALL_HEADER,
  CALLS_PATH,
  type CreateCallResponse,
  callPath,
  createCallResponseSchema,
  RUN_HEADER,
  type TurnResponse,
  turnResponseSchema,
  turnsPath,
} from '../../src/protocol/agent-protocol.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';

/**
 * The ASR heard every value of the call right and the LLM classified every intent right (from the
 * simulators' ground truth): a call a correct agent resolves, whatever its architecture.
 */
export function heardRight(truth: GroundTruth, plan: CallPlan): boolean {
  return plan.turns.every((t) => {
    const classified = truth.classifiedIntent(t.id);
    return (
      truth.misheard(plan, t.index).size === 0 && (classified === undefined || classified === t.expect.intent)
    );
  });
}

export const VERTICALS = ['collections', 'appointments', 'claims'] as const;

/** The first `count` plans of a vertical's peak hour that match `filter`. */
export function plansOf(
  vertical: string,
  options: { seed: number; count: number; stage?: string; filter?: (p: CallPlan) => boolean },
): CallPlan[] {
  const generator = createCallGenerator(loadScenario({ vertical, stage: options.stage ?? 'pilot' }), {
    seed: options.seed,
    window: 'peak-hour',
  });
  const out: CallPlan[] = [];
  for (const plan of generator.plans()) {
    if (options.filter && !options.filter(plan)) continue;
    out.push(plan);
    if (out.length >= options.count) break;
  }
  return out;
}

export async function simulatorsFor(
  vertical: string,
  seed: number,
  plans: readonly CallPlan[],
  latency: 'zero' | 'realistic' = 'zero',
  extra: { asrWordErrorFactor?: number } = {},
): Promise<SimulatorSuite> {
  return startSimulators({
    scenario: loadScenario({ vertical, stage: 'pilot' }),
    seed,
    plans,
    latency,
    window: 'peak-hour',
    ...extra,
  });
}

export function tempDeadLetterPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'callstorm-agent-')), 'dead-letters.jsonl');
}

/** An agent wired to a simulator suite (LLM endpoints in the suite's order: primary, secondary, us). */
export function agentConfig(
  suite: SimulatorSuite,
  profile: 'pilot' | 'production',
  extra: Partial<AgentConfigInput> = {},
): AgentConfigInput {
  return {
    profile,
    asrUrl: suite.asr.url,
    ttsUrl: suite.tts.url,
    crmUrl: suite.crm.url,
    llm: Object.values(suite.llm).map((e) => ({ name: e.name, url: e.url, region: e.region })),
    deadLetter: { path: tempDeadLetterPath(), replayIntervalMs: 0 },
    ...extra,
  };
}

export async function startAgentFor(
  suite: SimulatorSuite,
  profile: 'pilot' | 'production',
  extra: Partial<AgentConfigInput> = {},
): Promise<RunningAgent> {
  return startAgent(agentConfig(suite, profile, extra));
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export async function call(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

export const headersFor = (runId: string, callId: string) => ({ [RUN_HEADER]: runId, [CALL_HEADER]: callId });

export interface DrivenCall {
  readonly plan: CallPlan;
  readonly created: CreateCallResponse | null;
  readonly turns: TurnResponse[];
  /** Non-2xx answers to turns (status and body). */
  readonly errors: HttpAnswer[];
  readonly final: 'end' | 'transfer' | 'continue' | 'failed';
}

/**
 * A minimal driver: opens the call, says each planned turn (resending an utterance once when the
 * agent asks to repeat), validates every answer with the protocol schemas, and hangs up at the end.
 */
export async function driveCall(agentUrl: string, plan: CallPlan, runId = 'run-test'): Promise<DrivenCall> {
  const headers = headersFor(runId, plan.id);
  const opened = await call(agentUrl, 'POST', CALLS_PATH, {
    headers,
    body: {
      callId: plan.id,
      from: plan.caller.phone,
      to: '03301234567',
      locale: plan.locale,
      region: plan.region,
      consentRequired: plan.consentRequired,
    },
  });
  if (opened.status !== 201) return { plan, created: null, turns: [], errors: [opened], final: 'failed' };
  const created = createCallResponseSchema.parse(opened.body);
  const turns: TurnResponse[] = [];
  const errors: HttpAnswer[] = [];
  let final: DrivenCall['final'] = 'continue';
  let n = 0;
  for (const turn of plan.turns) {
    let repeats = 0;
    for (;;) {
      const answer = await call(agentUrl, 'POST', turnsPath(created.sessionId), {
        headers,
        body: {
          turn: n++,
          utterance: {
            id: turn.id,
            audio: encodeUtteranceAudio(turn.id, turn.speechMs),
            speechMs: turn.speechMs,
          },
          ...(turn.bargeInAtMs !== null ? { bargeIn: { atMs: turn.bargeInAtMs } } : {}),
        },
      });
      if (answer.status !== 200) {
        errors.push(answer);
        final = 'failed';
        break;
      }
      const response = turnResponseSchema.parse(answer.body);
      turns.push(response);
      final = response.action;
      if (response.telemetry?.reprompt && repeats++ < 2 && response.action === 'continue') continue;
      break;
    }
    if (final !== 'continue') break;
  }
  await call(agentUrl, 'DELETE', callPath(created.sessionId), { headers });
  return { plan, created, turns, errors, final };
}

/** Drives calls a few at a time (the agent handles concurrent calls; this keeps tests quick). */
export async function driveAll(
  agentUrl: string,
  plans: readonly CallPlan[],
  concurrency = 4,
  runId = 'run-test',
): Promise<DrivenCall[]> {
  const results: DrivenCall[] = new Array(plans.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, plans.length) }, async () => {
      while (next < plans.length) {
        const i = next++;
        results[i] = await driveCall(agentUrl, plans[i]!, runId);
      }
    }),
  );
  return results;
}
