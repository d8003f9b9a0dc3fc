// The command lines of the CLI fuzz: hostile files through every command that reads them, bad
// option values, special paths as inputs and outputs, corrupted run folders, damaged k6 output
// and export folders, and (a few) runs against misbehaving agents. buildCases writes the files
// under `root` and returns the cases; the same seed gives the same cases.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ROOT } from '../helpers/run-cli.ts';
import { corrupt, corruptionArb } from '../run-folder/corrupt-folder.ts';
import { writeValidRunFolder } from '../run-folder/valid-run-folder.ts';
import { hostileK6Arb, hostileYamlArb, PROTO_NAMES } from './hostile-files.ts';

/** How a scripted agent misbehaves in a fuzz run (fuzz-agents.ts answers each). */
export const AGENT_BEHAVIOURS = [
  'garbage-json',
  'wrong-shape',
  'server-error',
  'endless-body',
  'huge-audio',
  'negative-audio',
  'drip-hang-up',
  'proto-keys',
] as const;
export type AgentBehaviour = (typeof AGENT_BEHAVIOURS)[number];

export interface FuzzCase {
  readonly what: string;
  /** argv after `callstorm`; `{agent}` is replaced by the scripted agent's URL. */
  readonly args: readonly string[];
  readonly agent?: AgentBehaviour;
  /** Needs the read-only and full folders (a private mount namespace). */
  readonly mounts?: boolean;
}

/** Fixed places every case may use. */
export interface FuzzLayout {
  readonly root: string;
  readonly run: string;
  readonly runB: string;
  readonly otherRun: string;
  readonly k6Export: string;
  readonly k6Runner: string;
  /** A read-only folder and a full one: real mounts when the runner gets a mount namespace. */
  readonly readOnly: string;
  readonly full: string;
}

const K6_FIXTURES = join(ROOT, 'tests', 'fixtures', 'k6');

export function layout(root: string): FuzzLayout {
  return {
    root,
    run: join(root, 'run'),
    runB: join(root, 'run-b'),
    otherRun: join(root, 'other-run'),
    k6Export: join(root, 'k6-export'),
    k6Runner: join(root, 'k6-export', 'runner-1.ndjson'),
    readOnly: join(root, 'read-only'),
    full: join(root, 'full'),
  };
}

function prepareLayout(l: FuzzLayout): void {
  writeValidRunFolder(l.run, { calls: 24 });
  writeValidRunFolder(l.runB, { runId: 'run-b', calls: 12 });
  writeValidRunFolder(l.otherRun, { runId: 'other-run', calls: 20 });
  cpSync(K6_FIXTURES, l.k6Export, { recursive: true });
  mkdirSync(l.readOnly, { recursive: true });
  mkdirSync(l.full, { recursive: true });
  writeFileSync(join(l.root, 'a-file'), 'not a folder\n');
  mkdirSync(join(l.root, 'a-folder'), { recursive: true });
  execFileSync('mkfifo', [join(l.root, 'fifo')]);
  symlinkSync('/proc/self', join(l.root, 'to-proc'));
  symlinkSync(join(l.root, 'loop'), join(l.root, 'loop'));
  // One line far past the k6 line cap, gzipped small: the decompress path and its limits.
  writeFileSync(join(l.root, 'zeros.ndjson.gz'), gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x30)));
}

/** Paths a user might pass where a file is read. */
function inputPaths(l: FuzzLayout): string[] {
  return [
    '/dev/zero',
    '/dev/null',
    '/dev/urandom',
    join(l.root, 'fifo'),
    join(l.root, 'a-folder'),
    join(l.root, 'nope.yaml'),
    join(l.root, 'loop'),
    join(l.root, 'to-proc', 'status'),
    '/proc/self/environ',
    `/${'x'.repeat(5000)}.yaml`,
    '',
  ];
}

/** Paths a user might pass to --out: none of these may hang, spin or end in exit 70. */
function outputPaths(l: FuzzLayout): { path: string; mounts?: boolean }[] {
  return [
    { path: join(l.root, 'a-file') },
    { path: join(l.root, 'a-file', 'below') },
    { path: '/dev/null' },
    { path: '/dev/full' },
    { path: '/dev/zero/x' },
    { path: '/proc/self/x' },
    { path: '/proc/self/fd/1' },
    { path: join(l.root, 'to-proc', 'x') },
    { path: '/sys/x' },
    { path: '/sys/kernel/x/y' },
    { path: join(l.root, 'fifo') },
    { path: join(l.root, 'loop', 'x') },
    { path: join(l.root, 'x'.repeat(300)) },
    // Empty: resolve('') is the current folder, which --out must not mean by accident.
    { path: '' },
    { path: join(l.readOnly, 'out'), mounts: true },
    { path: l.readOnly, mounts: true },
    { path: join(l.full, 'out'), mounts: true },
  ];
}

