import { FIELDS, type FieldSpec, type FieldValue, SOURCES, type Source } from './metric-events.ts';

/**
 * The query language of the `callstorm` metric source (docs/slos.md):
 *
 *   selection := SOURCE [ "where" condition { "and" condition } ]
 *   condition := [ "not" ] FIELD                       (a boolean field is true / false)
 *              | FIELD ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) LITERAL
 *              | FIELD [ "not" ] "in" LITERAL { "," LITERAL }
 *   measure   := AGGREGATE "of" SOURCE "." FIELD [ "where" … ]    AGGREGATE: p0…p100, mean, min, max, sum
 *              | "cost per resolved call" [ "vs human baseline" ]
 *   LITERAL   := number | word | "quoted string" | true | false | null
 *
 * Selections count events (ratio SLIs); measures give one number over a set of events (threshold SLIs).
 */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Condition =
  | { readonly kind: 'flag'; readonly field: string; readonly negated: boolean }
  | { readonly kind: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: FieldValue }
  | {
      readonly kind: 'in';
      readonly field: string;
      readonly negated: boolean;
      readonly values: readonly FieldValue[];
    };

export interface Selection {
  readonly kind: 'select';
  readonly source: Source;
  readonly where: readonly Condition[];
}

export type Aggregate =
  | { readonly kind: 'percentile'; readonly p: number }
  | { readonly kind: 'mean' | 'min' | 'max' | 'sum' };

export type Measure =
  | {
      readonly kind: 'aggregate';
      readonly aggregate: Aggregate;
      readonly source: Source;
      readonly field: string;
      readonly where: readonly Condition[];
    }
  | { readonly kind: 'cost-per-resolved'; readonly vsBaseline: boolean };

export type MetricQuery = Selection | Measure;

/** A query that does not parse or names something that does not exist; `column` is 1-based. */
export class MetricQueryError extends Error {
  constructor(
    readonly reason: string,
    readonly column: number,
  ) {
    super(`at column ${column}: ${reason}`);
    this.name = 'MetricQueryError';
  }
}

type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'op'; v: string; at: number };

const WORD = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const OPS = ['<=', '>=', '!=', '=', '<', '>', ','];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const at = i + 1;
    const num = NUMBER.exec(rest);
    if (num) {
      out.push({ t: 'number', v: Number(num[0]), at });
      i += num[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      out.push({ t: 'word', v: word[0], at });
      i += word[0].length;
      continue;
    }
    if (rest[0] === '"') {
      const str = /^"(?:[^"\\]|\\.)*"/.exec(rest);
      if (!str) throw new MetricQueryError('unterminated string: close it with "', at);
      out.push({ t: 'string', v: JSON.parse(str[0]) as string, at });
      i += str[0].length;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      out.push({ t: 'op', v: op, at });
      i += op.length;
      continue;
    }
    throw new MetricQueryError(`unexpected character "${rest[0]}"`, at);
  }
  return out;
}

const KEYWORDS = new Set(['where', 'and', 'not', 'in', 'of', 'true', 'false', 'null']);

class Parser {
  #i = 0;
  constructor(
    readonly tokens: Token[],
    readonly end: number,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.#i];
  }
  next(): Token | undefined {
    return this.tokens[this.#i++];
  }
  at(): number {
    return this.peek()?.at ?? this.end;
  }
  isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v === v;
  }
  expectWord(v: string): void {
    const t = this.next();
    if (t?.t !== 'word' || t.v !== v)
      throw new MetricQueryError(`expected "${v}"${describe(t)}`, t?.at ?? this.end);
  }
  done(): boolean {
    return this.#i >= this.tokens.length;
  }
}

function describe(t: Token | undefined): string {
  if (!t) return ' but the query ends';
  return ` but found ${t.t === 'string' ? JSON.stringify(t.v) : String(t.v)}`;
}

function parseSource(word: string, at: number): Source {
  if ((SOURCES as readonly string[]).includes(word)) return word as Source;
  throw new MetricQueryError(`unknown source "${word}": expected one of ${SOURCES.join(', ')}`, at);
}

