import type { CallPlan, PlannedTurn } from '../../simulators/callers/call-plan.ts';
import { type CallerAudio, utteranceAudio } from '../../simulators/callers/caller-audio.ts';
import { MAX_DECLARED_AUDIO_MS, type TurnResponse } from '../protocol/agent-protocol.ts';
import { agentTurnTelemetry } from '../telemetry/agent-turn-telemetry.ts';
import type { TurnRecord } from '../telemetry/call-record.ts';
import { sleepUntil } from '../util/abortable-sleep.ts';
import { type AgentAdapter, AgentCallError } from './agent-adapter.ts';
import type { CallEnding, CallObservation } from './call-observation.ts';
import type { RunClock } from './run-clock.ts';

/** Greeting audio when the agent does not say how long it is: ~160 words a minute. */
function estimateAudioMs(text: string): number {
  return Math.round((text.split(/\s+/).filter(Boolean).length / 160) * 60_000);
}

/** What the caller listens to of an agent's declared audio: at most MAX_DECLARED_AUDIO_MS. */
function heardMs(declaredMs: number): number {
  return Math.min(declaredMs, MAX_DECLARED_AUDIO_MS);
}

/** How many times a caller repeats a turn the agent did not catch. */
const MAX_REPEATS = 2;

function turnRecord(
  turn: PlannedTurn,
  sentAtMs: number,
  voiceToVoiceMs: number,
  sendLagMs: number,
  bargeIn: boolean,
  response: TurnResponse,
): TurnRecord {
  return {
    index: turn.index,
    kind: turn.kind,
    sentAtMs,
    voiceToVoiceMs,
    sendLagMs,
    status: 200,
    action: response.action,
    transferReason: response.transfer?.reason ?? null,
    bargeIn,
    agent: agentTurnTelemetry(response.telemetry),
  };
}

class Hangup extends Error {
  constructor(readonly waitedMs: number) {
    super('caller hung up');
  }
}

/**
 * Runs a request under the caller's patience: if no answer comes within `patienceMs` of
 * `fromWallMs`, the request is aborted and the caller hangs up (dead air).
 */
async function withPatience<T>(
  fromWallMs: number,
  patienceMs: number,
  run: (signal: AbortSignal) => Promise<T>,
  outer: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const remaining = fromWallMs + patienceMs - performance.now();
  const onOuter = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onOuter, { once: true });
  const timer = setTimeout(() => controller.abort(new Hangup(patienceMs)), Math.max(0, remaining));
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuter);
  }
}

export interface CallerSessionOptions {
  readonly plan: CallPlan;
  readonly adapter: AgentAdapter;
  readonly clock: RunClock;
  readonly runId: string;
  /** Aborts the call (run stopped); the caller hangs up. */
  readonly signal: AbortSignal;
  /** What the caller sends: tagged audio (default) or rendered speech. */
  readonly callerAudio?: CallerAudio;
  /** Tells the simulators an utterance started playing (epoch ms); awaited before the turn is sent. */
  readonly announce?: (utteranceId: string, startedAtEpochMs: number) => Promise<void>;
}

/**
 * One caller, as a state machine: dial, listen, speak each turn at its intended time, wait for
 * the reply under their patience, barge in where the plan says, follow transfer/end, hang up.
 * Every latency is measured from the intended send time, so a late driver shows up as latency.
 */
export async function runCallerSession(options: CallerSessionOptions): Promise<CallObservation> {
  const state: { sessionId: string | null } = { sessionId: null };
  try {
    return await converse(options, state);
  } catch (error) {
    // The run was stopped mid-call: the caller hangs up so the agent can free the session (not
    // waited for: the adapter's close() waits for hang-ups in flight, each under its deadline).
    if (options.signal.aborted && state.sessionId)
      void options.adapter.hangUp({ runId: options.runId, plan: options.plan }, state.sessionId);
    throw error;
  }
}

