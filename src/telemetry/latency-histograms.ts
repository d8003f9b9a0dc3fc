import * as hdr from 'hdr-histogram-js';
import type { CallRecord } from './call-record.ts';
import { LATENCY_METRICS, type LatencyMetric } from './metric-names.ts';

const HIGHEST_MS = 3_600_000;

function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MS,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export interface HistogramWindowJson {
  readonly startMs: number;
  readonly count: number;
  /** hdr-histogram compressed base64; merge windows or runs with `decodeFromCompressedBase64` + `add`. */
  readonly histogram: string;
}

/** `histograms.json`: per metric, one histogram per scenario-time window and the whole run. */
export interface HistogramsJson {
  readonly schema: 'callstorm.histograms/v1';
  readonly unit: 'ms';
  readonly windowMs: number;
  readonly metrics: Readonly<
    Record<string, { readonly total: HistogramWindowJson; readonly windows: readonly HistogramWindowJson[] }>
  >;
}

/**
 * HDR histograms of every latency metric, per scenario-time window (by when the caller finished
 * speaking), mergeable across windows, shards and runs.
 */
export class LatencyHistograms {
  readonly windowMs: number;
  readonly #windows = new Map<LatencyMetric, Map<number, hdr.Histogram>>();

  constructor(windowMs = 300_000) {
    this.windowMs = windowMs;
  }

  record(metric: LatencyMetric, atMs: number, valueMs: number | null | undefined): void {
    if (valueMs === null || valueMs === undefined || !Number.isFinite(valueMs)) return;
    let byWindow = this.#windows.get(metric);
    if (!byWindow) {
      byWindow = new Map();
      this.#windows.set(metric, byWindow);
    }
    const start = Math.floor(atMs / this.windowMs) * this.windowMs;
    let h = byWindow.get(start);
    if (!h) {
      h = newHistogram();
      byWindow.set(start, h);
    }
    h.recordValue(Math.min(HIGHEST_MS, Math.max(0, Math.round(valueMs))));
  }

  /** Records every latency of a finished call. */
  recordCall(call: CallRecord): void {
    this.record(LATENCY_METRICS.startLag, call.arrivalMs, call.startLagMs);
    for (const t of call.turns) {
      this.record(LATENCY_METRICS.voiceToVoice, t.sentAtMs, t.voiceToVoiceMs);
      const l = t.agent?.latencyMs;
      if (!l) continue;
      this.record(LATENCY_METRICS.asr, t.sentAtMs, l.asr);
      this.record(LATENCY_METRICS.llmFirstToken, t.sentAtMs, l.llmFirstToken);
      this.record(LATENCY_METRICS.llmTotal, t.sentAtMs, l.llmTotal);
      this.record(LATENCY_METRICS.tools, t.sentAtMs, l.tools);
      this.record(LATENCY_METRICS.ttsFirstByte, t.sentAtMs, l.ttsFirstByte);
    }
    if (call.wire) this.#recordWire(call, call.wire);
  }

  /** What a streaming transport measured: per turn at the turn's time, per call at its arrival. */
  #recordWire(call: CallRecord, w: NonNullable<CallRecord['wire']>): void {
    w.turns.forEach((wt, i) => {
      const at = call.turns[i]?.sentAtMs ?? call.arrivalMs;
      this.record(LATENCY_METRICS.wireVoiceToVoice, at, wt.voiceToVoiceMs);
      this.record(LATENCY_METRICS.wireBargeInClear, at, wt.bargeInClearMs);
      this.record(LATENCY_METRICS.wireAudioAfterBargeIn, at, wt.audioAfterBargeInMs);
    });
    this.record(LATENCY_METRICS.wireGreeting, call.arrivalMs, w.greetingLatencyMs);
    this.record(LATENCY_METRICS.wireDeadAir, call.arrivalMs, w.longestDeadAirMs);
    this.record(LATENCY_METRICS.wireTalkOver, call.arrivalMs, w.talkOverMs);
    this.record(LATENCY_METRICS.wireFrameJitter, call.arrivalMs, w.frameJitterP99Ms);
    this.record(LATENCY_METRICS.wireSendJitter, call.arrivalMs, w.sendJitterP99Ms);
  }

  /** The whole run's histogram of one metric (a merge of its windows). */
  total(metric: LatencyMetric): hdr.Histogram {
    const total = newHistogram();
    for (const h of this.#windows.get(metric)?.values() ?? []) total.add(h);
    return total;
  }

  toJSON(): HistogramsJson {
    const metrics: Record<string, { total: HistogramWindowJson; windows: HistogramWindowJson[] }> = {};
    for (const metric of Object.values(LATENCY_METRICS)) {
      const byWindow = this.#windows.get(metric) ?? new Map<number, hdr.Histogram>();
      const total = this.total(metric);
      metrics[metric] = {
        total: { startMs: 0, count: total.totalCount, histogram: hdr.encodeIntoCompressedBase64(total) },
        windows: [...byWindow.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([startMs, h]) => ({
            startMs,
            count: h.totalCount,
            histogram: hdr.encodeIntoCompressedBase64(h),
          })),
      };
      total.destroy();
    }
    return { schema: 'callstorm.histograms/v1', unit: 'ms', windowMs: this.windowMs, metrics };
  }
}

/** Reads one encoded histogram back (for merging and percentiles). */
export function decodeHistogram(encoded: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(encoded);
}
