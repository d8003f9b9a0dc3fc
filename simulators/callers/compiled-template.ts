const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A template split once into literal parts and placeholder names: filling it is a join, not a regex. */
export interface CompiledTemplate {
  readonly parts: readonly string[];
  readonly names: readonly string[];
}

export function compileTemplate(template: string): CompiledTemplate {
  const parts: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index));
    names.push(m[1] as string);
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(template.slice(last));
  return { parts, names };
}

/** Fills a template; a name without a value stays as `{name}`. */
export function fillTemplate(t: CompiledTemplate, values: Readonly<Record<string, string>>): string {
  let out = t.parts[0]!;
  for (let i = 0; i < t.names.length; i++) {
    const name = t.names[i]!;
    out += (values[name] ?? `{${name}}`) + t.parts[i + 1]!;
  }
  return out;
}
