// What a hostile user feeds callstorm: YAML that attacks the parser or the lookups behind it,
// binary files, shipped scenario files with one value or key swapped for a hostile one, k6 output
// with damaged lines. Every generator is a fast-check arbitrary, so a seed gives the same files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isScalar, parseAllDocuments, visit } from 'yaml';
import { BUILTIN_SCENARIOS_DIR } from '../../src/scenario/scenario-files.ts';

/** Names that reach Object.prototype when a lookup forgets Object.hasOwn. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

/** Values a schema must refuse or bound. */
export const HOSTILE_SCALARS: readonly unknown[] = [
  ...PROTO_NAMES,
  '',
  ' ',
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  '1e308',
  'NaN',
  '.nan',
  '.inf',
  '-.inf',
  null,
  true,
  '\u0000',
  '\u202e',
  '../../../../etc/passwd',
  '/dev/zero',
  '{name}',
  '{constructor}',
  '<script>alert(1)</script>',
  '**bold** [x](javascript:alert(1)) | a | b |',
  'x'.repeat(100_000),
  [],
  {},
  [[[[[]]]]],
];

const SHIPPED = [
  'verticals/collections.yaml',
  'verticals/appointments.yaml',
  'stages/pilot.yaml',
  'stages/scale.yaml',
  'populations/uk-ie.yaml',
  'drills/combined.yaml',
  'drills/llm-regional-outage.yaml',
  'slos/scale.yaml',
  'gates/scale.yaml',
  'prices/uk-2026.yaml',
  'reviews/promotion.yaml',
] as const;
export type ShippedFile = (typeof SHIPPED)[number];

const shippedText = new Map<string, string>(
  SHIPPED.map((f) => [f, readFileSync(join(BUILTIN_SCENARIOS_DIR, f), 'utf8')]),
);

/**
 * A shipped file with its n-th scalar (a key or a value) replaced by `value` (n wraps around),
 * counted across all its documents (an SLO set has several, separated by `---`).
 */
export function mutateShipped(file: ShippedFile, n: number, value: unknown): string {
  const docs = parseAllDocuments(shippedText.get(file)!, { uniqueKeys: false });
  if (!Array.isArray(docs) || docs.length === 0) return shippedText.get(file)!;
  let count = 0;
  for (const doc of docs) visit(doc, { Scalar: () => void count++ });
  const target = n % Math.max(1, count);
  let i = 0;
  for (const doc of docs) {
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && i++ === target) {
          pair.key.value = typeof value === 'string' ? value : JSON.stringify(value);
          return visit.BREAK;
        }
        if (isScalar(pair.value) && i++ === target) {
          pair.value = doc.createNode(value);
          return visit.BREAK;
        }
        return undefined;
      },
      Seq(_, seq) {
        for (const [k, item] of seq.items.entries()) {
          if (isScalar(item) && i++ === target) {
            seq.items[k] = doc.createNode(value);
            return visit.BREAK;
          }
        }
        return undefined;
      },
    });
  }
  try {
    return docs
      .map((d, k) => {
        const text = d.toString({ lineWidth: 0 });
        return k === 0 || text.startsWith('---') ? text : `---\n${text}`;
      })
      .join('');
  } catch {
    return shippedText.get(file)!;
  }
}

function billionLaughs(levels: number, width: number): string {
  const lines = ['a0: &a0 [lol]'];
  for (let l = 1; l <= levels; l++) {
    lines.push(`a${l}: &a${l} [${Array.from({ length: width }, () => `*a${l - 1}`).join(', ')}]`);
  }
  return `kind: Vertical\n${lines.join('\n')}\n`;
}

