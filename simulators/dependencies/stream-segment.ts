import type { AsrRecogniser, Recognition } from './asr-recogniser.ts';
import type { VoiceActivity } from './energy-vad.ts';
import type { FaultEffects } from './faults/fault-effects.ts';
import type { StreamLatency, StreamSettings } from './stream-events.ts';
import type { StreamStats } from './stream-stats.ts';
import type { SegmentLinker, UtteranceLinker } from './utterance-linker.ts';

/** How a StreamRecogniser is set up, and the state it keeps per utterance and per speech segment. */

export interface StreamRecogniserOptions {
  readonly streamId: string;
  readonly sampleRate: number;
  readonly recogniser: AsrRecogniser;
  readonly linker: UtteranceLinker;
  readonly settings: StreamSettings;
  readonly seed: string | number;
  /** `false`: finals leave at their endpoint (fault delays still apply). */
  readonly latency?: Partial<StreamLatency> | false;
  /** Audio between interim results (default 500 ms). */
  readonly interimEveryMs?: number;
  /** The active faults' effects on one segment (asked once per segment, with the cohort once linked). */
  readonly effectsFor: (ctx: {
    readonly segment: number;
    readonly cohort?: string;
    readonly callId?: string;
  }) => FaultEffects;
  readonly stats?: StreamStats;
  /** Default: an energy VAD, holding tagged utterances open when the linker's audio is placeholder. */
  readonly vad?: VoiceActivity;
  /** The stream's audio was first linked to this call. */
  readonly onBound?: (callId: string) => void;
}

export interface UtteranceState {
  readonly id: string;
  readonly recognition: Recognition;
  /** Words already sent in finals. */
  emitted: number;
}

export interface Segment {
  readonly index: number;
  /** Stream sample of the segment's first audio (pre-roll included). */
  readonly startSample: number;
  readonly linker: SegmentLinker;
  /** Samples pushed to the segment's linker. */
  pushed: number;
  settled: boolean;
  /** Linked as the rest of the previous segment's utterance (placeholder audio has no tag there). */
  continuation: boolean;
  utterance?: UtteranceState;
  /** Offset into the utterance's audio (ms) at the segment's first sample, and now. */
  offsetAtStartMs: number;
  offsetMs: number;
  effects?: FaultEffects;
  interimAt: number;
  interimWords: number;
}
