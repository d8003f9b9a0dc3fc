import type { FaultLogEntry } from '../../src/chaos/fault-log.ts';
import { CALL_RECORD_SCHEMA, type CallRecord, type TurnRecord } from '../../src/telemetry/call-record.ts';

type TurnOptions = Partial<TurnRecord> & {
  tier?: 'primary' | 'secondary' | 'scripted' | 'human';
  region?: string;
};

/** A turn sent at `sentAtMs` (scenario ms). */
export function turn(sentAtMs: number, o: TurnOptions = {}): TurnRecord {
  const { tier = 'primary', region = 'eu', ...rest } = o;
  return {
    index: 0,
    kind: 'intent',
    sentAtMs,
    voiceToVoiceMs: 900,
    sendLagMs: 0,
    status: 200,
    action: 'continue',
    transferReason: null,
    bargeIn: false,
    agent: {
      asrConfidence: 0.9,
      intent: 'balance_enquiry',
      fallbackTier: tier,
      reprompt: false,
      retries: 0,
      latencyMs: {
        asr: 100,
        llmFirstToken: 300,
        llmTotal: 500,
        tools: 0,
        ttsFirstByte: 150,
        voiceToVoice: 900,
      },
      regions: [{ dependency: 'llm', endpoint: 'llm-primary-eu', region }],
      tokensIn: 100,
      tokensOut: 20,
      ttsCharacters: 80,
    },
    ...rest,
  };
}

let n = 0;

/** A hand-built call record: arrives at `arrivalMs`, lasts 2 scenario minutes, one turn a minute in. */
export function call(arrivalMs: number, o: Partial<CallRecord> = {}): CallRecord {
  const index = n++;
  return {
    schema: CALL_RECORD_SCHEMA,
    runId: 'verdict',
    callId: `cs-1-${index}`,
    index,
    vertical: 'collections',
    stage: 'scale',
    cohort: 'southern-english',
    noise: 'quiet',
    complexity: 'simple',
    region: 'eu',
    flows: ['balance'],
    intents: ['balance_enquiry'],
    classifiedIntents: ['balance_enquiry'],
    understood: true,
    arrivalMs,
    arrivalAt: new Date(Date.UTC(2025, 0, 6, 9) + arrivalMs).toISOString(),
    startLagMs: 0,
    endedAtMs: arrivalMs + 120_000,
    outcome: 'resolved',
    escalation: null,
    failure: null,
    abandonment: null,
    falseContainment: null,
    turns: [turn(arrivalMs + 60_000)],
    writes: { expected: 1, landed: 1, lost: 0, duplicate: 0, unexpected: 0 },
    residencyViolation: false,
    faults: [],
    humanQueue: null,
    cost: {
      durationMs: 120_000,
      callerSpeechMs: 20_000,
      agentAudioMs: 30_000,
      llmTokensIn: 100,
      llmTokensOut: 20,
      ttsCharacters: 80,
    },
    ...o,
  };
}

/** `applied` and `removed` log lines for a fault. */
export function faultLines(faultId: string, fromMs: number, toMs: number): FaultLogEntry[] {
  const base = {
    schema: 'callstorm.fault/v1' as const,
    runId: 'verdict',
    drill: 'test',
    faultId,
    target: 'llm-primary-eu',
    via: 'toxiproxy' as const,
    type: 'down',
    at: '2025-01-06T09:00:00.000Z',
  };
  return [
    { ...base, event: 'applied', scenarioMs: fromMs, plannedMs: fromMs },
    { ...base, event: 'removed', scenarioMs: toMs, plannedMs: toMs },
  ];
}