/** One hostile YAML (or not-YAML) file: text, or bytes for binary. */
export const hostileYamlArb: fc.Arbitrary<{ readonly what: string; readonly content: string | Uint8Array }> =
  fc.oneof(
    {
      arbitrary: fc
        .record({
          file: fc.constantFrom(...SHIPPED),
          n: fc.nat(2000),
          value: fc.oneof(fc.constantFrom(...HOSTILE_SCALARS), fc.jsonValue({ maxDepth: 2 })),
        })
        .map(({ file, n, value }) => ({
          what: `${file} with scalar ${n} set to ${JSON.stringify(value)?.slice(0, 40)}`,
          content: mutateShipped(file, n, value),
        })),
      weight: 6,
    },
    {
      arbitrary: fc
        .record({ file: fc.constantFrom(...SHIPPED), at: fc.double({ min: 0, max: 1, noNaN: true }) })
        .map(({ file, at }) => {
          const text = shippedText.get(file)!;
          return {
            what: `${file} cut at ${at.toFixed(3)}`,
            content: text.slice(0, Math.floor(text.length * at)),
          };
        }),
      weight: 2,
    },
    {
      arbitrary: fc
        .record({
          kind: fc.constantFrom(
            ...PROTO_NAMES,
            'Vertical',
            'Stage',
            'Population',
            'Drill',
            'Gate',
            'PriceList',
            'Review',
            'SLO',
          ),
          body: fc.dictionary(
            fc.oneof(
              fc.constantFrom(...PROTO_NAMES, 'name', 'flows', 'method', 'spec'),
              fc.string({ maxLength: 8 }),
            ),
            fc.oneof(fc.constantFrom(...HOSTILE_SCALARS.slice(0, 20)), fc.jsonValue({ maxDepth: 3 })),
            { maxKeys: 6 },
          ),
        })
        .map(({ kind, body }) => ({
          what: `kind: ${kind} with ${Object.keys(body).length} made-up fields`,
          content: `kind: ${kind}\n${Object.entries(body)
            .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
            .join('\n')}\n`,
        })),
      weight: 3,
    },
    {
      arbitrary: fc
        .record({ levels: fc.integer({ min: 3, max: 12 }), width: fc.integer({ min: 2, max: 10 }) })
        .map(({ levels, width }) => ({
          what: `billion laughs ${width}^${levels}`,
          content: billionLaughs(levels, width),
        })),
      weight: 1,
    },
    {
      arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => ({
        what: `nested ${depth} deep`,
        content: `kind: Vertical\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
      })),
      weight: 1,
    },
    {
      arbitrary: fc.integer({ min: 2, max: 60_000 }).map((n) => ({
        what: `${n} keys, the last one a duplicate`,
        content: `kind: Vertical\n${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n')}\nk0: again\n`,
      })),
      weight: 1,
    },
    {
      arbitrary: fc.uint8Array({ minLength: 0, maxLength: 4096 }).map((bytes) => ({
        what: `${bytes.length} random bytes`,
        content: bytes,
      })),
      weight: 2,
    },
    {
      arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => ({
        what: `${s.length} random characters`,
        content: s,
      })),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(3 * 1024 * 1024, 5 * 1024 * 1024).map((n) => ({
        what: `one line of ${n} bytes`,
        content: `kind: Vertical\nname: ${'x'.repeat(n)}\n`,
      })),
      weight: 1,
    },
  );

const K6_DIR = join(import.meta.dirname, '..', 'fixtures', 'k6');
const k6Lines = readFileSync(join(K6_DIR, 'runner-1.ndjson'), 'utf8').split('\n').filter(Boolean);

/** A k6 NDJSON output with some lines damaged (or a whole file of something else). */
export const hostileK6Arb: fc.Arbitrary<{ readonly what: string; readonly content: string | Uint8Array }> =
  fc.oneof(
    {
      arbitrary: fc
        .array(
          fc.record({
            line: fc.nat(k6Lines.length - 1),
            how: fc.oneof(
              fc.record({
                set: fc.constantFrom(
                  'metric',
                  'type',
                  'data',
                  'value',
                  'tags',
                  'call',
                  'turn',
                  'agent',
                  'status',
                  'ended_ms',
                  'by',
                  'kind',
                  'v2v_ms',
                ),
                value: fc.oneof(
                  fc.constantFrom(...HOSTILE_SCALARS.slice(0, 26)),
                  fc.jsonValue({ maxDepth: 2 }),
                ),
              }),
              fc.constant({ drop: true as const }),
              fc.constant({ duplicate: true as const }),
              fc.nat(400).map((cut) => ({ cut })),
            ),
          }),
          { minLength: 1, maxLength: 4 },
        )
        .map((edits) => {
          const lines = [...k6Lines];
          for (const e of edits) {
            const at = e.line % lines.length;
            const how = e.how;
            if ('drop' in how) lines.splice(at, 1);
            else if ('duplicate' in how) lines.splice(at, 0, lines[at]!);
            else if ('cut' in how) lines[at] = lines[at]!.slice(0, how.cut);
            else {
              const o = JSON.parse(lines[at]!) as {
                type?: unknown;
                metric?: unknown;
                data?: Record<string, unknown>;
              };
              o.data ??= {};
              const data = o.data;
              if (typeof data.tags !== 'object' || data.tags === null) data.tags = {};
              const tags = data.tags as Record<string, unknown>;
              if (how.set === 'metric' || how.set === 'type') o[how.set] = how.value;
              else if (how.set === 'data') o.data = how.value as Record<string, unknown>;
              else if (how.set === 'value' || how.set === 'tags') data[how.set] = how.value;
              else tags[how.set] = how.value;
              lines[at] = JSON.stringify(o);
            }
            if (lines.length === 0) lines.push('');
          }
          return {
            what: `k6 output, ${JSON.stringify(edits).slice(0, 120)}`,
            content: `${lines.join('\n')}\n`,
          };
        }),
      weight: 6,
    },
    {
      arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => ({
        what: `k6 output of ${b.length} random bytes`,
        content: b,
      })),
      weight: 1,
    },
    {
      arbitrary: fc.uint8Array({ minLength: 2, maxLength: 512 }).map((b) => ({
        what: 'gzip magic then garbage',
        content: Uint8Array.from([0x1f, 0x8b, ...b]),
      })),
      weight: 1,
    },
  );
