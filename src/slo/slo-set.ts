import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { z } from 'zod';
import { CallstormError } from '../errors/callstorm-error.ts';
import { deepFreeze } from '../scenario/deep-freeze.ts';
import { formatIssues } from '../scenario/load-document.ts';
import { resolveScenarioFile } from '../scenario/scenario-files.ts';
import { type Measure, parseMetricQuery, type Selection } from './metric-query.ts';
import {
  durationShorthandMs,
  type OpenSloDocument,
  type SliDocument,
  type SliSpec,
  type SloDocument,
  sliDocumentSchema,
  sloDocumentSchema,
} from './openslo-schema.ts';

/** An SLO objective ready to evaluate: one SloResult each. */
export interface CompiledSlo {
  /** metadata.name, or `name/objective` when the SLO has several objectives. */
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly budgetingMethod: 'Occurrences' | 'Timeslices';
  /** The SLO's timeWindow in ms: the budgeting period the burn-rate windows are scaled to. */
  readonly timeWindowMs: number;
  readonly target: number;
  readonly indicator:
    | {
        readonly kind: 'ratio';
        readonly total: Selection;
        /** Good events, or bad ones (`countsBad`), among the total's events. */
        readonly part: Selection;
        readonly countsBad: boolean;
        readonly text: string;
      }
    | {
        readonly kind: 'threshold';
        readonly measure: Measure;
        readonly op: 'lte' | 'lt' | 'gte' | 'gt';
        readonly value: number;
        readonly text: string;
      };
  /** Timeslices: slice length (ms) and, for a ratio, the share of good events that makes a slice good. */
  readonly timeSlice: { readonly windowMs: number; readonly target: number | null } | null;
  /**
   * The fewest units (events, or slices with data for Timeslices) the SLO is judged on: with fewer,
   * it is met or missed only when the bad units already overspend the budget of that many
   * (`metadata.annotations["callstorm/min-events"]`, default 1).
   */
  readonly minEvents: number;
}

/** The OpenSLO annotation that states an SLO's minimum of events (docs/slos.md). */
export const MIN_EVENTS_ANNOTATION = 'callstorm/min-events';

/** The annotation's value as a whole number ≥ 1, or the issue with it. */
function minEventsOf(doc: SloDocument): { value: number; issue?: string } {
  const raw = doc.metadata.annotations?.[MIN_EVENTS_ANNOTATION];
  if (raw === undefined) return { value: 1 };
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    return {
      value: 1,
      issue: `metadata.annotations["${MIN_EVENTS_ANNOTATION}"]: "${raw}" is not a whole number ≥ 1 (the fewest events the SLO is judged on)`,
    };
  }
  return { value };
}

/** A parsed SLO set file: the OpenSLO documents as written, and the objectives compiled from them. */
export interface SloSet {
  readonly name: string;
  readonly source: string;
  readonly documents: readonly OpenSloDocument[];
  readonly slos: readonly CompiledSlo[];
}

export const DEFAULT_SLO_SETS = ['pilot', 'hardening', 'scale'] as const;

function docRoot(doc: unknown, i: number): string {
  const d = doc as { kind?: unknown; metadata?: { name?: unknown } } | null;
  const kind = typeof d?.kind === 'string' ? d.kind : 'document';
  const name = typeof d?.metadata?.name === 'string' ? ` ${d.metadata.name}` : '';
  return `[${i}] ${kind}${name}`;
}

/** Validates one OpenSLO document (SLO or SLI); throws with every wrong field by path. */
function validateDocument(doc: unknown, i: number): { doc?: OpenSloDocument; issues: string[] } {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  const schema: z.ZodType = kind === 'SLI' ? sliDocumentSchema : sloDocumentSchema;
  if (kind !== 'SLO' && kind !== 'SLI') {
    return {
      issues: [
        `  ${docRoot(doc, i)}.kind: expected "SLO" or "SLI" (an OpenSLO v1 document), found ${JSON.stringify(kind ?? null)}`,
      ],
    };
  }
  const r = schema.safeParse(doc);
  if (!r.success) return { issues: [formatIssues(docRoot(doc, i), r.error.issues)] };
  return { doc: r.data as OpenSloDocument, issues: [] };
}

