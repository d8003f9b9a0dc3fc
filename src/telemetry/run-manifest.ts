import type { EvaluationContext } from '../run-folder/evaluation-context-schema.ts';
import { writeJsonAtomic } from './write-json-atomic.ts';

export const RUN_MANIFEST_SCHEMA = 'callstorm.run/v1' as const;

/** running: in progress or killed; complete: every planned call ran; the others say why not. */
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'aborted' | 'failed';

/** `manifest.json`: what was run, with what, and whether it finished. */
export interface RunManifest {
  readonly schema: typeof RUN_MANIFEST_SCHEMA;
  readonly runId: string;
  readonly status: RunStatus;
  /** True only when the run ended normally; a killed run leaves `false` behind. */
  readonly complete: boolean;
  /** Set when the driver could not keep the schedule: the results under-drive the scenario. */
  readonly invalid: string | null;
  readonly reason: string | null;
  readonly scenario: {
    readonly vertical: string;
    readonly stage: string;
    readonly window: string;
    readonly windowStart: string;
    readonly windowEnd: string;
    readonly expectedCalls: number;
    readonly seed: number;
    readonly speed: number;
  };
  readonly drill: string | null;
  readonly agent: string;
  /**
   * Where the dependency simulators ran: in a child process (its pid) or in the run's own process.
   * Absent in manifests written before callstorm 0.1.0 recorded it.
   */
  readonly simulators?: { readonly mode: 'process' | 'in-process'; readonly pid: number | null };
  /** How network faults were injected: a real Toxiproxy, emulated inside the simulators, or none needed. */
  readonly network: { readonly mode: 'toxiproxy' | 'emulated' | 'none'; readonly detail: string };
  readonly versions: { readonly callstorm: string; readonly node: string };
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly counts: Readonly<Record<string, number>>;
  readonly driver: Readonly<Record<string, unknown>> | null;
  readonly files: readonly string[];
  /**
   * What evaluating the run needs (flow categories, digests of the scenario files, the resolved
   * drill): `evaluationContext()` in src/run-folder computes it. Absent in manifests written before
   * callstorm recorded it; those are evaluated from the shipped scenario files, with a note.
   */
  readonly evaluation?: EvaluationContext;
}

export function writeManifest(path: string, manifest: RunManifest): void {
  writeJsonAtomic(path, manifest);
}
