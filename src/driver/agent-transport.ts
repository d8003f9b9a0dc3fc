import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { CallerAudio } from '../../simulators/callers/caller-audio.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { EvidenceSource } from './call-evidence.ts';
import type { CallObservation } from './call-observation.ts';
import type { RunClock } from './run-clock.ts';

/** One call as the driver hands it to a transport. */
export interface CallSetup {
  readonly runId: string;
  readonly plan: CallPlan;
  readonly clock: RunClock;
  /** Aborts the call (the run stopped): the caller hangs up and `converse` rejects with the reason. */
  readonly signal: AbortSignal;
}

/**
 * How the harness reaches an agent under test. A transport owns the whole conversation of one
 * call — dialling, the caller's turns on its own timeline, listening, barge-in, hanging up — and
 * returns a transport-neutral observation. The driver only schedules calls; the call judge only
 * reads observations: neither knows the wire.
 *
 * Built in: `http`, the callstorm HTTP agent protocol v1 (a turn is one request and its JSON
 * reply). A streaming transport (Twilio Media Streams: one WebSocket per call, real-time audio
 * both ways) returns the same observation, with its wire measurements in `observation.wire`, and
 * since its agent sends no telemetry, an `evidence` source the judge asks for intents and for
 * how the agent ended the call.
 */
export interface AgentTransport {
  /** Registry name (`http`). */
  readonly kind: string;
  /** For messages and the manifest: `http http://127.0.0.1:8080`. */
  readonly description: string;
  /**
   * Plays one call. Resolves with what the caller observed, whatever the agent did (an agent's
   * failure is an ending, not a rejection); rejects with `call.signal.reason` when the run stopped
   * the call. Every wait on the agent is bounded.
   */
  converse(call: CallSetup): Promise<CallObservation>;
  /**
   * Evidence for the judge, endings included, where the agent's own replies do not say how it
   * ended the call (a streaming transport: usually `TransportContext.evidence`, passed through).
   * Null: the judge uses the run's evidence for intents only (the HTTP protocol's `action` says
   * how the call ended).
   */
  readonly evidence: EvidenceSource | null;
  /** Closes connections after waiting (bounded) for hang-ups still in flight. Idempotent. */
  close(): Promise<void>;
}

/** Tells the simulators an utterance started playing (epoch ms); resolves once they have it. */
export type AnnouncePlayback = (utteranceId: string, startedAtEpochMs: number) => Promise<void>;

/** What a transport may need from the run when it is created. */
export interface TransportContext {
  /** The run's speed (a real-time audio transport refuses anything but 1). */
  readonly speed: number;
  /** The run's simulators (an evidence source reads their state). */
  readonly simulators: SimulatorEndpoints;
  /**
   * The harness's evidence of each call, from the run's simulators (what the LLM simulator
   * classified, and whether the model transferred or ended the call): a transport whose agent
   * sends no JSON replies returns it as its `evidence`. Absent outside a run.
   */
  readonly evidence?: EvidenceSource;
  /** What the callers say: tagged audio, or speech from this renderer (`--caller-audio`). */
  readonly callerAudio: CallerAudio;
  /**
   * With speech: announces each utterance as the caller starts it, so the ASR simulator can link
   * the audio it hears (docs/simulators.md, "Linking speech"). Absent for tagged audio.
   */
  readonly announce?: AnnouncePlayback;
}

/** One entry of the transport registry. */
export interface AgentTransportKind {
  /** URL schemes of `--agent` this transport speaks (`http:`). */
  readonly schemes: readonly string[];
  /** For the list of valid `--agent` forms. */
  readonly usage: string;
  /** The transport hears callers only as speech: a run without `callerAudio` given renders speech. */
  readonly needsSpeech?: boolean;
  /**
   * Refuses (throws a CallstormError) a run this transport cannot drive, before anything of the
   * run starts: the run's speed and caller audio (with the default already applied).
   */
  check?(run: { readonly speed: number; readonly callerAudio: 'tagged' | 'speech' }): void;
  create(url: string, context: TransportContext): AgentTransport;
}