const BAD_OPTION_VALUES = [
  '',
  ' ',
  '-1',
  '0',
  '1e-308',
  '1e308',
  'NaN',
  'Infinity',
  '0x10',
  '1/0',
  '0/1',
  '2/1',
  '1/2/3',
  "''",
  'A/B/C',
  '2026-02-30T00:00/2026-03-01T00:00',
  '2026-03-02T25:00/2026-03-02T26:00',
  '2026-03-02T09:75/2026-03-02T10:00',
  '2026-03-02T09:00:99/2026-03-02T10:00',
  '2026-03-03T10:00/2026-03-02T09:00',
  'reference:__proto__',
  '__proto__:x',
  'toString:1',
  'http://[::1',
  'http://10.0.0.1:80',
  'file:///etc/passwd',
  'ws://example.com',
  '../../etc/passwd',
  '\u0000',
  'x'.repeat(10_000),
  ...PROTO_NAMES,
];

/** A command line with one hostile value where an option or argument goes. */
function optionCases(l: FuzzLayout, values: readonly string[]): FuzzCase[] {
  const out = (i: number) => join(l.root, `opt-out-${i}`);
  // `run` always gets an --out it refuses, so a case whose options all parse still ends before
  // anything starts (a run that started would take minutes).
  const runOut = join(l.root, 'a-file', 'run');
  const templates: ((v: string, i: number) => string[])[] = [
    (v) => ['generate', '--vertical', 'collections', '--stage', 'pilot', '--window', v],
    (v) => [
      'generate',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--window',
      'peak-hour',
      '--seed',
      v,
    ],
    (v) => [
      'generate',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--window',
      'peak-hour',
      '--shard',
      v,
    ],
    (v) => ['generate', '--vertical', v, '--stage', 'pilot', '--window', 'peak-hour'],
    (v) => ['generate', '--vertical', 'collections', '--stage', v, '--window', 'peak-hour'],
    (v) => ['inspect', '--vertical', 'collections', '--stage', 'pilot', '--window', v],
    (v, i) => [
      'export',
      'k6',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--out',
      out(i),
      '--parallelism',
      v,
    ],
    (v, i) => [
      'export',
      'k6',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--out',
      out(i),
      '--speed',
      v,
    ],
    (v, i) => [
      'export',
      'k6',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--out',
      out(i),
      '--drill',
      v,
    ],
    (v) => ['run', '--vertical', 'collections', '--stage', 'pilot', '--out', runOut, '--speed', v],
    (v) => ['run', '--vertical', 'collections', '--stage', 'pilot', '--out', runOut, '--agent', v],
    (v) => ['run', '--vertical', 'collections', '--stage', 'pilot', '--out', runOut, '--window', v],
    (v) => ['run', '--vertical', 'collections', '--stage', 'pilot', '--out', runOut, '--seed', v],
    (v) => ['run', '--vertical', 'collections', '--stage', 'pilot', '--out', runOut, '--drill', v],
    (v) => ['gate', '--stage', v, l.run],
    (v) => ['gate', '--gate', v, l.run],
    (v, i) => ['report', l.run, '--out', out(i), '--stage-gate', v],
    (v, i) => ['report', l.run, '--out', out(i), '--prices', v],
    (v, i) => ['compare', l.run, l.runB, '--out', out(i), '--stage-gate', v],
    (v) => [
      'speak',
      '--vertical',
      'collections',
      '--stage',
      'pilot',
      '--call',
      v,
      '--out',
      join(l.root, 'a-file', 'x.wav'),
    ],
    (v) => ['tools', '--vertical', v],
    (v) => ['validate', v],
  ];
  return values.map((v, i) => {
    const args = templates[i % templates.length]!(v, i);
    return { what: `option value ${JSON.stringify(v).slice(0, 60)}`, args };
  });
}

/** Every command that writes, with each hostile --out. */
function outputCases(l: FuzzLayout): FuzzCase[] {
  const commands: ((out: string) => string[])[] = [
    (o) => ['run', '--vertical', 'collections', '--stage', 'pilot', '--out', o, '--no-progress'],
    (o) => ['generate', '--vertical', 'collections', '--stage', 'pilot', '--window', 'peak-hour', '--out', o],
    (o) => ['export', 'k6', '--vertical', 'collections', '--stage', 'pilot', '--out', o],
    (o) => ['ingest', 'k6', l.k6Runner, '--from', l.k6Export, '--out', o],
    (o) => ['report', l.run, '--out', o],
    (o) => ['compare', l.run, l.runB, '--out', o],
    (o) => ['showcase', '--vertical', 'collections', '--out', o],
    (o) => ['tools', '--out', o],
  ];
  return outputPaths(l).flatMap(({ path, mounts }) =>
    commands.map((c) => ({
      what: `--out ${path.slice(0, 80)}`,
      args: c(path),
      ...(mounts ? { mounts } : {}),
    })),
  );
}

