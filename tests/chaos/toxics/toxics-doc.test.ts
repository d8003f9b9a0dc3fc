import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { faultRegistry, faultTypeNames } from '../../../simulators/dependencies/faults/fault-registry.ts';
import { TOXIC_NAMES, toxicRegistry } from '../../../src/chaos/toxics/toxic-registry.ts';

const doc = readFileSync(new URL('../../../docs/faults.md', import.meta.url), 'utf8');
const [semantic = '', network = ''] = doc.split('## Network faults (Toxiproxy)');

/** The text of a `## name` / `### name` section, up to the next heading of that level or above. */
function section(text: string, level: '##' | '###', name: string): string {
  const start = text.indexOf(`\n${level} ${name}\n`);
  expect(start, `docs/faults.md has no "${level} ${name}" section`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const next = rest.slice(level.length + 1).search(level === '##' ? /\n## / : /\n##+ /);
  return next < 0 ? rest : rest.slice(0, next + level.length + 1);
}

/** attribute → [type, default, meaning, scales] from the section's attribute table. */
function rows(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const m = /^\| `([A-Za-z_]+)` \|(.*)\|$/.exec(line);
    if (m) out[m[1]!] = m[2]!.split(/(?<!\\)\|/).map((c) => c.trim());
  }
  return out;
}

function checkTable(where: string, text: string, schema: z.ZodType, scaled: readonly string[]) {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { default?: unknown }>;
    required?: string[];
  };
  const props = json.properties ?? {};
  const table = rows(text);
  expect(Object.keys(table).sort(), `${where}: documented attributes`).toEqual(Object.keys(props).sort());
  for (const [name, prop] of Object.entries(props)) {
    const [, dflt, , scales] = table[name]!;
    expect(scales, `${where}.${name}: the "scales with --speed" column`).toBeDefined();
    if (json.required?.includes(name)) expect(dflt, `${where}.${name}: default`).toBe('required');
    else if (prop.default !== undefined)
      expect(dflt, `${where}.${name}: default`).toBe(`\`${prop.default}\``);
    else expect(dflt, `${where}.${name}: default`).not.toBe('required');
    expect(scales!.startsWith('yes'), `${where}.${name}: scales with --speed`).toBe(scaled.includes(name));
  }
}

test('docs/faults.md documents every toxic: attributes, types, defaults, and whether each scales with --speed', () => {
  for (const name of TOXIC_NAMES) {
    const toxic = toxicRegistry[name];
    const text = section(network, '###', name);
    expect(text, `${name}: what stands in without Toxiproxy`).toContain('Without Toxiproxy');
    checkTable(`toxic ${name}`, text, toxic.attributes, Object.keys(toxic.scalesWithSpeed));
  }
});

test('docs/faults.md documents every fault type the same way', () => {
  for (const name of faultTypeNames) {
    const type = faultRegistry[name];
    checkTable(
      `fault ${name}`,
      section(semantic, '##', name),
      type.params,
      Object.keys(type.scalesWithSpeed ?? {}),
    );
  }
});

test('docs/drills.md lists every toxic a drill can name', () => {
  const drills = readFileSync(new URL('../../../docs/drills.md', import.meta.url), 'utf8');
  const line = drills.split('\n').find((l) => l.startsWith('| `toxic` |'))!;
  expect(
    line
      .match(/`([a-z_]+)`/g)!
      .slice(1)
      .map((t) => t.slice(1, -1)),
  ).toEqual(TOXIC_NAMES);
});
