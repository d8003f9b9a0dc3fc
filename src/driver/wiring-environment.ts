import type { SimulatorsLine } from '../simulation/simulators-line.ts';

/** One endpoint of a wiring, with its name. */
export interface WiredEndpoint {
  readonly name: string;
  readonly kind: string;
  readonly url: string;
  readonly controlUrl: string;
  readonly region?: string;
}

/** What `--agent-cmd` sends as credentials: the simulators accept any value. */
export const DUMMY_CREDENTIALS = {
  openAiApiKey: 'sk-callstorm-simulator',
  deepgramApiKey: 'callstorm-simulator',
  /** A Twilio account SID has the shape `AC` + 32 hex digits. */
  twilioAccountSid: 'AC00000000000000000000000000000000',
  twilioAuthToken: 'callstorm-simulator-token',
} as const;

/** `llm-primary-eu` → `LLM_PRIMARY_EU`: upper case, every other character `_`. */
export function envNameOf(endpoint: string): string {
  return endpoint.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

type Variables = Record<string, string>;

/**
 * The variables each kind of endpoint adds, given the wiring's endpoints of that kind in suite
 * order: the one place a new kind of simulator endpoint declares how an agent finds it
 * (docs/wiring.md lists them all; a test keeps the two equal).
 */
const VARIABLES_BY_KIND: Readonly<Record<string, (endpoints: readonly WiredEndpoint[]) => Variables>> = {
  asr: ([asr]) => ({ CALLSTORM_ASR_URL: asr!.url, DEEPGRAM_API_KEY: DUMMY_CREDENTIALS.deepgramApiKey }),
  tts: ([tts]) => ({ CALLSTORM_TTS_URL: tts!.url, DEEPGRAM_API_KEY: DUMMY_CREDENTIALS.deepgramApiKey }),
  crm: ([crm]) => ({ CALLSTORM_CRM_URL: crm!.url }),
  llm: (endpoints) => {
    const primary = endpoints[0]!;
    const vars: Variables = {
      CALLSTORM_LLM_URL: primary.url,
      OPENAI_BASE_URL: `${primary.url}/v1`,
      OPENAI_API_KEY: DUMMY_CREDENTIALS.openAiApiKey,
      // The reference agent's form (`callstorm agent`): every endpoint in order of preference.
      CALLSTORM_LLM_ENDPOINTS: endpoints
        .map((e) => `${e.name}=${e.url}/v1${e.region ? `@${e.region}` : ''}`)
        .join(','),
    };
    for (const e of endpoints) {
      vars[`CALLSTORM_LLM_${envNameOf(e.name)}_URL`] = e.url;
      if (e.region) vars[`CALLSTORM_LLM_${envNameOf(e.name)}_REGION`] = e.region;
    }
    return vars;
  },
  // The fake Twilio REST API (Twilio Media Streams transport): where a bot hangs up and transfers.
  twilio: ([twilio]) => ({
    TWILIO_BASE_URL: twilio!.url,
    TWILIO_ACCOUNT_SID: DUMMY_CREDENTIALS.twilioAccountSid,
    TWILIO_AUTH_TOKEN: DUMMY_CREDENTIALS.twilioAuthToken,
  }),
};

/** The endpoint kinds that add variables (for docs and tests). */
export const WIRED_KINDS: readonly string[] = Object.keys(VARIABLES_BY_KIND);

/** The endpoints of a wiring (the line `callstorm simulators` prints), in suite order. */
export function wiredEndpoints(line: SimulatorsLine): WiredEndpoint[] {
  return Object.entries(line.simulators).map(([name, s]) => ({
    name,
    kind: s.kind,
    url: s.url,
    controlUrl: s.controlUrl,
    ...(s.region !== undefined ? { region: s.region } : {}),
  }));
}

/**
 * The environment `--agent-cmd` adds for the agent (docs/wiring.md): `PORT`, `CALLSTORM_WIRING`
 * (the wiring file), and each endpoint kind's variables, with the URLs the agent must use (the
 * Toxiproxy proxies when network faults are real).
 */
export function wiringEnvironment(line: SimulatorsLine, wiringFile: string, port: number): Variables {
  const byKind = new Map<string, WiredEndpoint[]>();
  for (const e of wiredEndpoints(line)) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
  const vars: Variables = { PORT: String(port), CALLSTORM_WIRING: wiringFile };
  for (const [kind, endpoints] of byKind) Object.assign(vars, VARIABLES_BY_KIND[kind]?.(endpoints) ?? {});
  return vars;
}
