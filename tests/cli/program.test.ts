import type { Command } from 'commander';
import { expect, test } from 'vitest';
import { CALLER_AUDIO_MODES } from '../../simulators/callers/caller-audio.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { CALLER_AUDIO_CHOICES, SIMULATORS_CHOICES } from '../../src/cli/run-command.ts';
import { SIMULATORS_MODES } from '../../src/driver/run-simulators.ts';
import { CallstormError } from '../../src/errors/callstorm-error.ts';

/** Every command and subcommand by its full name (`export k6`). */
function commands(program: Command): [string, Command][] {
  const out: [string, Command][] = [];
  const walk = (c: Command, prefix: string) => {
    for (const sub of c.commands) {
      out.push([`${prefix}${sub.name()}`, sub]);
      walk(sub, `${prefix}${sub.name()} `);
    }
  };
  walk(program, '');
  return out;
}

/** The options each command had before its action became lazy (and the review's new ones). */
const OPTIONS: Record<string, string[]> = {
  validate: [],
  generate: [
    '--vertical <name|file>',
    '--stage <name|file>',
    '--window <window>',
    '--seed <n>',
    '--shard <k/n>',
    '--out <file>',
  ],
  inspect: ['--vertical <name|file>', '--stage <name|file>', '--window <window>', '--seed <n>', '--json'],
  run: [
    '--vertical <name|file>',
    '--stage <name|file>',
    '--agent <agent>',
    '--drill <name|file>',
    '--window <window>',
    '--speed <factor>',
    '--seed <n>',
    '--out <dir>',
    '--latency <mode>',
    '--simulators <mode>',
    '--no-progress',
  ],
  report: ['--out <dir>', '--stage-gate <stage|file>', '--prices <name|file>'],
  compare: ['--out <dir>', '--stage-gate <stage|file>', '--prices <name|file>'],
  gate: ['--stage <name>', '--gate <name|file>', '--prices <name|file>', '--json'],
  review: [
    '--vertical <name>',
    '--plan <name|file>',
    '--out <dir>',
    '--seed <n>',
    '--speed <label=factor>',
    '--speed-factor <f>',
  ],
  simulators: [
    '--vertical <name|file>',
    '--stage <name|file>',
    '--window <window>',
    '--seed <n>',
    '--latency <mode>',
    '--asr-word-error-factor <x>',
    '--exit-with-stdin',
  ],
  agent: [
    '--profile <name>',
    '--host <address>',
    '--port <n>',
    '--asr-url <url>',
    '--tts-url <url>',
    '--crm-url <url>',
    '--llm <name=url@region>',
    '--budget-ms <n>',
    '--dlq <file>',
    '--brand <name>',
    '--log',
    '--exit-with-stdin',
  ],
  showcase: ['--vertical <name>', '--out <dir>'],
  export: [],
  'export k6': [
    '--vertical <name|file>',
    '--stage <name|file>',
    '--out <dir>',
    '--window <window>',
    '--seed <n>',
    '--speed <factor>',
    '--drill <name|file>',
    '--parallelism <n>',
    '--agent-url <url>',
  ],
  ingest: [],
  'ingest k6': [
    '--out <dir>',
    '--from <dir>',
    '--vertical <name|file>',
    '--stage <name|file>',
    '--seed <n>',
    '--window <window>',
  ],
};

test('every command keeps its options, and its --help lists each with its description', () => {
  const program = buildProgram();
  const found = commands(program);
  expect(found.map(([name]) => name)).toEqual(expect.arrayContaining(Object.keys(OPTIONS)));
  for (const [name, command] of found) {
    const flags = command.options.map((o) => o.flags);
    expect(flags, name).toEqual(expect.arrayContaining(OPTIONS[name] ?? []));
    const help = command.helpInformation();
    for (const option of command.options) {
      expect(help, `${name} --help`).toContain(option.flags);
      expect(help.replace(/\s+/g, ' '), `${name} --help`).toContain(
        option.description.split(' ').slice(0, 3).join(' '),
      );
    }
  }
});

test('the help text states the bounds of the numbers it takes', () => {
  const help = (name: string) =>
    commands(buildProgram())
      .find(([n]) => n === name)![1]
      .helpInformation()
      .replace(/\s+/g, ' ');
  expect(help('run')).toContain('0.1–10,000');
  expect(help('export k6')).toContain('1–1,000');
  expect(help('agent')).toContain('0–65535');
  expect(help('generate')).toContain('1 ≤ k ≤ n ≤ 100,000');
  expect(help('simulators')).toContain('0–10');
});

test('a bad option value is refused while parsing, before the command loads its action', async () => {
  const parse = (args: string[]) => buildProgram().parseAsync(args, { from: 'user' });
  for (const [args, message] of [
    [
      ['run', '--vertical', 'x', '--stage', 'y', '--speed', '1e-308'],
      'bad value for --speed: "1e-308" is outside 0.1–10,000',
    ],
    [['generate', '--vertical', 'x', '--stage', 'y', '--shard', ''], 'bad value for --shard: "" is not k/n'],
    [['generate', '--vertical', 'x', '--stage', 'y', '--window', 'A/B/C'], '"A/B/C": 3 parts'],
    [['agent', '--port', '70000'], 'bad value for --port: "70000" is outside 0–65,535'],
    [['review', '--speed', 'pilot'], 'bad value for --speed: "pilot" is not <run label>=<speed>'],
    [['review', '--speed-factor', '0'], 'bad value for --speed-factor: "0" is outside 0.001–100'],
    // An empty --out meant the current folder (report) or stdout (generate); an empty --drill, none.
    [['report', 'some-run', '--out', ''], 'bad value for --out: "" is empty'],
    [['generate', '--vertical', 'x', '--stage', 'y', '--out', ' '], 'bad value for --out: " " is empty'],
    [['run', '--vertical', 'x', '--stage', 'y', '--drill', ''], 'bad value for --drill: "" is empty'],
    [
      ['export', 'k6', '--vertical', 'x', '--stage', 'y', '--out', 'o', '--drill', ''],
      '--drill: "" is empty',
    ],
    [['ingest', 'k6', 'f.ndjson', '--out', ''], 'bad value for --out: "" is empty'],
    [['compare', 'a', 'b', '--out', ''], 'bad value for --out: "" is empty'],
  ] as const) {
    const error = await parse([...args]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, args.join(' ')).toBeInstanceOf(CallstormError);
    expect((error as CallstormError).code).toBe('CS_ERR_BAD_ARGUMENT');
    expect((error as CallstormError).message).toContain(message);
  }
});

test("run's --simulators choices are the driver's modes", () => {
  expect([...SIMULATORS_CHOICES].sort()).toEqual([...SIMULATORS_MODES].sort());
  expect([...CALLER_AUDIO_CHOICES].sort()).toEqual([...CALLER_AUDIO_MODES].sort());
});