async function converse(
  options: CallerSessionOptions,
  state: { sessionId: string | null },
): Promise<CallObservation> {
  const { plan, adapter, clock, runId, signal } = options;
  const ctx = { runId, plan };
  const intendedStart = clock.wallAt(plan.arrivalMs);
  const startLagMs = Math.max(0, performance.now() - intendedStart);
  const turns: TurnRecord[] = [];
  let deadLetteredWrites = 0;
  let agentAudioMs = 0;
  let sessionId: string | null = null;
  let greeting: string | undefined;

  const finish = (ending: CallEnding): CallObservation => {
    const endedWallMs = performance.now();
    // The caller hangs up; the call is over for them whether or not the agent answers the DELETE.
    if (
      sessionId &&
      (ending.by === 'caller-abandoned' || ending.by === 'caller-done' || ending.by === 'failure')
    ) {
      void adapter.hangUp(ctx, sessionId);
    }
    return {
      plan,
      startLagMs,
      turns,
      ending,
      endedWallMs,
      agentAudioMs,
      deadLetteredWrites,
      ...(greeting !== undefined ? { greeting } : {}),
    };
  };

  // Dial: the agent must pick up within the caller's patience.
  let listenUntilWall: number;
  try {
    const dialled = performance.now();
    const created = await withPatience(dialled, plan.patienceMs, (s) => adapter.startCall(ctx, s), signal);
    sessionId = created.sessionId;
    state.sessionId = sessionId;
    greeting = created.greeting;
    const greetingMs = heardMs(created.greetingAudioMs ?? estimateAudioMs(created.greeting));
    agentAudioMs += greetingMs;
    listenUntilWall = performance.now() + greetingMs / clock.speed;
  } catch (error) {
    if (error instanceof Hangup)
      return finish({ by: 'caller-abandoned', atTurn: 0, waitedMs: error.waitedMs });
    if (error instanceof AgentCallError)
      return finish({
        by: 'failure',
        atTurn: 0,
        kind: error.kind,
        status: error.status,
        message: error.message,
      });
    throw error;
  }

  let previousReplyStartWall = listenUntilWall;
  let previousReplyAudioMs = 0;
  let seq = 0;
  for (const turn of plan.turns) {
    // An agent that asks the caller to repeat (telemetry.reprompt) hears the same utterance again.
    for (let attempt = 0; attempt <= MAX_REPEATS; attempt++) {
      const audio = await utteranceAudio(plan, turn, options.callerAudio);
      const bargeIn = attempt === 0 && turn.bargeInAtMs !== null && turn.bargeInAtMs < previousReplyAudioMs;
      // When the caller finishes speaking: after listening (or barging in) and thinking.
      const speakFrom = bargeIn
        ? previousReplyStartWall + (turn.bargeInAtMs as number) / clock.speed
        : listenUntilWall + turn.thinkMs / clock.speed;
      const intendedSend = speakFrom + audio.speechMs / clock.speed;
      // The caller starts speaking: the simulators hear of it then, and have it before the turn goes.
      let announced: Promise<void> | undefined;
      if (options.announce) {
        await sleepUntil(speakFrom, signal);
        announced = options.announce(turn.id, performance.timeOrigin + speakFrom);
      }
      await sleepUntil(intendedSend, signal);
      await announced;
      const sendLagMs = Math.max(0, performance.now() - intendedSend);
      const sentAtMs = clock.scenarioAt(intendedSend);
      const request = {
        turn: seq++,
        utterance: { id: turn.id, audio: audio.base64, speechMs: audio.speechMs },
        ...(bargeIn ? { bargeIn: { atMs: turn.bargeInAtMs as number } } : {}),
      };
      let response: TurnResponse;
      try {
        response = await withPatience(
          intendedSend,
          plan.patienceMs,
          (s) => adapter.turn(ctx, sessionId as string, request, s),
          signal,
        );
      } catch (error) {
        const base = {
          index: turn.index,
          kind: turn.kind,
          sentAtMs,
          sendLagMs,
          action: null,
          transferReason: null,
          bargeIn,
          agent: null,
        };
        if (error instanceof Hangup) {
          turns.push({ ...base, voiceToVoiceMs: null, status: 'hung-up' });
          return finish({ by: 'caller-abandoned', atTurn: turn.index, waitedMs: error.waitedMs });
        }
        if (error instanceof AgentCallError) {
          const status =
            error.status ??
            (error.kind === 'timeout'
              ? 'timeout'
              : error.kind === 'protocol-error'
                ? 'protocol-error'
                : 'network-error');
          turns.push({ ...base, voiceToVoiceMs: performance.now() - intendedSend, status });
          return finish({
            by: 'failure',
            atTurn: turn.index,
            kind: error.kind,
            status: error.status,
            message: error.message,
          });
        }
        throw error;
      }
      const received = performance.now();
      deadLetteredWrites += response.telemetry?.writes.deadLettered ?? 0;
      const replyMs = heardMs(response.reply.audioMs);
      agentAudioMs += replyMs;
      turns.push(turnRecord(turn, sentAtMs, received - intendedSend, sendLagMs, bargeIn, response));
      if (response.action === 'transfer') {
        return finish({
          by: 'agent-transfer',
          atTurn: turn.index,
          reason: response.transfer?.reason ?? 'unspecified',
          queue: response.transfer?.queue ?? 'default',
        });
      }
      if (response.action === 'end') return finish({ by: 'agent-end', atTurn: turn.index });
      previousReplyStartWall = received;
      previousReplyAudioMs = replyMs;
      listenUntilWall = received + replyMs / clock.speed;
      if (!response.telemetry?.reprompt) break;
    }
  }
  // The caller said everything they came to say and the agent kept going: they hang up.
  return finish({ by: 'caller-done', atTurn: plan.turns.length - 1 });
}