function fieldSpec(source: Source, field: string, at: number): FieldSpec {
  const spec = Object.hasOwn(FIELDS[source], field) ? FIELDS[source][field] : undefined;
  if (!spec) {
    throw new MetricQueryError(
      `${source} have no field "${field}": expected one of ${Object.keys(FIELDS[source]).join(', ')}`,
      at,
    );
  }
  return spec;
}

function literal(p: Parser): { value: FieldValue; at: number } {
  const t = p.next();
  if (!t) throw new MetricQueryError('expected a value but the query ends', p.end);
  if (t.t === 'number' || t.t === 'string') return { value: t.v, at: t.at };
  if (t.t === 'word') {
    if (t.v === 'true') return { value: true, at: t.at };
    if (t.v === 'false') return { value: false, at: t.at };
    if (t.v === 'null') return { value: null, at: t.at };
    if (!KEYWORDS.has(t.v)) return { value: t.v, at: t.at };
  }
  throw new MetricQueryError(`expected a value${describe(t)}`, t.at);
}

function checkValue(source: Source, field: string, spec: FieldSpec, value: FieldValue, at: number): void {
  if (value === null) {
    if (!spec.nullable) throw new MetricQueryError(`${field} is never null`, at);
    return;
  }
  if (typeof value !== spec.type) {
    throw new MetricQueryError(`${field} is a ${spec.type}: compare it with a ${spec.type}`, at);
  }
  if (spec.values && !spec.values.includes(value as string)) {
    throw new MetricQueryError(
      `${source}.${field} is never "${String(value)}": expected one of ${spec.values.join(', ')}`,
      at,
    );
  }
}

function condition(p: Parser, source: Source): Condition {
  let negated = false;
  if (p.isWord('not')) {
    p.next();
    negated = true;
  }
  const ft = p.next();
  if (ft?.t !== 'word' || KEYWORDS.has(ft.v))
    throw new MetricQueryError(`expected a field${describe(ft)}`, ft?.at ?? p.end);
  const field = ft.v;
  const spec = fieldSpec(source, field, ft.at);
  const after = p.peek();
  const ends = !after || (after.t === 'word' && after.v === 'and');
  if (negated || ends) {
    if (spec.type !== 'boolean') {
      throw new MetricQueryError(
        `${field} is a ${spec.type}: compare it (e.g. ${field} ${spec.type === 'number' ? '<= 3500' : '= value'})`,
        ft.at,
      );
    }
    if (negated && !ends)
      throw new MetricQueryError(`expected "and" or the end${describe(after)}`, after!.at);
    return { kind: 'flag', field, negated };
  }
  let inNegated = false;
  if (p.isWord('not')) {
    p.next();
    inNegated = true;
    if (!p.isWord('in')) throw new MetricQueryError(`expected "in" after "not"${describe(p.peek())}`, p.at());
  }
  if (p.isWord('in')) {
    p.next();
    if (spec.type !== 'string')
      throw new MetricQueryError(`"in" takes a string field; ${field} is a ${spec.type}`, ft.at);
    const values: FieldValue[] = [];
    for (;;) {
      const { value, at } = literal(p);
      checkValue(source, field, spec, value, at);
      values.push(value);
      const comma = p.peek();
      if (comma?.t === 'op' && comma.v === ',') {
        p.next();
        continue;
      }
      break;
    }
    return { kind: 'in', field, negated: inNegated, values };
  }
  const opt = p.next();
  if (opt?.t !== 'op' || opt.v === ',') {
    throw new MetricQueryError(
      `expected =, !=, <, <=, >, >= or in after ${field}${describe(opt)}`,
      opt?.at ?? p.end,
    );
  }
  const op = opt.v as CompareOp;
  const { value, at } = literal(p);
  checkValue(source, field, spec, value, at);
  if ((op === '<' || op === '<=' || op === '>' || op === '>=') && spec.type !== 'number') {
    throw new MetricQueryError(`${op} compares numbers; ${field} is a ${spec.type}`, opt.at);
  }
  if (value === null && op !== '=' && op !== '!=')
    throw new MetricQueryError(`null only goes with = or !=`, at);
  return { kind: 'compare', field, op, value };
}

function whereClause(p: Parser, source: Source): Condition[] {
  if (p.done()) return [];
  p.expectWord('where');
  const out = [condition(p, source)];
  while (!p.done()) {
    p.expectWord('and');
    out.push(condition(p, source));
  }
  return out;
}

