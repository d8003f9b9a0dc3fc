import type { TurnTelemetry } from '../protocol/agent-protocol.ts';
import type { TurnRecord } from './call-record.ts';

/** What a turn record keeps of the agent's own per-turn telemetry (protocol v1). */
export function agentTurnTelemetry(t: TurnTelemetry | undefined): TurnRecord['agent'] {
  if (!t) return null;
  return {
    asrConfidence: t.asrConfidence,
    intent: t.intent,
    fallbackTier: t.fallbackTier,
    reprompt: t.reprompt,
    retries: t.retries,
    latencyMs: {
      asr: t.latencyMs.asr,
      llmFirstToken: t.latencyMs.llmFirstToken,
      llmTotal: t.latencyMs.llmTotal,
      tools: t.latencyMs.tools,
      ttsFirstByte: t.latencyMs.ttsFirstByte,
      voiceToVoice: t.latencyMs.voiceToVoice,
    },
    regions: t.dependencyCalls
      .filter((c) => c.region !== undefined)
      .map((c) => ({ dependency: c.dependency, endpoint: c.endpoint, region: c.region as string })),
    tokensIn: t.llm.tokensIn,
    tokensOut: t.llm.tokensOut,
    ttsCharacters: t.tts.characters,
  };
}
