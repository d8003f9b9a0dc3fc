import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AGENT_PROFILES } from '../../agent/agent-config.ts';
import { parseWindowSpec } from '../../simulators/callers/window-spec.ts';
import { isCallstormError } from '../errors/callstorm-error.ts';
import { deepFreeze } from '../scenario/deep-freeze.ts';
import { readYaml, validate } from '../scenario/load-document.ts';
import { isPath, resolveScenarioFile } from '../scenario/scenario-files.ts';
import { identifier } from '../scenario/schema-helpers.ts';
import { SPEED_BOUNDS } from '../scenario/speed-bounds.ts';

/**
 * `scenarios/reviews/<name>.yaml`: a promotion review as data — the runs it makes (in order), the
 * verdicts it gives (each a gate over some of the runs), and what the comparison report shows.
 * See docs/scenarios.md ("Review").
 */

/** A window resolved by code: the business hours of the stage's busiest day (see resolve-review-runs.ts). */
export const PEAK_DAY_BUSINESS_HOURS = 'peak-day-business-hours';

const windowText = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    if (text === PEAK_DAY_BUSINESS_HOURS) return;
    try {
      parseWindowSpec(text, 'window');
    } catch (error) {
      if (!isCallstormError(error)) throw error;
      ctx.addIssue({
        code: 'custom',
        message: `${error.message.replace(/^bad value for window: /, '')}: expected month, week, peak-day, peak-hour, ${PEAK_DAY_BUSINESS_HOURS} or START/END`,
      });
    }
  });

export const speedSchema = z
  .number()
  .min(SPEED_BOUNDS.min, `a speed is from ${SPEED_BOUNDS.min} to ${SPEED_BOUNDS.max.toLocaleString('en-GB')}`)
  .max(
    SPEED_BOUNDS.max,
    `a speed is from ${SPEED_BOUNDS.min} to ${SPEED_BOUNDS.max.toLocaleString('en-GB')}`,
  );

const agentSpec = z
  .string()
  .refine(
    (a) =>
      /^https?:\/\/[^/]/.test(a) ||
      (a.startsWith('reference:') && (AGENT_PROFILES as readonly string[]).includes(a.slice(10))),
    `expected ${AGENT_PROFILES.map((p) => `reference:${p}`).join(', ')} or http://127.0.0.1:PORT`,
  );

export const reviewRunSchema = z.strictObject({
  /** The run's folder under `runs/`, and how verdicts and the comparison refer to it. */
  label: identifier,
  /** A stage name (scenarios/stages/) or a path. */
  stage: z.string().min(1),
  /** A window as `callstorm run --window` takes it, or `peak-day-business-hours`. */
  window: windowText,
  /** Scenario time ÷ wall time (`callstorm review --speed`/`--speed-factor` override it). */
  speed: speedSchema,
  agent: agentSpec.default('reference:production'),
  /**
   * A shell command that starts your agent for this run (`callstorm run --agent-cmd`); `agent` is
   * then its URL, `{port}` standing for the port the run gives it (`http://127.0.0.1:{port}`).
   */
  agentCmd: z.string().trim().min(1).nullable().default(null),
  /** A drill name (scenarios/drills/) or a path; none = a baseline run. */
  drill: z.string().min(1).nullable().default(null),
});

export const reviewVerdictSchema = z.strictObject({
  /** How the verdict is printed: `scale (production architecture)`. */
  label: z.string().min(1),
  /** The gate that judges these runs: a name (scenarios/gates/) or a path. */
  gate: z.string().min(1),
  /** Labels of the runs it judges (those of them that ran). */
  runs: z.array(identifier).min(1),
});

export const reviewPlanSchema = z
  .strictObject({
    kind: z.literal('Review'),
    name: identifier,
    title: z.string().min(1),
    description: z.string().default(''),
    runs: z.array(reviewRunSchema).min(1),
    verdicts: z.array(reviewVerdictSchema).default([]),
    comparison: z
      .strictObject({
        /** Runs in the comparison report, in order; default every run, baselines first. */
        runs: z.array(identifier).optional(),
        /** Verdicts whose gates the comparison report shows, in order; default every verdict. */
        verdicts: z.array(z.string().min(1)).optional(),
      })
      .prefault({}),
  })
  .superRefine((plan, ctx) => {
    const labels = new Set<string>();
    plan.runs.forEach((run, i) => {
      if (labels.has(run.label))
        ctx.addIssue({ code: 'custom', path: ['runs', i, 'label'], message: `a second run "${run.label}"` });
      labels.add(run.label);
      if (run.agentCmd !== null && run.agent.startsWith('reference:'))
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'agent'],
          message: `is "${run.agent}", but agentCmd starts your own agent: give the URL it listens on, e.g. http://127.0.0.1:{port}`,
        });
    });
    const known = [...labels].join(', ');
    const checkRuns = (list: readonly string[] | undefined, path: (string | number)[]) =>
      list?.forEach((label, j) => {
        if (!labels.has(label))
          ctx.addIssue({ code: 'custom', path: [...path, j], message: `no run "${label}" (runs: ${known})` });
      });
    const verdictLabels = new Set<string>();
    plan.verdicts.forEach((v, i) => {
      if (verdictLabels.has(v.label))
        ctx.addIssue({
          code: 'custom',
          path: ['verdicts', i, 'label'],
          message: `a second verdict "${v.label}"`,
        });
      verdictLabels.add(v.label);
      checkRuns(v.runs, ['verdicts', i, 'runs']);
    });
    checkRuns(plan.comparison.runs, ['comparison', 'runs']);
    plan.comparison.verdicts?.forEach((label, j) => {
      if (!verdictLabels.has(label))
        ctx.addIssue({
          code: 'custom',
          path: ['comparison', 'verdicts', j],
          message: `no verdict "${label}" (verdicts: ${[...verdictLabels].join(', ')})`,
        });
    });
  });

export type ReviewPlan = z.infer<typeof reviewPlanSchema>;
export type ReviewPlanRun = ReviewPlan['runs'][number];
export type ReviewVerdictGroup = ReviewPlan['verdicts'][number];

export function parseReviewPlan(data: unknown, source: string): ReviewPlan {
  return validate(reviewPlanSchema, data, 'review', source);
}

/** The review plans shipped in scenarios/reviews/; `promotion` is what `npm start` runs. */
export const DEFAULT_REVIEW_PLAN = 'promotion';

/**
 * Loads `scenarios/reviews/<name>.yaml` or a path to a Review file. Stage, drill and gate paths in
 * a Review file are relative to that file (names refer to the shipped scenarios).
 */
export function loadReviewPlan(nameOrPath: string = DEFAULT_REVIEW_PLAN): ReviewPlan {
  const path = resolveScenarioFile('reviews', nameOrPath);
  const plan = parseReviewPlan(readYaml(path), path);
  const near = (ref: string) => (isPath(ref) ? resolve(dirname(path), ref) : ref);
  return deepFreeze({
    ...plan,
    runs: plan.runs.map((r) => ({
      ...r,
      stage: near(r.stage),
      drill: r.drill === null ? null : near(r.drill),
    })),
    verdicts: plan.verdicts.map((v) => ({ ...v, gate: near(v.gate) })),
  });
}

/** For `loadDocument(path, reviewKind)`: lets `callstorm validate` accept Review files. */
export const reviewKind = { Review: parseReviewPlan } as const satisfies Record<
  string,
  (data: unknown, path: string) => unknown
>;
