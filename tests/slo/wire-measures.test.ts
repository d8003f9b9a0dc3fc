import { expect, test } from 'vitest';
import { wireTable } from '../../src/report/wire-table.ts';
import { eventsOf } from '../../src/slo/metric-events.ts';
import { formatMetricQuery, parseMetricQuery } from '../../src/slo/metric-query.ts';
import { matches, measureValue } from '../../src/slo/select-events.ts';
import { wireSummary } from '../../src/slo/wire-summary.ts';
import type { CallRecord } from '../../src/telemetry/call-record.ts';
import { LatencyHistograms } from '../../src/telemetry/latency-histograms.ts';
import { LATENCY_METRICS } from '../../src/telemetry/metric-names.ts';
import type { WireMeasurements } from '../../src/telemetry/wire-measurements.ts';
import { call, turn } from '../chaos/call-records.ts';

const CTX = { flowCategories: {}, faultWindows: [] };
const PRICES = { humanBaselinePerCall: 5 } as Parameters<typeof measureValue>[2];

function wire(v2v: (number | null)[], o: Partial<WireMeasurements> = {}): WireMeasurements {
  return {
    transport: 'twilio',
    greetingLatencyMs: 1_400,
    longestDeadAirMs: Math.max(...v2v.map((v) => v ?? 0)),
    talkOverMs: 0,
    frameJitterP99Ms: 2,
    turns: v2v.map((voiceToVoiceMs, index) => ({
      index,
      voiceToVoiceMs,
      bargeInClearMs: null,
      audioAfterBargeInMs: null,
    })),
    sendJitterP99Ms: 0.5,
    ...o,
  };
}

/** A Twilio call: turns whose voice-to-voice came from the wire, and one HTTP call without. */
function calls(): CallRecord[] {
  const twilio = (at: number, v2v: (number | null)[], o: Partial<WireMeasurements> = {}) =>
    call(at, {
      turns: v2v.map((v, i) => turn(at + 10_000 * (i + 1), { index: i, voiceToVoiceMs: v, agent: null })),
      wire: wire(v2v, o),
    });
  return [
    twilio(0, [800, 1_200]),
    twilio(60_000, [2_400, null], {
      longestDeadAirMs: 9_000,
      turns: [
        { index: 0, voiceToVoiceMs: 2_400, bargeInClearMs: null, audioAfterBargeInMs: null },
        { index: 1, voiceToVoiceMs: null, bargeInClearMs: 350, audioAfterBargeInMs: 120 },
      ],
      malformedMessages: 2,
      playbackOverflow: { droppedMs: 500, capMs: 30_000 },
      close: { code: 1000, by: 'bot' },
    }),
    call(120_000),
  ];
}

test('SLO queries reach the wire measurements by dotted names, in conditions and measures, and round-trip', () => {
  const all = calls();
  const turns = eventsOf('turns', all, CTX);
  // The HTTP call's turn has no wire value: null, never "≤ 1500".
  const fast = parseMetricQuery('turns where wire.voice_to_voice_ms <= 1500');
  expect(fast.kind === 'select' && turns.filter((e) => matches(fast.where, e))).toHaveLength(2);
  const p = parseMetricQuery('max of turns.wire.voice_to_voice_ms');
  expect(p.kind === 'aggregate' && measureValue(p, turns, PRICES)).toBe(2_400);
  const deadAir = parseMetricQuery('max of calls.wire.dead_air_ms');
  expect(deadAir.kind === 'aggregate' && measureValue(deadAir, eventsOf('calls', all, CTX), PRICES)).toBe(
    9_000,
  );
  const clear = parseMetricQuery('p50 of turns.wire.barge_in_clear_ms where bargeIn = false');
  expect(formatMetricQuery(clear)).toBe('p50 of turns.wire.barge_in_clear_ms where bargeIn = false');
  expect(parseMetricQuery(formatMetricQuery(clear))).toEqual(clear);
  expect(() => parseMetricQuery('turns where wire.nothing <= 1')).toThrow(/no field "wire.nothing"/);
});

test('the wire summary: per measure count and percentiles over the exact values; null for HTTP-only runs', () => {
  const s = wireSummary(calls())!;
  expect(s).toMatchObject({
    transport: 'twilio',
    calls: 2,
    turns: 4,
    turnsWithVoiceToVoice: 3,
    malformedMessages: 2,
    playbackOverflows: 1,
    botCloseCodes: { '1000': 1 },
  });
  expect(s.measures.find((m) => m.query === 'turns.wire.voice_to_voice_ms')).toMatchObject({
    count: 3,
    p50: 1_200,
    max: 2_400,
  });
  expect(s.measures.find((m) => m.query === 'turns.wire.barge_in_clear_ms')).toMatchObject({
    count: 1,
    p99: 350,
  });
  expect(wireSummary([call(0)])).toBeNull();
  const html = wireTable(s);
  expect(html).toContain('calls.wire.dead_air_ms');
  expect(html).toContain('voice-to-voice measured on 3 (75.0 %)');
  expect(html).toContain('1000 ×1');
});

test('the HDR histograms get the wire metrics, at each turn’s time', () => {
  const h = new LatencyHistograms(60_000);
  for (const c of calls()) h.recordCall(c);
  expect(h.total(LATENCY_METRICS.wireVoiceToVoice).totalCount).toBe(3);
  expect(h.total(LATENCY_METRICS.wireBargeInClear).totalCount).toBe(1);
  expect(h.total(LATENCY_METRICS.wireDeadAir).maxValue).toBeGreaterThanOrEqual(9_000);
  const json = h.toJSON();
  expect(json.metrics['call.turn.wire.voice_to_voice_ms']!.windows.map((w) => w.startMs)).toEqual([
    0, 60_000,
  ]);
  // An HTTP call adds none (the metric is there, at zero).
  const only = new LatencyHistograms();
  only.recordCall(call(0));
  expect(only.toJSON().metrics['call.wire.greeting_latency_ms']!.total.count).toBe(0);
});
