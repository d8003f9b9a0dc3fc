import type { CallReasons, ReasonCount } from '../slo/run-evaluation.ts';
import { count } from './format-values.ts';
import { escapeHtml } from './html-parts.ts';

/** Rows shown per kind of reason; the rest are counted in one line. */
export const MAX_REASON_ROWS = 10;

const KINDS = [
  ['failure', 'Why calls failed'],
  ['abandonment', 'Why callers hung up'],
  ['escalation', 'Why calls were escalated'],
] as const satisfies readonly (readonly [keyof CallReasons, string])[];

function rest(list: readonly ReasonCount[]): string | null {
  if (list.length <= MAX_REASON_ROWS) return null;
  const more = list.slice(MAX_REASON_ROWS);
  return `and ${more.length} more reasons (${count(more.reduce((n, r) => n + r.calls, 0))} calls): see calls.jsonl`;
}

/**
 * The reasons as HTML: a table per kind with calls and an example call id, under an `h<level>`
 * (2: the run report's own section); nothing when all are empty.
 */
export function reasonsSection(reasons: CallReasons | undefined, level = 2): string {
  if (reasons === undefined) return '';
  const tables = KINDS.filter(([k]) => reasons[k].length > 0).map(([k, title]) => {
    const rows = reasons[k]
      .slice(0, MAX_REASON_ROWS)
      .map(
        (r) =>
          `<tr><td>${escapeHtml(r.reason)}</td><td class="num">${count(r.calls)}</td><td><code>${escapeHtml(r.exampleCallId)}</code></td></tr>`,
      )
      .join('\n');
    const more = rest(reasons[k]);
    return `<h${level + 1}>${title}</h${level + 1}>
<table class="reasons" data-kind="${k}"><thead><tr><th>reason</th><th>calls</th><th>example call</th></tr></thead><tbody>
${rows}
</tbody></table>${more === null ? '' : `\n<p class="na">${escapeHtml(more)}</p>`}`;
  });
  if (tables.length === 0) return '';
  const body = `<h${level}>Why calls went wrong</h${level}>\n${tables.join('\n')}`;
  return level === 2 ? `<section id="reasons">${body}\n</section>` : `<div class="reasons">${body}</div>`;
}

/**
 * The same as Markdown, its heading at `level` (2: `##`) and each kind one level below; every
 * text from the run goes through `toMarkdown` (summary.md's escape).
 */
export function reasonsMarkdown(
  reasons: CallReasons | undefined,
  toMarkdown: (text: string) => string,
  level = 2,
): string {
  if (reasons === undefined) return '';
  const parts = KINDS.filter(([k]) => reasons[k].length > 0).flatMap(([k, title]) => {
    const more = rest(reasons[k]);
    return [
      `${'#'.repeat(level + 1)} ${title}`,
      '',
      '| reason | calls | example call |',
      '|---|---:|---|',
      ...reasons[k]
        .slice(0, MAX_REASON_ROWS)
        .map((r) => `| ${toMarkdown(r.reason)} | ${count(r.calls)} | ${toMarkdown(r.exampleCallId)} |`),
      '',
      ...(more === null ? [] : [toMarkdown(more), '']),
    ];
  });
  return parts.length === 0 ? '' : [`${'#'.repeat(level)} Why calls went wrong`, '', ...parts].join('\n');
}
