import { z } from 'zod';
import { CallstormError } from '../src/errors/callstorm-error.ts';

export const AGENT_PROFILES = ['pilot', 'production'] as const;
export type AgentProfileName = (typeof AGENT_PROFILES)[number];

const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

export const llmEndpointSchema = z.strictObject({
  /** Named endpoint, e.g. `llm-primary-eu`; telemetry and breakers are per name. */
  name: z.string().min(1),
  /** Base URL of the OpenAI-compatible API, with or without `/v1`. */
  url,
  /** Region the endpoint processes data in (`eu`, `uk`, `us`). */
  region: z.string().min(2),
});
export type LlmEndpoint = z.infer<typeof llmEndpointSchema>;

/**
 * The per-turn latency budget and its split into per-dependency timeouts (production profile).
 * Every timeout is also capped by what is left of the turn budget when the call starts.
 */
export const budgetSchema = z
  .strictObject({
    turnMs: z.number().int().positive().default(8000),
    asrMs: z.number().int().positive().default(1500),
    llmFirstTokenMs: z.number().int().positive().default(1500),
    llmRoundMs: z.number().int().positive().default(3000),
    crmRequestMs: z.number().int().positive().default(1000),
    /** All tool calls of a turn together (reads, writes and their retries). */
    toolsMs: z.number().int().positive().default(2500),
    ttsFirstByteMs: z.number().int().positive().default(1000),
    /** Kept back for TTS: LLM and tools may not eat into it. */
    reserveForTtsMs: z.number().int().min(0).default(800),
  })
  .prefault({});
export type LatencyBudget = z.infer<typeof budgetSchema>;

/** Where a caller's data may be processed, by the caller's residency region. */
export const DEFAULT_RESIDENCY: Readonly<Record<string, readonly string[]>> = {
  uk: ['uk', 'eu'],
  ie: ['eu'],
  eu: ['eu'],
  us: ['us'],
};

export const agentConfigSchema = z.strictObject({
  profile: z.enum(AGENT_PROFILES),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  asrUrl: url,
  ttsUrl: url,
  crmUrl: url,
  /** In order of preference: the first is the primary; production fails over down the list. */
  llm: z.array(llmEndpointSchema).min(1),
  llmModel: z.string().min(1).default('gpt-4o-mini'),
  llmApiKey: z.string().min(1).default('sk-callstorm-local'),
  asrModel: z.string().default('nova-2-phonecall'),
  ttsModel: z.string().default('aura-2-thalia-en'),
  humanQueue: z.string().min(1).default('contact-centre'),
  brand: z.string().min(1).default('Callstorm Services'),
  budget: budgetSchema,
  /** Production: transcripts below this confidence are re-prompted once, then transferred. */
  asrMinConfidence: z.number().min(0).max(1).default(0.55),
  residency: z
    .record(z.string(), z.array(z.string()).min(1))
    .default({ ...DEFAULT_RESIDENCY } as Record<string, string[]>),
  retry: z
    .strictObject({
      /** Retries after the first attempt. */
      maxRetries: z.int().min(0).max(10).default(2),
      initialDelayMs: z.number().int().min(0).default(100),
      maxDelayMs: z.number().int().min(0).default(2000),
    })
    .prefault({}),
  breaker: z
    .strictObject({
      consecutiveFailures: z.int().min(1).default(5),
      halfOpenAfterMs: z.number().int().min(10).default(5000),
    })
    .prefault({}),
  deadLetter: z
    .strictObject({
      /** JSONL file; created on first use. */
      path: z.string().min(1).default('.callstorm/agent-dead-letters.jsonl'),
      /** Background replay period; 0 disables the loop (replayDeadLetters() still works). */
      replayIntervalMs: z.number().int().min(0).default(2000),
      /** Writes replayed per round at most. */
      batch: z.int().min(1).default(25),
    })
    .prefault({}),
  pilot: z
    .strictObject({
      /** The pilot's hard-coded CRM client timeout. */
      crmTimeoutMs: z.number().int().positive().default(3000),
      /** Attempts per write, retried blindly on any error (no key). */
      writeAttempts: z.int().min(1).max(10).default(3),
    })
    .prefault({}),
  /** fastify request logging. */
  logger: z.boolean().default(false),
});

export type AgentConfigInput = z.input<typeof agentConfigSchema>;
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** Validates a config; a bad field is named by its path. */
export function parseAgentConfig(input: unknown): AgentConfig {
  const parsed = agentConfigSchema.safeParse(input);
  if (parsed.success) return Object.freeze(parsed.data);
  const issues = parsed.error.issues
    .map((i) => `  agent.${i.path.map(String).join('.') || '(config)'}: ${i.message}`)
    .join('\n');
  throw new CallstormError('CS_ERR_AGENT_CONFIG_INVALID', { issues });
}

/**
 * `primary=http://127.0.0.1:4000@eu` → {name: 'primary', url, region: 'eu'}. Without a name the
 * endpoint is called `llm-<n>`; without `@region`, `eu`.
 */
export function parseLlmEndpoint(text: string, index = 0): LlmEndpoint {
  const eq = text.indexOf('=');
  const named = eq > 0 && !text.slice(0, eq).includes('/');
  const name = named ? text.slice(0, eq) : `llm-${index + 1}`;
  let rest = named ? text.slice(eq + 1) : text;
  let region = 'eu';
  const at = rest.lastIndexOf('@');
  if (at > rest.indexOf('//') + 1 && !rest.slice(at + 1).includes('/')) {
    region = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  if (!/^https?:\/\//.test(rest)) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--llm',
      reason: `"${text}" has no http(s) URL`,
      fix: 'write NAME=URL@REGION, e.g. --llm llm-primary-eu=http://127.0.0.1:4001@eu',
    });
  }
  return { name, url: rest, region };
}

/** Config fields from the environment (CALLSTORM_AGENT_*); flags override them. */
export function agentConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<AgentConfigInput> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('profile', env.CALLSTORM_AGENT_PROFILE);
  set('asrUrl', env.CALLSTORM_ASR_URL);
  set('ttsUrl', env.CALLSTORM_TTS_URL);
  set('crmUrl', env.CALLSTORM_CRM_URL);
  set('llmApiKey', env.CALLSTORM_LLM_API_KEY);
  set('llmModel', env.CALLSTORM_LLM_MODEL);
  if (env.CALLSTORM_LLM_ENDPOINTS) {
    out.llm = env.CALLSTORM_LLM_ENDPOINTS.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(parseLlmEndpoint);
  }
  if (env.CALLSTORM_AGENT_BUDGET_MS) out.budget = { turnMs: Number(env.CALLSTORM_AGENT_BUDGET_MS) };
  if (env.CALLSTORM_AGENT_DLQ) out.deadLetter = { path: env.CALLSTORM_AGENT_DLQ };
  return out as Partial<AgentConfigInput>;
}
