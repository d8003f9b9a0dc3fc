import { type AgentConfigInput, agentConfigFromEnv, parseLlmEndpoint } from '../../../agent/agent-config.ts';
import { startAgent } from '../../../agent/start-agent.ts';
import type { AgentOptions } from '../command-options.ts';
import { stopSignal } from '../stop-signal.ts';

/** `callstorm agent`: the reference agent until SIGINT / SIGTERM (or stdin closes); prints its URL. */
export default async function agent(opts: AgentOptions): Promise<number> {
  const env = agentConfigFromEnv();
  const input: Record<string, unknown> = {
    ...env,
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    host: opts.host,
    port: opts.port,
    ...(opts.asrUrl !== undefined ? { asrUrl: opts.asrUrl } : {}),
    ...(opts.ttsUrl !== undefined ? { ttsUrl: opts.ttsUrl } : {}),
    ...(opts.crmUrl !== undefined ? { crmUrl: opts.crmUrl } : {}),
    ...(opts.llm !== undefined ? { llm: opts.llm.map((text, i) => parseLlmEndpoint(text, i)) } : {}),
    ...(opts.budgetMs !== undefined ? { budget: { turnMs: opts.budgetMs } } : {}),
    ...(opts.dlq !== undefined ? { deadLetter: { path: opts.dlq } } : {}),
    ...(opts.brand !== undefined ? { brand: opts.brand } : {}),
    ...(opts.log ? { logger: true } : {}),
  };
  const started = await startAgent(input as AgentConfigInput);
  const stopped = stopSignal({ exitWithStdin: opts.exitWithStdin });
  process.stdout.write(
    `${JSON.stringify({ agent: started.url, profile: started.config.profile, llm: started.config.llm.map((e) => `${e.name}@${e.region}`) })}\n`,
  );
  await stopped;
  await started.close();
  return 0;
}
