const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * A template split once into literal parts and references into an array of values: filling it is
 * a join, neither a regex nor a lookup by name. The values of a call sit in an array laid out per
 * flow (persona fields, then the flow's slots), so no per-call object is keyed by slot name.
 */
export interface CompiledTemplate {
  /** Literal text around the references: `parts.length === refs.length + 1`. */
  readonly parts: readonly string[];
  /** Index into the values array of each placeholder, in order. */
  readonly refs: readonly number[];
  /** Names of the placeholders that resolved, each once, in order of first use. */
  readonly names: readonly string[];
}

/**
 * Compiles a template against a layout (placeholder name → index of its value). A name the layout
 * does not know stays in the text as `{name}`.
 */
export function compileTemplate(template: string, layout: ReadonlyMap<string, number>): CompiledTemplate {
  const parts: string[] = [];
  const refs: number[] = [];
  const names: string[] = [];
  let literal = '';
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    const index = layout.get(name);
    literal += template.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    if (index === undefined) {
      literal += m[0];
      continue;
    }
    parts.push(literal);
    refs.push(index);
    if (!names.includes(name)) names.push(name);
    literal = '';
  }
  parts.push(literal + template.slice(last));
  return { parts, refs, names };
}

/** Fills a template with a call's values, laid out as the template was compiled against. */
export function fillTemplate(t: CompiledTemplate, values: readonly string[]): string {
  let out = t.parts[0]!;
  for (let i = 0; i < t.refs.length; i++) out += values[t.refs[i]!]! + t.parts[i + 1]!;
  return out;
}
