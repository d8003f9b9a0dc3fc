import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { collect, OPTION_BOUNDS, parseInteger, parsePort } from './parse-options.ts';

const parseBudgetMs = (text: string) =>
  parseInteger('--budget-ms', text, OPTION_BOUNDS.budgetMs, '8000 (the default)');

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
    .option('--port <n>', 'listen port, 0–65535 (0 = any free port)', parsePort('--port'), 0)
    .option('--asr-url <url>', 'Deepgram-style ASR base URL [env CALLSTORM_ASR_URL]')
    .option('--tts-url <url>', 'Deepgram-style TTS base URL [env CALLSTORM_TTS_URL]')
    .option('--crm-url <url>', 'CRM REST base URL [env CALLSTORM_CRM_URL]')
    .option(
      '--llm <name=url@region>',
      'LLM endpoint, repeatable, in order of preference [env CALLSTORM_LLM_ENDPOINTS, comma-separated]',
      collect,
    )
    .option(
      '--budget-ms <n>',
      'per-turn latency budget in ms, 1–600,000 (production) [env CALLSTORM_AGENT_BUDGET_MS]',
      parseBudgetMs,
    )
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
    .action(lazyAction(() => import('./actions/agent.ts')));
}
