import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { agentAddress, fillPort } from '../../src/driver/agent-address.ts';
import { WIRED_KINDS, wiringEnvironment } from '../../src/driver/wiring-environment.ts';
import type { SimulatorsLine } from '../../src/simulation/simulators-line.ts';
import { simulatorEndpointNames } from '../../src/simulation/start-simulators.ts';

const at = (port: number) => ({
  url: `http://127.0.0.1:${port}`,
  controlUrl: `http://127.0.0.1:${port + 100}/__callstorm`,
});

/** A run's wiring with a drill: the URLs are the proxies' (91xx), the control URLs the simulators'. */
const LINE: SimulatorsLine = {
  seed: 1,
  vertical: 'collections',
  stage: 'scale',
  window: 'peak-hour',
  simulators: {
    asr: { kind: 'asr', ...at(9100) },
    tts: { kind: 'tts', ...at(9101) },
    crm: { kind: 'crm', ...at(9102) },
    'llm-primary-eu': { kind: 'llm', ...at(9103), region: 'eu' },
    'llm-secondary-eu': { kind: 'llm', ...at(9104), region: 'eu' },
    'llm-us': { kind: 'llm', ...at(9105), region: 'us' },
  },
};

test('the environment names every endpoint as the agent must use it, and the dummy credentials SDKs need', () => {
  expect(wiringEnvironment(LINE, '/runs/r1/wiring.json', 41234)).toEqual({
    PORT: '41234',
    CALLSTORM_WIRING: '/runs/r1/wiring.json',
    CALLSTORM_ASR_URL: 'http://127.0.0.1:9100',
    CALLSTORM_TTS_URL: 'http://127.0.0.1:9101',
    CALLSTORM_CRM_URL: 'http://127.0.0.1:9102',
    CALLSTORM_LLM_URL: 'http://127.0.0.1:9103',
    OPENAI_BASE_URL: 'http://127.0.0.1:9103/v1',
    OPENAI_API_KEY: 'sk-callstorm-simulator',
    DEEPGRAM_API_KEY: 'callstorm-simulator',
    CALLSTORM_LLM_ENDPOINTS:
      'llm-primary-eu=http://127.0.0.1:9103/v1@eu,llm-secondary-eu=http://127.0.0.1:9104/v1@eu,llm-us=http://127.0.0.1:9105/v1@us',
    CALLSTORM_LLM_LLM_PRIMARY_EU_URL: 'http://127.0.0.1:9103',
    CALLSTORM_LLM_LLM_PRIMARY_EU_REGION: 'eu',
    CALLSTORM_LLM_LLM_SECONDARY_EU_URL: 'http://127.0.0.1:9104',
    CALLSTORM_LLM_LLM_SECONDARY_EU_REGION: 'eu',
    CALLSTORM_LLM_LLM_US_URL: 'http://127.0.0.1:9105',
    CALLSTORM_LLM_LLM_US_REGION: 'us',
  });
});

test('a fake Twilio REST API in the suite adds TWILIO_BASE_URL and dummy credentials; nothing without one', () => {
  const withTwilio = {
    ...LINE,
    simulators: { ...LINE.simulators, twilio: { kind: 'twilio', ...at(9106) } },
  } as unknown as SimulatorsLine;
  expect(wiringEnvironment(withTwilio, '/w.json', 1)).toMatchObject({
    TWILIO_BASE_URL: 'http://127.0.0.1:9106',
    TWILIO_ACCOUNT_SID: expect.stringMatching(/^AC[0-9a-f]{32}$/),
    TWILIO_AUTH_TOKEN: expect.any(String),
  });
  expect(Object.keys(wiringEnvironment(LINE, '/w.json', 1)).filter((k) => k.startsWith('TWILIO'))).toEqual(
    [],
  );
  expect(WIRED_KINDS).toEqual(['asr', 'tts', 'crm', 'llm', 'twilio']);
});

test('docs/wiring.md documents exactly the variables the run sets', () => {
  const doc = readFileSync(new URL('../../docs/wiring.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## The wiring variables'), doc.indexOf('## The wiring file'));
  const documented = [...section.matchAll(/^\| `([A-Z_<>]+)` \|/gm)].map((m) => m[1]!).sort();
  const withTwilio = {
    ...LINE,
    simulators: { ...LINE.simulators, twilio: { kind: 'twilio', ...at(9106) } },
  } as unknown as SimulatorsLine;
  const set = Object.keys(wiringEnvironment(withTwilio, '/w.json', 1)).map((k) =>
    k.replace(/^CALLSTORM_LLM_LLM_[A-Z_]+_(URL|REGION)$/, 'CALLSTORM_LLM_<NAME>_$1'),
  );
  expect(documented).toEqual([...new Set(set)].sort());
});

test('the fixed-port order in --simulators-port-base help is the suite’s start order', () => {
  const names = simulatorEndpointNames();
  const help = (command: string) =>
    buildProgram()
      .commands.find((c) => c.name() === command)!
      .options.find((o) => o.long === '--simulators-port-base')!.description;
  const sequence = names.map((n, i) => (i === 0 ? `${n} N` : `${n} N+${i}`)).join(', ');
  for (const command of ['run', 'simulators']) expect(help(command)).toContain(sequence);
  expect(sequence).toBe(
    'asr N, tts N+1, crm N+2, llm-primary-eu N+3, llm-secondary-eu N+4, llm-us N+5, twilio N+6',
  );
});

test('{port} is filled and the address found whatever the URL’s scheme', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('http', 'https', 'ws', 'twilio+ws', 'twilio+wss'),
      fc.integer({ min: 1, max: 65_535 }),
      fc.constantFrom('', '/', '/ws', '/v1/agent?x={port}'),
      (scheme, port, path) => {
        const url = fillPort(`${scheme}://127.0.0.1:{port}${path}`, port);
        expect(url).not.toContain('{port}');
        expect(agentAddress(url)).toEqual({ host: '127.0.0.1', port });
      },
    ),
  );
  expect(agentAddress('http://[::1]:8080')).toEqual({ host: '::1', port: 8080 });
  expect(agentAddress('http://localhost')).toEqual({ host: 'localhost', port: 80 });
  expect(agentAddress('not a url')).toBeNull();
});