/** Parses and checks a query against the sources and fields; throws MetricQueryError. */
export function parseMetricQuery(text: string): MetricQuery {
  const p = new Parser(tokenize(text), text.length + 1);
  const first = p.next();
  if (first?.t !== 'word')
    throw new MetricQueryError(
      `expected a source (${SOURCES.join(', ')}) or a measure${describe(first)}`,
      first?.at ?? 1,
    );
  if (first.v === 'cost') {
    for (const w of ['per', 'resolved', 'call']) p.expectWord(w);
    let vsBaseline = false;
    if (p.isWord('vs')) {
      p.next();
      p.expectWord('human');
      p.expectWord('baseline');
      vsBaseline = true;
    }
    if (!p.done()) throw new MetricQueryError(`expected the end${describe(p.peek())}`, p.at());
    return { kind: 'cost-per-resolved', vsBaseline };
  }
  const agg = aggregateOf(first.v);
  if (agg) {
    p.expectWord('of');
    const ref = p.next();
    // SOURCE.FIELD, where a field may itself be dotted (`calls.wire.dead_air_ms`).
    const parts = ref?.t === 'word' ? ref.v.split('.') : [];
    if (ref?.t !== 'word' || parts.length < 2) {
      throw new MetricQueryError(
        `expected SOURCE.FIELD (e.g. turns.voiceToVoiceMs)${describe(ref)}`,
        ref?.at ?? p.end,
      );
    }
    const source = parseSource(parts[0]!, ref.at);
    const field = parts.slice(1).join('.');
    const spec = fieldSpec(source, field, ref.at + source.length + 1);
    if (spec.type !== 'number' || spec.many)
      throw new MetricQueryError(`${first.v} needs a number field; ${field} is a ${spec.type}`, ref.at);
    return { kind: 'aggregate', aggregate: agg, source, field, where: whereClause(p, source) };
  }
  const source = parseSource(first.v, first.at);
  return { kind: 'select', source, where: whereClause(p, source) };
}

function aggregateOf(word: string): Aggregate | null {
  if (word === 'mean' || word === 'min' || word === 'max' || word === 'sum') return { kind: word };
  const m = /^p(\d+(?:_\d+)?)$/.exec(word);
  if (!m) return null;
  const p = Number(m[1]!.replace('_', '.'));
  return p >= 0 && p <= 100 ? { kind: 'percentile', p } : null;
}

/** Like parseMetricQuery, without throwing. */
export function tryParseMetricQuery(
  text: string,
): { ok: true; query: MetricQuery } | { ok: false; error: MetricQueryError } {
  try {
    return { ok: true, query: parseMetricQuery(text) };
  } catch (error) {
    if (error instanceof MetricQueryError) return { ok: false, error };
    throw error;
  }
}

function formatLiteral(v: FieldValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const whole = WORD.exec(v);
  return whole && whole[0] === v && !KEYWORDS.has(v) && !v.includes('.') ? v : JSON.stringify(v);
}

function formatCondition(c: Condition): string {
  switch (c.kind) {
    case 'flag':
      return `${c.negated ? 'not ' : ''}${c.field}`;
    case 'compare':
      return `${c.field} ${c.op} ${formatLiteral(c.value)}`;
    case 'in':
      return `${c.field} ${c.negated ? 'not in' : 'in'} ${c.values.map(formatLiteral).join(', ')}`;
  }
}

function formatWhere(where: readonly Condition[]): string {
  return where.length === 0 ? '' : ` where ${where.map(formatCondition).join(' and ')}`;
}

/** The canonical text of a query: `parseMetricQuery(formatMetricQuery(q))` equals `q`. */
export function formatMetricQuery(q: MetricQuery): string {
  switch (q.kind) {
    case 'select':
      return `${q.source}${formatWhere(q.where)}`;
    case 'cost-per-resolved':
      return `cost per resolved call${q.vsBaseline ? ' vs human baseline' : ''}`;
    case 'aggregate': {
      const a =
        q.aggregate.kind === 'percentile' ? `p${String(q.aggregate.p).replace('.', '_')}` : q.aggregate.kind;
      return `${a} of ${q.source}.${q.field}${formatWhere(q.where)}`;
    }
  }
}
