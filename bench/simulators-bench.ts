import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { accountIdFor } from '../simulators/dependencies/account-dataset.ts';

const BIN = fileURLToPath(new URL('../bin/callstorm.js', import.meta.url));

export interface ThroughputFigure {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function startChild(): Promise<{ child: ChildProcess; urls: Record<string, string> }> {
  const child = spawn(
    process.execPath,
    [BIN, 'simulators', '--vertical', 'collections', '--stage', 'scale', '--latency', 'zero'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const parsed = JSON.parse(line) as { simulators: Record<string, { url: string }> };
  return { child, urls: Object.fromEntries(Object.entries(parsed.simulators).map(([k, v]) => [k, v.url])) };
}

async function load(name: string, options: autocannon.Options): Promise<ThroughputFigure> {
  const r = await autocannon({ connections: 32, duration: 8, ...options });
  return {
    name,
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

/**
 * The simulators' own cost over HTTP with every latency model at zero, so that later load figures
 * can tell simulator cost from agent cost. The simulators run in a child process (as
 * `callstorm simulators`); autocannon drives them from this one.
 */
export async function benchSimulators(): Promise<ThroughputFigure[]> {
  const { child, urls } = await startChild();
  try {
    const crm = await load('CRM GET /v1/accounts/{id}', {
      url: `${urls.crm}/v1/accounts/${accountIdFor(1234)}`,
    });
    const llm = await load('LLM POST /v1/chat/completions (non-streaming)', {
      url: `${urls['llm-primary-eu']}/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sim' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello, what can you do?' }],
      }),
    });
    return [crm, llm];
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

if (process.argv[2] === 'child') {
  process.stdout.write(`${JSON.stringify(await benchSimulators())}\n`);
}