/** Every command that reads a named file, with each special path. */
function inputCases(l: FuzzLayout): FuzzCase[] {
  const commands: ((p: string) => string[])[] = [
    (p) => ['validate', p],
    (p) => ['generate', '--vertical', p, '--stage', 'pilot', '--window', 'peak-hour'],
    (p) => ['gate', '--gate', p, l.run],
    (p) => ['report', l.run, '--prices', p, '--out', join(l.root, 'in-report')],
    (p) => [
      'ingest',
      'k6',
      p,
      '--vertical',
      'collections',
      '--stage',
      'scale',
      '--out',
      join(l.root, 'in-ingest'),
    ],
    (p) => ['report', p],
    (p) => ['ingest', 'k6', l.k6Runner, '--from', p, '--out', join(l.root, 'in-ingest-from')],
  ];
  const gz = join(l.root, 'zeros.ndjson.gz');
  return [
    ...inputPaths(l).flatMap((p) => commands.map((c) => ({ what: `input ${p.slice(0, 60)}`, args: c(p) }))),
    {
      what: 'a gzip that decompresses to one 20 MiB line',
      args: [
        'ingest',
        'k6',
        gz,
        '--vertical',
        'collections',
        '--stage',
        'scale',
        '--out',
        join(l.root, 'in-gz'),
      ],
    },
  ];
}

const YAML_USES: ((f: string, out: string, l: FuzzLayout) => string[])[] = [
  (f) => ['validate', f],
  (f) => ['generate', '--vertical', f, '--stage', 'pilot', '--window', 'peak-hour'],
  (f) => ['generate', '--vertical', 'collections', '--stage', f, '--window', 'peak-hour'],
  (f) => ['inspect', '--vertical', f, '--stage', 'scale', '--window', 'peak-hour'],
  (f, o) => ['export', 'k6', '--vertical', 'collections', '--stage', 'pilot', '--drill', f, '--out', o],
  (f, _o, l) => ['gate', '--gate', f, l.run],
  (f, o, l) => ['report', l.run, '--prices', f, '--out', o],
  (f, o, l) => ['report', l.run, '--stage-gate', f, '--out', o],
];

function yamlCases(l: FuzzLayout, n: number, seed: number): FuzzCase[] {
  const dir = join(l.root, 'yaml');
  mkdirSync(dir, { recursive: true });
  return fc.sample(hostileYamlArb, { numRuns: n, seed }).map((file, i) => {
    const path = join(dir, `f${i}.yaml`);
    writeFileSync(path, file.content);
    const use = YAML_USES[i % YAML_USES.length]!;
    return { what: file.what, args: use(path, join(l.root, `yaml-out-${i}`), l) };
  });
}

function runFolderCases(l: FuzzLayout, n: number, seed: number): FuzzCase[] {
  return fc.sample(corruptionArb, { numRuns: n, seed }).map((c, i) => {
    const dir = join(l.root, `folder-${i}`);
    cpSync(l.run, dir, { recursive: true });
    corrupt(dir, c, l.otherRun);
    const out = join(l.root, `folder-report-${i}`);
    const uses = [
      ['gate', '--stage', 'scale', dir],
      ['report', dir, '--out', out],
      ['compare', dir, l.runB, '--out', out],
    ];
    return { what: `run folder ${JSON.stringify(c).slice(0, 100)}`, args: uses[i % uses.length]! };
  });
}

function k6Cases(l: FuzzLayout, n: number, seed: number): FuzzCase[] {
  const dir = join(l.root, 'k6');
  mkdirSync(dir, { recursive: true });
  return fc.sample(hostileK6Arb, { numRuns: n, seed }).map((file, i) => {
    const path = join(dir, `runner-${i}.ndjson`);
    writeFileSync(path, file.content);
    const out = join(l.root, `k6-out-${i}`);
    const args =
      i % 2 === 0
        ? ['ingest', 'k6', path, '--from', l.k6Export, '--out', out]
        : [
            'ingest',
            'k6',
            path,
            '--vertical',
            'collections',
            '--stage',
            'scale',
            '--seed',
            '7',
            '--out',
            out,
          ];
    return { what: file.what, args };
  });
}

