import { Command } from 'commander';
import { afterEach, expect, test, vi } from 'vitest';
import { registerAgent } from '../../src/cli/agent-command.ts';
import { plansOf, simulatorsFor } from './agent-harness.ts';

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