const OPS: Record<string, string> = { lte: '≤', lt: '<', gte: '≥', gt: '>' };

function compileIndicator(
  spec: SliSpec,
  objective: SloDocument['spec']['objectives'][number],
): CompiledSlo['indicator'] {
  if (spec.ratioMetric) {
    const r = spec.ratioMetric;
    const partText = (r.good ?? r.bad)!.metricSource.spec.query;
    const totalText = r.total.metricSource.spec.query;
    return {
      kind: 'ratio',
      total: parseMetricQuery(totalText) as Selection,
      part: parseMetricQuery(partText) as Selection,
      countsBad: r.good === undefined,
      text: r.good ? `${partText} / ${totalText}` : `(${totalText}) − (${partText}) / ${totalText}`,
    };
  }
  const text = spec.thresholdMetric!.metricSource.spec.query;
  return {
    kind: 'threshold',
    measure: parseMetricQuery(text) as Measure,
    op: objective.op!,
    value: objective.value!,
    text: `${text} ${OPS[objective.op!]} ${objective.value}`,
  };
}

/** Checks references and compiles the objectives; `source` names the file in errors. */
export function buildSloSet(
  data: readonly unknown[],
  source: string,
  name = basename(source).replace(/\.ya?ml$/, ''),
): SloSet {
  const issues: string[] = [];
  const docs: OpenSloDocument[] = [];
  /** Each parsed document's position in the file (zod returns copies, so indexOf cannot find them). */
  const position = new Map<OpenSloDocument, number>();
  data.forEach((d, i) => {
    const r = validateDocument(d, i);
    issues.push(...r.issues);
    if (r.doc) {
      docs.push(r.doc);
      position.set(r.doc, i);
    }
  });
  const slis = new Map(
    docs.filter((d): d is SliDocument => d.kind === 'SLI').map((d) => [d.metadata.name, d] as const),
  );
  const seen = new Set<string>();
  data.forEach((d, i) => {
    const raw = d as {
      kind?: string;
      metadata?: { name?: string };
      spec?: { indicatorRef?: unknown };
    } | null;
    const nm = raw?.metadata?.name;
    if (typeof nm === 'string') {
      const key = `${raw?.kind}:${nm}`;
      if (seen.has(key)) issues.push(`  ${docRoot(d, i)}.metadata.name: "${nm}" is used twice in this file`);
      seen.add(key);
    }
    const ref = raw?.kind === 'SLO' ? raw.spec?.indicatorRef : undefined;
    if (typeof ref === 'string' && !slis.has(ref)) {
      issues.push(
        `  ${docRoot(d, i)}.spec.indicatorRef: no SLI "${ref}" in this file: expected one of ${[...slis.keys()].join(', ') || '(none)'}`,
      );
    }
  });
  const slos: CompiledSlo[] = [];
  for (const doc of docs) {
    if (doc.kind !== 'SLO') continue;
    const s = doc.spec;
    const sli = s.indicator?.spec ?? slis.get(s.indicatorRef ?? '')?.spec;
    if (!sli) continue;
    const i = position.get(doc) ?? data.indexOf(doc);
    // Inline indicators were checked by the schema; a referenced SLI is checked here.
    if (s.indicatorRef !== undefined && s.budgetingMethod === 'Timeslices' && sli.ratioMetric) {
      s.objectives.forEach((o, j) => {
        if (o.timeSliceTarget === undefined)
          issues.push(
            `  ${docRoot(doc, i)}.spec.objectives[${j}].timeSliceTarget: Timeslices over a ratio needs timeSliceTarget: the share of good events that makes a slice good`,
          );
      });
    }
    if (s.indicatorRef !== undefined && sli.thresholdMetric && s.budgetingMethod !== 'Timeslices') {
      issues.push(
        `  ${docRoot(doc, i)}.spec.budgetingMethod: a thresholdMetric SLO needs budgetingMethod: Timeslices`,
      );
    }
    if (s.indicatorRef !== undefined && sli.thresholdMetric) {
      s.objectives.forEach((o, j) => {
        if (o.op === undefined || o.value === undefined)
          issues.push(
            `  ${docRoot(doc, i)}.spec.objectives[${j}]: a thresholdMetric objective needs op (lte, lt, gte, gt) and value`,
          );
      });
    }
    const minEvents = minEventsOf(doc);
    if (minEvents.issue) issues.push(`  ${docRoot(doc, i)}.${minEvents.issue}`);
    if (issues.length > 0) continue;
    s.objectives.forEach((o, j) => {
      const objectiveName =
        s.objectives.length === 1 ? doc.metadata.name : `${doc.metadata.name}/${o.displayName ?? j}`;
      slos.push({
        name: objectiveName,
        displayName:
          s.objectives.length === 1
            ? (doc.metadata.displayName ?? o.displayName ?? doc.metadata.name)
            : (o.displayName ?? `${doc.metadata.displayName ?? doc.metadata.name} ${j + 1}`),
        description: s.description ?? sli.description ?? '',
        budgetingMethod: s.budgetingMethod as 'Occurrences' | 'Timeslices',
        timeWindowMs: durationShorthandMs(s.timeWindow[0]!.duration),
        target: o.target ?? o.targetPercent! / 100,
        indicator: compileIndicator(sli, o),
        timeSlice:
          s.budgetingMethod === 'Timeslices'
            ? { windowMs: durationShorthandMs(o.timeSliceWindow!), target: o.timeSliceTarget ?? null }
            : null,
        minEvents: minEvents.value,
      });
    });
  }
  if (issues.length > 0) {
    throw new CallstormError('CS_ERR_SCENARIO_INVALID', {
      path: source,
      kind: 'SLO set',
      issues: issues.join('\n'),
    });
  }
  return deepFreeze({ name, source, documents: docs, slos });
}