/** Export folders with one part damaged, ingested with the fixture's own runner output. */
function exportFolderCases(l: FuzzLayout, n: number, seed: number): FuzzCase[] {
  const damage = fc.oneof(
    fc.constant({ remove: 'plans' as const }),
    fc.constant({ remove: 'export.json' as const }),
    fc.record({
      exportField: fc.constantFrom(
        'schema',
        'vertical',
        'stage',
        'seed',
        'speed',
        'window',
        'evaluation',
        'drill',
      ),
      value: fc.constantFrom(...PROTO_NAMES, null, -1, 1e308, '', {}, [], 'x'.repeat(300)),
    }),
    fc.record({
      planField: fc.constantFrom(
        'id',
        'turns',
        'arrivalMs',
        'expectedWrites',
        'caller',
        'patienceMs',
        'schema',
        'region',
      ),
      value: fc.constantFrom(...PROTO_NAMES, null, -1, 1e308, '', {}, [], 'x'.repeat(300)),
    }),
    fc.constant({ plansFile: 'not-json' as const }),
    fc.constant({ plansFile: 'object' as const }),
    fc.constant({ plansFile: 'duplicate' as const }),
  );
  return fc.sample(damage, { numRuns: n, seed }).map((d, i) => {
    const dir = join(l.root, `export-${i}`);
    cpSync(l.k6Export, dir, { recursive: true });
    const shard = join(dir, 'plans', 'shard-1-of-1.json');
    if ('remove' in d) rmSync(join(dir, d.remove), { recursive: true, force: true });
    else if ('exportField' in d) {
      const m = JSON.parse(readText(join(dir, 'export.json'))) as Record<string, unknown>;
      m[d.exportField] = d.value;
      writeFileSync(join(dir, 'export.json'), JSON.stringify(m));
    } else if ('planField' in d) {
      const plans = JSON.parse(readText(shard)) as Record<string, unknown>[];
      plans[0]![d.planField] = d.value;
      writeFileSync(shard, JSON.stringify(plans));
    } else if (d.plansFile === 'not-json') writeFileSync(shard, '[{"schema":');
    else if (d.plansFile === 'object') writeFileSync(shard, '{"__proto__":{"x":1}}');
    else {
      const plans = JSON.parse(readText(shard)) as unknown[];
      writeFileSync(shard, JSON.stringify([...plans, plans[0]]));
    }
    return {
      what: `export folder ${JSON.stringify(d).slice(0, 100)}`,
      args: [
        'ingest',
        'k6',
        join(dir, 'runner-1.ndjson'),
        '--from',
        dir,
        '--out',
        join(l.root, `export-out-${i}`),
      ],
    };
  });
}

const readText = (path: string) => readFileSync(path, 'utf8');

/**
 * Runs against a misbehaving agent: a short window, in-process simulators, zero latency, and no
 * wrong-wiring check (these agents use no simulator; the check would stop each run after three
 * calls with CS_ERR_AGENT_NOT_WIRED, before the misbehaviour had played out).
 */
function agentCases(l: FuzzLayout, behaviours: readonly AgentBehaviour[]): FuzzCase[] {
  return behaviours.map((b, i) => ({
    what: `run against an agent that answers ${b}`,
    agent: b,
    args: [
      'run',
      '--vertical',
      'appointments',
      '--stage',
      'hardening',
      '--window',
      '2026-03-02T09:00/2026-03-02T09:20',
      '--speed',
      '900',
      '--seed',
      String(3 + i),
      '--latency',
      'zero',
      '--simulators',
      'in-process',
      '--no-progress',
      '--no-wiring-check',
      '--agent',
      '{agent}',
      '--out',
      join(l.root, `agent-run-${i}`),
    ],
  }));
}

export interface CaseMix {
  readonly yaml: number;
  readonly options: number;
  readonly runFolders: number;
  readonly k6: number;
  readonly exports: number;
  readonly agents: number;
}

/** Writes the layout and every case's files under `root`; the fixed cases come first. */
export function buildCases(
  root: string,
  mix: CaseMix,
  seed: number,
): { layout: FuzzLayout; cases: FuzzCase[] } {
  const l = layout(root);
  prepareLayout(l);
  const optionValues = [
    ...BAD_OPTION_VALUES,
    ...fc.sample(fc.string({ unit: 'grapheme', maxLength: 30 }), {
      numRuns: Math.max(0, mix.options - BAD_OPTION_VALUES.length),
      seed,
    }),
  ].slice(0, mix.options);
  const agents = Array.from({ length: mix.agents }, (_, i) => AGENT_BEHAVIOURS[i % AGENT_BEHAVIOURS.length]!);
  return {
    layout: l,
    cases: [
      ...outputCases(l),
      ...inputCases(l),
      ...optionCases(l, optionValues),
      ...yamlCases(l, mix.yaml, seed),
      ...runFolderCases(l, mix.runFolders, seed + 1),
      ...k6Cases(l, mix.k6, seed + 2),
      ...exportFolderCases(l, mix.exports, seed + 3),
      ...agentCases(l, agents),
    ],
  };
}
