import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { SPEED_BOUNDS } from '../scenario/speed-bounds.ts';
import type { ProcessHealth } from '../telemetry/run-manifest.ts';
import { idleCores } from '../util/idle-cores.ts';
import type { ReviewRun } from './resolve-review-runs.ts';

/**
 * What the machine may give the harness (docs/scenarios.md, "Review"): each process at most
 * this share of a core (the run turns invalid at 90 %), all of them together at most this share
 * of the cores left idle when the review starts.
 */
export const CALIBRATION_LIMITS = { perProcessPercent: 70, idleShare: 0.8 } as const;

/** Scenario ms the probe plays of the heaviest run's window. */
export const PROBE_SCENARIO_MS = 10 * 60_000;

/** What a probe run reports: each process's CPU (% of a core) and whether the driver kept up. */
export interface ProbeReport {
  readonly cpu: Readonly<Record<'driver' | 'simulators' | 'agent', ProcessHealth | null>>;
  readonly invalid: string | null;
}

export interface Calibration {
  /** Cores left idle by the rest of the machine when the review started. */
  readonly idleCores: number;
  /** The run probed, at its own speed over the first PROBE_SCENARIO_MS of its window. */
  readonly probe: { readonly run: ReviewRun; readonly report: ProbeReport; readonly callsPerSecond: number };
  /** Each run's speed: its plan's, or lower where the machine would not carry it. */
  readonly speeds: ReadonlyMap<string, number>;
  /** One line for the review's output. */
  readonly summary: string;
}

/** Calls a second of scenario time brings in a run's window (its expected calls over its length). */
export function arrivalRate(vertical: string, run: ReviewRun, seed: number): number {
  const g = createCallGenerator(loadScenario({ vertical, stage: run.stage }), { seed, window: run.window });
  const seconds = (g.window.endMs - g.window.startMs) / 1000;
  return seconds > 0 ? g.window.expectedCalls / seconds : 0;
}

/** The first PROBE_SCENARIO_MS of a run's window, as an explicit window. */
export function probeWindow(vertical: string, run: ReviewRun, seed: number): string {
  const g = createCallGenerator(loadScenario({ vertical, stage: run.stage }), { seed, window: run.window });
  const end = Math.min(g.window.endMs, g.window.startMs + PROBE_SCENARIO_MS);
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
  return `${iso(g.window.startMs)}/${iso(end)}`;
}

/**
 * The fastest speed for a run bringing in `rate` calls per scenario second, given what the probe's
 * processes spent per call a wall second: each within its share of a core, together within the
 * idle cores. An invalid probe halves what it suggests.
 */
export function carriedSpeed(
  rate: number,
  probe: { readonly report: ProbeReport; readonly callsPerSecond: number },
  cores: number,
): number {
  if (!(rate > 0) || !(probe.callsPerSecond > 0)) return SPEED_BOUNDS.max;
  const perCall = Object.values(probe.report.cpu).map((p) => (p?.cpuPercent ?? 0) / probe.callsPerSecond);
  const busiest = Math.max(...perCall);
  const total = perCall.reduce((a, b) => a + b, 0);
  const maxCallsPerSecond = Math.min(
    busiest > 0 ? CALIBRATION_LIMITS.perProcessPercent / busiest : Number.POSITIVE_INFINITY,
    total > 0 ? (CALIBRATION_LIMITS.idleShare * cores * 100) / total : Number.POSITIVE_INFINITY,
  );
  const speed = (maxCallsPerSecond / rate) * (probe.report.invalid === null ? 1 : 0.5);
  return Math.max(SPEED_BOUNDS.min, Math.min(SPEED_BOUNDS.max, speed));
}

/** A speed as the review prints and uses it: two significant figures, never above the plan's. */
function roundDown(speed: number, cap: number): number {
  if (speed >= cap) return cap;
  const step = 10 ** Math.floor(Math.log10(speed) - 1);
  return Math.max(SPEED_BOUNDS.min, Math.floor(speed / step) * step);
}

export interface CalibrateOptions {
  readonly vertical: string;
  readonly seed: number;
  /** Runs the probe (a baseline run of `run`) and reports its processes' CPU. */
  readonly probe: (run: ReviewRun) => Promise<ProbeReport>;
  /** Cores left idle by the rest of the machine (default: measured over one second). */
  readonly idleCores?: () => Promise<number>;
}

/**
 * A short calibration of what this machine carries: the cores the rest of the machine leaves idle,
 * and one probe — the heaviest run of the plan (most calls per wall second), without its drill,
 * over the first ten minutes of its window at its own speed — whose processes' CPU per call scales
 * to every run. Each run keeps its plan's speed unless the machine would not carry it.
 */
export async function calibrateSpeeds(
  runs: readonly ReviewRun[],
  options: CalibrateOptions,
): Promise<Calibration> {
  const cores = await (options.idleCores ?? (() => idleCores()))();
  const rates = new Map(runs.map((r) => [r.label, arrivalRate(options.vertical, r, options.seed)]));
  const heaviest = runs.reduce((a, r) =>
    rates.get(r.label)! * r.speed > rates.get(a.label)! * a.speed ? r : a,
  );
  const probeRun: ReviewRun = {
    ...heaviest,
    label: 'calibration',
    drill: null,
    window: probeWindow(options.vertical, heaviest, options.seed),
  };
  const report = await options.probe(probeRun);
  const probe = { run: probeRun, report, callsPerSecond: rates.get(heaviest.label)! * heaviest.speed };
  const speeds = new Map(
    runs.map((r) => [r.label, roundDown(carriedSpeed(rates.get(r.label)!, probe, cores), r.speed)]),
  );
  const pct = (p: ProcessHealth | null) => (p?.cpuPercent == null ? '—' : `${Math.round(p.cpuPercent)} %`);
  const lowered = runs.filter((r) => speeds.get(r.label)! < r.speed);
  const summary = `${cores.toFixed(1)} idle cores; a ${heaviest.stage} probe at ×${heaviest.speed} used driver ${pct(report.cpu.driver)}, simulators ${pct(report.cpu.simulators)}, agent ${pct(report.cpu.agent)} of a core${report.invalid ? ` and was invalid (${report.invalid})` : ''}: ${
    lowered.length === 0
      ? 'every run at its plan’s speed'
      : lowered.map((r) => `${r.label} ×${speeds.get(r.label)} (plan ×${r.speed})`).join(', ')
  }`;
  return { idleCores: cores, probe, speeds, summary };
}
