import type { CallRecord } from '../telemetry/call-record.ts';
import { percentile } from '../util/percentile.ts';
import type { WireSummary } from './run-evaluation.ts';

type Values = (c: CallRecord) => readonly (number | null | undefined)[];

/** The measures the report's wire table shows: what, the query that selects it, where it comes from. */
const MEASURES: readonly { name: string; query: string; values: Values }[] = [
  {
    name: 'voice-to-voice (played-out audio)',
    query: 'turns.wire.voice_to_voice_ms',
    values: (c) => c.wire?.turns.map((t) => t.voiceToVoiceMs) ?? [],
  },
  {
    name: 'greeting latency',
    query: 'calls.wire.greeting_latency_ms',
    values: (c) => [c.wire?.greetingLatencyMs],
  },
  { name: 'longest dead air', query: 'calls.wire.dead_air_ms', values: (c) => [c.wire?.longestDeadAirMs] },
  {
    name: 'barge-in → clear',
    query: 'turns.wire.barge_in_clear_ms',
    values: (c) => c.wire?.turns.map((t) => t.bargeInClearMs) ?? [],
  },
  {
    name: 'bot audio after a barge-in',
    query: 'turns.wire.audio_after_barge_in_ms',
    values: (c) => c.wire?.turns.map((t) => t.audioAfterBargeInMs) ?? [],
  },
  { name: 'talk-over per call', query: 'calls.wire.talk_over_ms', values: (c) => [c.wire?.talkOverMs] },
  {
    name: 'bot frame jitter (p99 per call)',
    query: 'calls.wire.frame_jitter_ms',
    values: (c) => [c.wire?.frameJitterP99Ms],
  },
  {
    name: 'caller send jitter (p99 per call)',
    query: 'calls.wire.send_jitter_ms',
    values: (c) => [c.wire?.sendJitterP99Ms],
  },
];

/**
 * What the calls' wire measurements add up to (the report's "On the wire" table): per measure its
 * count and p50/p95/p99/max over the exact values, and the counts a reader checks first — turns
 * with voice-to-voice measured, malformed messages, playback overflows, bot close codes. Null
 * when no call carries wire measurements (the HTTP agent protocol). Pure.
 */
export function wireSummary(calls: readonly CallRecord[]): WireSummary | null {
  const wired = calls.filter((c) => c.wire !== undefined);
  if (wired.length === 0) return null;
  const measures = MEASURES.map((m) => {
    const values = wired.flatMap((c) => m.values(c)).filter((v): v is number => typeof v === 'number');
    return {
      name: m.name,
      query: m.query,
      count: values.length,
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      p99: percentile(values, 99),
      max: values.length === 0 ? null : Math.max(...values),
    };
  });
  const closeCodes: Record<string, number> = {};
  let turns = 0;
  let measured = 0;
  let malformed = 0;
  let overflows = 0;
  for (const c of wired) {
    const w = c.wire!;
    turns += w.turns.length;
    measured += w.turns.filter((t) => t.voiceToVoiceMs !== null).length;
    malformed += w.malformedMessages ?? 0;
    if (w.playbackOverflow) overflows++;
    if (w.close?.by === 'bot') {
      const key = String(w.close.code ?? 'none');
      closeCodes[key] = (closeCodes[key] ?? 0) + 1;
    }
  }
  return {
    transport: wired[0]!.wire!.transport,
    calls: wired.length,
    turns,
    turnsWithVoiceToVoice: measured,
    malformedMessages: malformed,
    playbackOverflows: overflows,
    botCloseCodes: closeCodes,
    measures,
  };
}
