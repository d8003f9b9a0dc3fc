/** Latency metrics recorded in HDR histograms (milliseconds), as dotted constants. */
export const LATENCY_METRICS = {
  voiceToVoice: 'call.turn.voice_to_voice_ms',
  asr: 'call.turn.asr_ms',
  llmFirstToken: 'call.turn.llm_first_token_ms',
  llmTotal: 'call.turn.llm_total_ms',
  tools: 'call.turn.tools_ms',
  ttsFirstByte: 'call.turn.tts_first_byte_ms',
  startLag: 'driver.call.start_lag_ms',
  // Measured on the wire by a streaming transport (Twilio Media Streams): wire-measurements.ts.
  wireVoiceToVoice: 'call.turn.wire.voice_to_voice_ms',
  wireBargeInClear: 'call.turn.wire.barge_in_clear_ms',
  wireAudioAfterBargeIn: 'call.turn.wire.audio_after_barge_in_ms',
  wireGreeting: 'call.wire.greeting_latency_ms',
  wireDeadAir: 'call.wire.dead_air_ms',
  wireTalkOver: 'call.wire.talk_over_ms',
  wireFrameJitter: 'call.wire.frame_jitter_p99_ms',
  wireSendJitter: 'call.wire.send_jitter_p99_ms',
} as const;

export type LatencyMetric = (typeof LATENCY_METRICS)[keyof typeof LATENCY_METRICS];

/** Counters every run reports, starting at zero so reports always show them. */
export const COUNTERS = [
  'call.started',
  'call.finished',
  'call.outcome.resolved',
  'call.outcome.false-containment',
  'call.outcome.escalated',
  'call.outcome.abandoned',
  'call.outcome.failed',
  'call.turn.sent',
  'call.turn.barge_in',
  'call.residency_violation',
  'fault.applied',
  'fault.removed',
] as const;
