import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import type { TurnRecord } from '../../telemetry/call-record.ts';
import type { WireMeasurements } from '../../telemetry/wire-measurements.ts';
import type { CallEnding, CallObservation } from '../call-observation.ts';
import type { RunClock } from '../run-clock.ts';
import type { WireMeter } from './wire-meter.ts';

/** What a finished Twilio call hands over to become its observation. */
export interface TwilioCallResult {
  readonly plan: CallPlan;
  readonly clock: RunClock;
  readonly startLagMs: number;
  readonly ending: CallEnding;
  readonly endReason: string;
  readonly endedWallMs: number;
  readonly meter: WireMeter;
  readonly close: NonNullable<WireMeasurements['close']>;
  readonly playback: { readonly droppedBytes: number; readonly capBytes: number; readonly peakBytes: number };
}

const failureStatus = (kind: string): TurnRecord['status'] =>
  kind === 'timeout' ? 'timeout' : kind === 'protocol-error' ? 'protocol-error' : 'network-error';

/**
 * The transport-neutral observation of a Twilio call: a turn record per utterance spoken (its
 * voice-to-voice measured on the played-out audio; status 200 when the bot answered it — by
 * speaking, or by ending or transferring the call — since a stream has no per-turn status), the
 * ending, and the wire measurements with the reason the call ended in words (malformed messages
 * and a playback overflow named in it).
 */
export function twilioObservation(r: TwilioCallResult): CallObservation {
  const { meter, ending, plan } = r;
  const last = meter.turns.length - 1;
  const byAgent = ending.by === 'agent-end' || ending.by === 'agent-transfer';
  const turns: TurnRecord[] = meter.turns.map((t, i) => {
    const answered = t.voiceToVoiceMs !== null || (i === last && byAgent);
    let status: TurnRecord['status'] = answered ? 200 : 'hung-up';
    if (!answered && i === last && ending.by === 'failure') status = failureStatus(ending.kind);
    let action: TurnRecord['action'] = answered ? 'continue' : null;
    if (i === last && ending.by === 'agent-end') action = 'end';
    if (i === last && ending.by === 'agent-transfer') action = 'transfer';
    const sentAt = Math.min(t.speechEndAt, r.endedWallMs);
    return {
      index: t.turn.index,
      kind: t.turn.kind,
      sentAtMs: Math.max(0, r.clock.scenarioAt(sentAt)),
      voiceToVoiceMs: t.voiceToVoiceMs === null ? null : Math.round(t.voiceToVoiceMs * 10) / 10,
      sendLagMs: Math.round(t.sendLagMs * 10) / 10,
      status,
      action,
      transferReason: i === last && ending.by === 'agent-transfer' ? ending.reason : null,
      bargeIn: t.bargeIn,
      agent: null,
    };
  });
  const overflow = r.playback.droppedBytes > 0;
  const notes: string[] = [];
  if (meter.malformedCount > 0)
    notes.push(`${meter.malformedCount} malformed message(s) from the bot (${meter.malformedSummary()})`);
  if (overflow) {
    notes.push(
      `the bot sent audio faster than real time: ${r.playback.droppedBytes / 8} ms dropped over the ${r.playback.capBytes / 8000} s playback buffer`,
    );
  }
  const endReason = [r.endReason, ...notes].join('; ');
  const wire = meter.measurements({
    close: r.close,
    endReason,
    playbackOverflow: overflow
      ? { droppedMs: r.playback.droppedBytes / 8, capMs: r.playback.capBytes / 8 }
      : null,
    peakBufferedMs: r.playback.peakBytes / 8,
  });
  const finalEnding: CallEnding =
    ending.by === 'failure' && notes.length > 0 ? { ...ending, message: endReason } : ending;
  return {
    plan,
    startLagMs: r.startLagMs,
    turns,
    ending: finalEnding,
    endedWallMs: r.endedWallMs,
    agentAudioMs: Math.round(wire.botAudioMs ?? 0),
    deadLetteredWrites: 0,
    wire,
  };
}
