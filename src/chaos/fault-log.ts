import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export const FAULT_LOG_SCHEMA = 'callstorm.fault/v1' as const;

/**
 * `applied`/`removed`: a fault took effect / ended; `failed`: applying or removing it failed;
 * `skipped`: it could not be applied in this mode (e.g. `bandwidth` without Toxiproxy);
 * `abort`: a stop condition fired; `rollback`: the end-of-run clean-up and what it left.
 */
export type FaultEvent = 'applied' | 'removed' | 'failed' | 'skipped' | 'abort' | 'rollback';

/** How a fault reached its target. */
export type FaultVia = 'toxiproxy' | 'simulator' | 'emulated';

/** One line of `faults.jsonl`. */
export interface FaultLogEntry {
  readonly schema: typeof FAULT_LOG_SCHEMA;
  readonly event: FaultEvent;
  readonly runId: string;
  readonly drill: string | null;
  readonly faultId: string | null;
  readonly target: string | null;
  readonly via: FaultVia | null;
  /** The toxic (`latency`, `down`, …) or simulator fault type (`rate-limit`, …). */
  readonly type: string | null;
  /** Scenario ms when it happened. */
  readonly scenarioMs: number;
  /** Scenario ms the timeline planned it for (null for abort/rollback). */
  readonly plannedMs: number | null;
  /** Wall clock, ISO 8601. */
  readonly at: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly error?: string;
  /**
   * How late against `plannedMs` it happened, in scenario ms and in wall ms (scenario ÷ speed):
   * on `applied`, `removed` and `failed` lines the timeline caused, and on a rollback's removal
   * after the planned end (one before it is early, not late).
   */
  readonly lagScenarioMs?: number;
  readonly lagWallMs?: number;
  /** Wall ms the request to Toxiproxy or the simulator took (part of the lag). */
  readonly requestWallMs?: number;
}

/**
 * Appends fault events as JSON lines, one synchronous write per line so a killed run leaves
 * every event it logged. Without a path it only keeps them in memory.
 */
export class FaultLog {
  readonly #entries: FaultLogEntry[] = [];
  #fd: number | null;

  constructor(readonly path: string | null) {
    this.#fd = path === null ? null : openSync(path, 'a');
  }

  get entries(): readonly FaultLogEntry[] {
    return this.#entries;
  }

  append(entry: Omit<FaultLogEntry, 'schema' | 'at'> & { at?: string }): FaultLogEntry {
    const { event, at, ...rest } = entry;
    const full: FaultLogEntry = {
      schema: FAULT_LOG_SCHEMA,
      event,
      at: at ?? new Date().toISOString(),
      ...rest,
    };
    this.#entries.push(full);
    if (this.#fd !== null) writeSync(this.#fd, `${JSON.stringify(full)}\n`);
    return full;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

/** Reads `faults.jsonl`, skipping a torn last line (a run killed mid-write). */
export function readFaultLog(path: string): FaultLogEntry[] {
  const entries: FaultLogEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as FaultLogEntry);
    } catch {
      // torn line
    }
  }
  return entries;
}
