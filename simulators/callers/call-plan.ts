import type { CrmOperationName } from '../../src/scenario/crm-operations.ts';

export const CALL_PLAN_SCHEMA = 'callstorm.call-plan/v1' as const;

/** The account holder who places the call (a real record of the CRM simulator's dataset). */
export interface CallerPersona {
  readonly name: string;
  readonly firstName: string;
  readonly accountId: string;
  readonly phone: string;
  readonly postcode: string;
  readonly dateOfBirth: string;
  readonly email: string;
}

export type TurnKind = 'open' | 'inform' | 'clarify' | 'correction' | 'ask-human' | 'close';
export type AgentAction = 'continue' | 'transfer' | 'end';

/** A CRM write the call should cause, with the values the caller gave (after corrections). */
export interface ExpectedWrite {
  /** Stable id: `<callId>.w<n>`. */
  readonly id: string;
  readonly op: CrmOperationName;
  readonly flow: string;
  readonly args: Readonly<Record<string, string>>;
}

/** What a correct agent does after this turn: the ground truth the simulators and outcomes use. */
export interface TurnExpectation {
  /** The intent being served at this turn. */
  readonly intent: string;
  readonly flow: string;
  readonly inScope: boolean;
  readonly action: AgentAction;
  readonly transferReason?: string;
  /** CRM reads a correct agent makes on this turn. */
  readonly reads: readonly CrmOperationName[];
  /** Ids of expected writes a correct agent makes on this turn. */
  readonly writes: readonly string[];
}

export interface PlannedTurn {
  /** Utterance id: `<callId>.u<n>`; the audio the driver sends carries it. */
  readonly id: string;
  readonly index: number;
  readonly kind: TurnKind;
  /** What the caller says (ground-truth transcript). */
  readonly text: string;
  /** Duration of the utterance audio in milliseconds (real time). */
  readonly speechMs: number;
  /** Pause before speaking, after the previous reply ended (real time; compressed by --speed). */
  readonly thinkMs: number;
  /** If set, the caller starts this turn this many ms into the agent's previous reply (barge-in). */
  readonly bargeInAtMs: number | null;
  /** Canonical slot values this turn gives (after corrections: the new value). */
  readonly slots: Readonly<Record<string, string>>;
  readonly expect: TurnExpectation;
}

/** One synthetic call: the unit the generator streams and the driver replays. */
export interface CallPlan {
  readonly schema: typeof CALL_PLAN_SCHEMA;
  readonly id: string;
  /** Position in the window's arrival sequence (0-based); the plan is a function of (scenario, seed, index). */
  readonly index: number;
  /** Arrival, milliseconds of scenario time after the window start. */
  readonly arrivalMs: number;
  /** Arrival as an ISO 8601 instant (UTC) in scenario time. */
  readonly arrivalAt: string;
  readonly vertical: string;
  readonly stage: string;
  readonly caller: CallerPersona;
  /** Data-residency region of the caller (`uk`, `ie`). */
  readonly region: string;
  readonly locale: string;
  readonly cohort: string;
  readonly noise: string;
  readonly complexity: string;
  /** True intents in the order the caller raises them. */
  readonly intents: readonly string[];
  readonly flows: readonly string[];
  readonly consentRequired: boolean;
  /** Dead air (ms) the caller tolerates before hanging up. */
  readonly patienceMs: number;
  /** Turn index at which the caller asks for a person, or null. */
  readonly asksForHumanAtTurn: number | null;
  readonly turns: readonly PlannedTurn[];
  readonly expectedWrites: readonly ExpectedWrite[];
  /** How a correct agent ends the call. */
  readonly expectedEnd: { readonly action: 'end' | 'transfer'; readonly reason?: string };
}
