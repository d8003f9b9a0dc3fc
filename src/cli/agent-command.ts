import type { Command } from 'commander';
import { type AgentConfigInput, agentConfigFromEnv, parseLlmEndpoint } from '../../agent/agent-config.ts';
import { startAgent } from '../../agent/start-agent.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { runAction } from './run-action.ts';
import { stopSignal } from './stop-signal.ts';

interface AgentOptions {
  profile?: string;
  host?: string;
  port?: string;
  asrUrl?: string;
  ttsUrl?: string;
  crmUrl?: string;
  llm?: string[];
  budgetMs?: string;
  dlq?: string;
  brand?: string;
  log?: boolean;
  exitWithStdin?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function intOption(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option,
      reason: `"${text}" is not a non-negative integer`,
      fix: `pass e.g. ${option} 8000`,
    });
  }
  return n;
}

/** `callstorm agent`: runs the reference agent (pilot or production) until SIGINT / SIGTERM. */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the reference voice agent (protocol v1) against ASR / LLM / TTS / CRM endpoints')
    .option(
      '--profile <name>',
      'pilot (naive) or production (budget, retries, breakers, fallback, DLQ) [env CALLSTORM_AGENT_PROFILE]',
    )
    .option('--host <address>', 'listen address', '127.0.0.1')
    .option('--port <n>', 'listen port (0 = any free port)', '0')
    .option('--asr-url <url>', 'Deepgram-style ASR base URL [env CALLSTORM_ASR_URL]')
    .option('--tts-url <url>', 'Deepgram-style TTS base URL [env CALLSTORM_TTS_URL]')
    .option('--crm-url <url>', 'CRM REST base URL [env CALLSTORM_CRM_URL]')
    .option(
      '--llm <name=url@region>',
      'LLM endpoint, repeatable, in order of preference [env CALLSTORM_LLM_ENDPOINTS, comma-separated]',
      collect,
    )
    .option('--budget-ms <n>', 'per-turn latency budget in ms (production) [env CALLSTORM_AGENT_BUDGET_MS]')
    .option('--dlq <file>', 'dead-letter queue JSONL file (production) [env CALLSTORM_AGENT_DLQ]')
    .option('--brand <name>', 'company name in the greeting')
    .option('--log', 'log every request (pino JSON on stdout)')
    .option(
      '--exit-with-stdin',
      'stop when standard input closes, and leave SIGINT to the parent (how `callstorm run` ties the agent to itself)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  callstorm agent --profile production --port 7000 --asr-url http://127.0.0.1:4001 --tts-url http://127.0.0.1:4002 \\\n    --crm-url http://127.0.0.1:4003 --llm llm-primary-eu=http://127.0.0.1:4004@eu --llm llm-secondary-eu=http://127.0.0.1:4005@eu\n\nThe protocol is described in docs/agent-protocol.md.',
    )
    .action(
      runAction(async (opts: AgentOptions) => {
        const env = agentConfigFromEnv();
        const budgetMs = intOption('--budget-ms', opts.budgetMs);
        const input: Record<string, unknown> = {
          ...env,
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
          host: opts.host,
          port: intOption('--port', opts.port),
          ...(opts.asrUrl !== undefined ? { asrUrl: opts.asrUrl } : {}),
          ...(opts.ttsUrl !== undefined ? { ttsUrl: opts.ttsUrl } : {}),
          ...(opts.crmUrl !== undefined ? { crmUrl: opts.crmUrl } : {}),
          ...(opts.llm !== undefined ? { llm: opts.llm.map((text, i) => parseLlmEndpoint(text, i)) } : {}),
          ...(budgetMs !== undefined ? { budget: { turnMs: budgetMs } } : {}),
          ...(opts.dlq !== undefined ? { deadLetter: { path: opts.dlq } } : {}),
          ...(opts.brand !== undefined ? { brand: opts.brand } : {}),
          ...(opts.log ? { logger: true } : {}),
        };
        const agent = await startAgent(input as AgentConfigInput);
        const stopped = stopSignal({ exitWithStdin: opts.exitWithStdin });
        process.stdout.write(
          `${JSON.stringify({ agent: agent.url, profile: agent.config.profile, llm: agent.config.llm.map((e) => `${e.name}@${e.region}`) })}\n`,
        );
        await stopped;
        await agent.close();
        return 0;
      }),
    );
}
