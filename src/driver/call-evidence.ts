import type { CallObservation } from './call-observation.ts';

/**
 * What the harness's own evidence says one call did, where the transport cannot tell from the
 * conversation: a Twilio bot sends no JSON replies, so its intents come from what the LLM
 * simulator classified, and whether closing the line was a hang-up or a transfer (and why) from
 * the fake Twilio REST API and the LLM simulator's tool calls. Every field is optional: what is
 * absent, the observation keeps.
 */
export interface CallEvidence {
  /** The intent classified on each observed turn (same positions as `observation.turns`). */
  readonly intents?: readonly (string | null)[];
  /**
   * What the agent said before the caller's first turn, for a transport that cannot read it off
   * the wire (a streaming evidence source: the TTS simulator's `speech/call` texts spoken before
   * the first caller turn). The observation's own greeting wins.
   */
  readonly greeting?: string;
  /** How the agent ended the call, when the transport saw only the agent close the line. */
  readonly ending?:
    | { readonly by: 'agent-end' }
    | { readonly by: 'agent-transfer'; readonly reason: string; readonly queue: string };
}

/**
 * Where a call judge gets the harness's evidence of a finished call: asked once per call, for
 * every transport (a call is resolved only on evidence the harness holds, never on the agent's
 * telemetry alone). A rejection leaves the call unjudged (no record), as a failed ledger read
 * does. The run's source is the simulators' (`createSimulatorEvidence`, src/simulation).
 */
export interface EvidenceSource {
  readonly name: string;
  evidenceFor(observation: CallObservation): Promise<CallEvidence>;
}

/**
 * The observation as the judge sees it: evidence intents replace the agent's, and an evidence
 * ending replaces an `agent-end` ending (the agent closed the line: only the harness's evidence
 * knows whether that was a hang-up or a transfer). Other endings are what the caller lived through
 * and stay.
 */
export function withEvidence(observation: CallObservation, evidence: CallEvidence | null): CallObservation {
  if (!evidence) return observation;
  const { intents, ending, greeting } = evidence;
  const atTurn = observation.ending.atTurn;
  return {
    ...observation,
    ...(intents ? { intents } : {}),
    ...(greeting !== undefined && observation.greeting === undefined ? { greeting } : {}),
    ...(ending && observation.ending.by === 'agent-end' ? { ending: { ...ending, atTurn } } : {}),
  };
}

/**
 * The same evidence without endings: for transports whose agent says how it ended the call (the
 * HTTP agent protocol's `action`), where the line, not the model's tool calls, decides what the
 * caller lived through. Intents still come from the harness.
 */
export function withoutEndings(source: EvidenceSource): EvidenceSource {
  return {
    name: source.name,
    evidenceFor: async (observation) => {
      const { ending: _, ...rest } = await source.evidenceFor(observation);
      return rest;
    },
  };
}
