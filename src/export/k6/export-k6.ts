import { copyFileSync, mkdirSync, writeFileSync as writeFileRaw } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { type Drill, loadDrill } from '../../chaos/drill-schema.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { evaluationContext } from '../../run-folder/evaluation-context.ts';
import type { EvaluationContext } from '../../run-folder/evaluation-context-schema.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { PACKAGE_ROOT } from '../../scenario/scenario-files.ts';
import { loadSloSet } from '../../slo/slo-set.ts';
import { isOutputError, outputWriteError, prepareOutputFolder } from '../../util/output-location.ts';
import { arrivalShape } from './k6-arrival-stages.ts';
import { k6ScriptSource } from './k6-script-source.ts';
import { executionSegments } from './k6-segments.ts';
import { k6TestRunYaml } from './k6-test-run.ts';
import { k6Thresholds } from './k6-thresholds.ts';

export const K6_EXPORT_SCHEMA = 'callstorm.k6-export/v1' as const;

export interface ExportK6Options {
  readonly vertical: string;
  readonly stage: string;
  readonly window?: string;
  readonly seed?: number;
  readonly speed?: number;
  readonly drill?: string;
  readonly parallelism?: number;
  readonly agentUrl?: string;
  readonly out: string;
}

/** `export.json`: what was exported; `callstorm ingest k6 --from <dir>` reads it back. */
export interface K6ExportManifest {
  readonly schema: typeof K6_EXPORT_SCHEMA;
  readonly runId: string;
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly seed: number;
  readonly speed: number;
  readonly drill: string | null;
  readonly parallelism: number;
  readonly planCount: number;
  readonly expectedCalls: number;
  readonly segments: readonly string[];
  readonly segmentSequence: string;
  readonly shards: readonly string[];
  readonly thresholds: ReturnType<typeof k6Thresholds>['translated'];
  readonly sloNotInK6: readonly string[];
  /** What evaluating the ingested run needs (flow categories, scenario digests, the drill); `ingest` copies it. */
  readonly evaluation?: EvaluationContext;
}

/** This folder in the sources (k6-call-protocol.ts is copied from there, also when running the build). */
const HERE = join(PACKAGE_ROOT, 'src', 'export', 'k6');
/** Assumed agent time per turn (wall ms) when sizing the VU pool. */
const AGENT_MS_PER_TURN = 1_500;

export function shardFile(k: number, n: number): string {
  return `plans/shard-${k}-of-${n}.json`;
}

function vuPool(
  plans: readonly CallPlan[],
  peakPerSecond: number,
  speed: number,
): { pre: number; max: number } {
  const meanMs =
    plans.reduce(
      (a, p) =>
        a + p.turns.reduce((t, u) => t + (u.thinkMs + u.speechMs + 2_000) / speed + AGENT_MS_PER_TURN, 0),
      0,
    ) / Math.max(1, plans.length);
  const concurrent = (peakPerSecond * meanMs) / 1000;
  const pre = Math.ceil(concurrent * 1.5) + 5;
  return { pre, max: pre * 2 + 10 };
}

/** Writes the k6 export folder: script, protocol module, tsconfig, sharded plans, TestRun, export.json. */
export function exportK6(options: ExportK6Options): K6ExportManifest {
  const seed = options.seed ?? 1;
  const speed = options.speed ?? 1;
  const n = options.parallelism ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--parallelism',
      reason: `${n} is not an integer from 1 to 1000`,
      fix: 'e.g. --parallelism 4 for four k6 runners',
    });
  }
  const drill: Drill | null = options.drill ? loadDrill(options.drill) : null;
  const scenario = loadScenario({ vertical: options.vertical, stage: options.stage });
  const slos = loadSloSet(scenario.stage.name);
  const generator = createCallGenerator(scenario, { seed, window: options.window ?? 'peak-hour' });
  const out = prepareOutputFolder(resolve(options.out), { option: '--out', what: 'the k6 export' });
  // A write that fails part-way (full disk, read-only remount) is the environment's, said as such.
  const guarded =
    <A extends unknown[]>(write: (...args: A) => void) =>
    (...args: A): void => {
      try {
        write(...args);
      } catch (error) {
        if (!isOutputError(error)) throw error;
        throw outputWriteError(
          'the k6 export',
          out,
          error,
          'The folder holds part of an export: delete it and export again.',
        );
      }
    };
  const writeFileSync = guarded(writeFileRaw);
  guarded(mkdirSync)(join(out, 'plans'), { recursive: true });

  const all: CallPlan[] = [];
  const shards: string[] = [];
  for (let k = 1; k <= n; k++) {
    const plans = [...generator.plans({ k, n })];
    all.push(...plans);
    const file = shardFile(k, n);
    writeFileSync(join(out, file), `${JSON.stringify(plans)}\n`);
    shards.push(file);
  }
  const shape = arrivalShape(generator.slots, generator.window, speed);
  const pool = vuPool(all, shape.peakPerSecond, speed);
  const thresholds = k6Thresholds(slos, drill, speed);
  const runId = `k6-${scenario.vertical.name}-${scenario.stage.name}-s${seed}`;
  const { sequence, segments } = executionSegments(n);

  writeFileSync(
    join(out, 'script.ts'),
    k6ScriptSource({
      runId,
      speed,
      shards: n,
      planCount: all.length,
      shape,
      preAllocatedVUs: pool.pre,
      maxVUs: pool.max,
      thresholds: thresholds.thresholds,
      vertical: scenario.vertical.name,
      stage: scenario.stage.name,
    }),
  );
  guarded(copyFileSync)(join(HERE, 'k6-call-protocol.ts'), join(out, 'call-protocol.ts'));
  const typesRoot = join(PACKAGE_ROOT, 'node_modules', '@types');
  const tsconfig = {
    compilerOptions: {
      target: 'ES2020',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2020'],
      types: ['k6'],
      // Where callstorm's @types/k6 lives; with `npm i -D @types/k6` next to the script, delete this.
      typeRoots: [relative(out, typesRoot) || '.'],
      strict: true,
      noUncheckedIndexedAccess: true,
      allowImportingTsExtensions: true,
      isolatedModules: true,
      noEmit: true,
    },
    files: ['script.ts', 'call-protocol.ts'],
  };
  writeFileSync(join(out, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(
    join(out, 'testrun.yaml'),
    k6TestRunYaml({
      name: `callstorm-${scenario.vertical.name}-${scenario.stage.name}`,
      parallelism: n,
      configMap: `callstorm-${scenario.vertical.name}-${scenario.stage.name}`,
      agentUrl: options.agentUrl ?? 'http://agent:8080',
      runId,
    }),
  );
  const manifest: K6ExportManifest = {
    schema: K6_EXPORT_SCHEMA,
    runId,
    vertical: scenario.vertical.name,
    stage: scenario.stage.name,
    window: generator.window.spec,
    windowStart: new Date(generator.window.startMs).toISOString(),
    windowEnd: new Date(generator.window.endMs).toISOString(),
    seed,
    speed,
    drill: drill?.name ?? null,
    parallelism: n,
    planCount: all.length,
    expectedCalls: generator.window.expectedCalls,
    segments,
    segmentSequence: sequence,
    shards,
    thresholds: thresholds.translated,
    sloNotInK6: thresholds.notTranslated,
    evaluation: evaluationContext(scenario, drill, {
      vertical: options.vertical,
      stage: options.stage,
      ...(options.drill ? { drill: options.drill } : {}),
    }),
  };
  writeFileSync(join(out, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
