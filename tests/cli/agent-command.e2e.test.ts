import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { afterEach, expect, test, vi } from 'vitest';
import { registerAgent } from '../../src/cli/agent-command.ts';
import { plansOf, simulatorsFor } from '../agent/agent-harness.ts';
import { BIN } from '../helpers/run-cli.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function program(): Command {
  const p = new Command('callstorm').exitOverride();
  registerAgent(p);
  return p;
}

test('callstorm agent with bad flags exits 2 naming each bad option, no stack', async () => {
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await program().parseAsync(['agent', '--profile', 'staging', '--asr-url', 'nope'], { from: 'user' });
  expect(process.exitCode).toBe(2);
  const text = stderr.mock.calls.map((c) => String(c[0])).join('');
  expect(text).toContain('CS_ERR_AGENT_CONFIG_INVALID');
  expect(text).toContain('agent.profile');
  expect(text).toContain('agent.asrUrl');
  expect(text).not.toMatch(/\n\s+at /);
});

test('callstorm agent --profile production serves the protocol until SIGINT', async () => {
  const plans = plansOf('collections', { seed: 3, count: 1 });
  const suite = await simulatorsFor('collections', 3, plans);
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const llm = Object.values(suite.llm).flatMap((e) => ['--llm', `${e.name}=${e.url}@${e.region}`]);
    const running = program().parseAsync(
      [
        'agent',
        '--profile',
        'production',
        '--asr-url',
        suite.asr.url,
        '--tts-url',
        suite.tts.url,
        '--crm-url',
        suite.crm.url,
        ...llm,
        '--dlq',
        `${process.env.TMPDIR ?? '/tmp'}/callstorm-cli-dlq-${process.pid}.jsonl`,
      ],
      { from: 'user' },
    );
    await vi.waitFor(() => expect(lines.join('')).toContain('"agent"'), { timeout: 5000 });
    const started = JSON.parse(lines.join('').trim().split('\n')[0]!) as {
      agent: string;
      profile: string;
      llm: string[];
    };
    expect(started.profile).toBe('production');
    expect(started.llm).toEqual(['llm-primary-eu@eu', 'llm-secondary-eu@eu', 'llm-us@us']);
    const health = (await (await fetch(`${started.agent}/health`)).json()) as {
      status: string;
      profile: string;
    };
    expect(health).toMatchObject({ status: 'ok', profile: 'production' });
    process.emit('SIGINT');
    await running;
    expect(process.exitCode).toBe(0);
  } finally {
    await suite.close();
  }
});

test('with --exit-with-stdin the agent outlives a Ctrl-C to its process group and ends when its stdin closes', async () => {
  const suite = await simulatorsFor('collections', 3, plansOf('collections', { seed: 3, count: 1 }));
  const llm = Object.values(suite.llm).flatMap((e) => ['--llm', `${e.name}=${e.url}@${e.region}`]);
  // Its own process group, signalled as a whole, as a terminal's Ctrl-C does to a run and its children.
  const child = spawn(
    process.execPath,
    [BIN, 'agent', '--profile', 'pilot', '--asr-url', suite.asr.url, '--tts-url', suite.tts.url].concat([
      '--crm-url',
      suite.crm.url,
      ...llm,
      '--exit-with-stdin',
    ]),
    { stdio: ['pipe', 'pipe', 'inherit'], detached: true },
  );
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { agent } = JSON.parse(line) as { agent: string };
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBe(null);
    expect((await fetch(`${agent}/health`)).status).toBe(200);
    child.stdin.end(); // what the run's death does to the pipe
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await suite.close();
  }
});