/** Parses the YAML documents of a file (`---` separated); syntax errors carry line and column. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      throw new CallstormError('CS_ERR_YAML_SYNTAX', {
        path: source,
        reason: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${first.message.split('\n')[0]}`,
      });
    }
  }
  return list.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
}

export function parseSloSet(text: string, source: string, name?: string): SloSet {
  return buildSloSet(parseYamlDocuments(text, source), source, name);
}

/** Loads `scenarios/slos/<name>.yaml` (pilot, hardening, scale) or a path to an SLO set file. */
export function loadSloSet(nameOrPath: string): SloSet {
  const path = resolveScenarioFile('slos', nameOrPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CallstormError('CS_ERR_FILE_NOT_FOUND', { path, reason: (error as Error).message });
  }
  return parseSloSet(text, path);
}

/** The set's documents as multi-document YAML; parsing it gives the same documents. */
export function serialiseSloSet(set: Pick<SloSet, 'documents'>): string {
  return set.documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/** For `loadDocument(path, sloKinds)`: lets `callstorm validate` accept single SLO / SLI / set files. */
export const sloKinds = {
  SLO: (data: unknown, path: string) => buildSloSet([data], path),
  SLI: (data: unknown, path: string) => buildSloSet([data], path),
} as const satisfies Record<string, (data: unknown, path: string) => unknown>;

/**
 * True when a file holds OpenSLO documents (`apiVersion: openslo/…`, possibly several separated by
 * `---`): `callstorm validate` should check it with loadSloSet, since loadDocument reads one document.
 */
export function isOpenSloFile(path: string): boolean {
  try {
    return /^apiVersion:\s*openslo\//m.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}
