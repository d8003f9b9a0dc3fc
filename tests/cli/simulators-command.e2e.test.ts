import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { expect, test } from 'vitest';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { utteranceAudioBytes } from '../../simulators/callers/utterance-audio.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

const BIN = fileURLToPath(new URL('../../bin/callstorm.js', import.meta.url));

interface Line {
  simulators: Record<string, { kind: string; url: string; controlUrl: string; region?: string }>;
}

test('`callstorm simulators` serves a separate agent: URLs on one line, ground truth regenerated from scenario + seed, stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'simulators',
      '--vertical',
      'collections',
      '--stage',
      'scale',
      '--window',
      'peak-hour',
      '--seed',
      '3',
      '--latency',
      'zero',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  try {
    const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const line = JSON.parse(first) as Line;
    expect(Object.keys(line.simulators).sort()).toEqual([
      'asr',
      'crm',
      'llm-primary-eu',
      'llm-secondary-eu',
      'llm-us',
      'tts',
      'twilio',
    ]);
    for (const s of Object.values(line.simulators)) {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${s.controlUrl}/health`)).status).toBe(200);
    }
    expect(line.simulators['llm-us']!.region).toBe('us');

    // The same plan this process generates is what the simulators "hear" from the audio alone.
    const plan = createCallGenerator(loadScenario({ vertical: 'collections', stage: 'scale' }), {
      seed: 3,
      window: 'peak-hour',
    }).planAt(5)!;
    const turn = plan.turns[0]!;
    const res = await fetch(`${line.simulators.asr!.url}/v1/listen?model=nova-2&language=en-GB`, {
      method: 'POST',
      headers: { 'content-type': 'audio/mulaw' },
      body: utteranceAudioBytes(turn.id, turn.speechMs),
    });
    expect(res.status).toBe(200);
    const heard = (await res.json()) as {
      results: { channels: { alternatives: { transcript: string; confidence: number }[] }[] };
    };
    const alt = heard.results.channels[0]!.alternatives[0]!;
    expect(alt.confidence).toBeGreaterThan(0);
    expect(alt.transcript.toLowerCase()).toContain(plan.caller.accountId);

    const llm = new OpenAI({
      baseURL: `${line.simulators['llm-primary-eu']!.url}/v1`,
      apiKey: 'sim',
      maxRetries: 0,
    });
    const completion = await llm.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a collections agent.' },
        { role: 'user', content: alt.transcript },
      ],
      tools: ['record_intent', 'lookup_account', 'get_balance'].map((name) => ({
        type: 'function' as const,
        function: { name, parameters: { type: 'object', properties: {} } },
      })),
    });
    const calls = completion.choices[0]!.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === 'function' ? c.function.name : ''))).toContain('record_intent');
  } finally {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(stderr).toContain('simulators stopped');
  }
});

test('`callstorm simulators --exit-with-stdin` stops when its stdin closes (how a run ties them to itself)', async () => {
  const stage = fileURLToPath(new URL('../../scenarios/stages/pilot.yaml', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      BIN,
      'simulators',
      '--vertical',
      'claims',
      '--stage',
      stage,
      '--window',
      'peak-hour',
      '--exit-with-stdin',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const line = JSON.parse(first) as Line & { stage: string };
  expect(line.stage).toBe('pilot');
  expect((await fetch(`${line.simulators.crm!.controlUrl}/health`)).status).toBe(200);
  child.stdin.end();
  const [code] = (await once(child, 'exit')) as [number];
  expect(code).toBe(0);
});

test('`callstorm simulators --asr-word-error-factor` rejects what is not a non-negative number', async () => {
  const child = spawn(
    process.execPath,
    [BIN, 'simulators', '--vertical', 'claims', '--stage', 'pilot', '--asr-word-error-factor', '-1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const [code] = (await once(child, 'exit')) as [number];
  expect(code).toBe(2);
  expect(stderr).toContain('bad value for --asr-word-error-factor: "-1" is not a non-negative number');
});
