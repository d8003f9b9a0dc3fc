import type { K6Deps, K6MetricSink, K6Response } from '../../src/export/k6/k6-call-protocol.ts';

/** One request as the agent received it. */
export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly body: string | null;
  readonly headers: Record<string, string>;
}

/** How the fake agent behaves: per turn seq, a reply (and an optional status or delay). */
export interface FakeAgentScript {
  readonly failAtTurn?: number;
  readonly repromptAtTurn?: number;
  readonly endAtTurn?: number;
  readonly transferAtTurn?: number;
  /** Agent think time per turn (virtual ms, k6 side only). */
  readonly delayMs?: (turn: number) => number;
  readonly intent?: string;
}

/** A deterministic agent answering the callstorm protocol: the same answers to Node and to k6. */
export function fakeAgentAnswer(
  script: FakeAgentScript,
  method: string,
  path: string,
  body: string | null,
): { status: number; body: string } {
  if (method === 'POST' && path === '/v1/calls') {
    return {
      status: 201,
      body: JSON.stringify({
        sessionId: 'sess-1',
        greeting: 'Hello, you are through to Acme',
        greetingAudioMs: 1200,
      }),
    };
  }
  if (method === 'DELETE') return { status: 204, body: '' };
  const turn = (JSON.parse(body ?? '{}') as { turn: number }).turn;
  if (turn === script.failAtTurn)
    return { status: 503, body: '{"error":{"code":"shutting_down","message":"bye"}}' };
  const action = turn === script.transferAtTurn ? 'transfer' : turn === script.endAtTurn ? 'end' : 'continue';
  return {
    status: 200,
    body: JSON.stringify({
      reply: { text: 'Right, thanks.', audioMs: 1800 },
      action,
      ...(action === 'transfer' ? { transfer: { queue: 'collections', reason: 'caller-asked' } } : {}),
      telemetry: {
        profile: 'fake',
        transcript: 'hello',
        asrConfidence: 0.9,
        intent: script.intent ?? null,
        fallbackTier: 'primary',
        reprompt: turn === script.repromptAtTurn,
        latencyMs: {
          asr: 100,
          llmFirstToken: 300,
          llmTotal: 500,
          tools: 0,
          ttsFirstByte: 80,
          voiceToVoice: 700,
          total: 720,
        },
        retries: 0,
        dependencyCalls: [
          { dependency: 'llm', endpoint: 'llm-primary-eu', region: 'eu', status: 200, ms: 500, attempt: 1 },
        ],
        llm: { tokensIn: 120, tokensOut: 30 },
        tts: { characters: 14 },
        writes: { attempted: 0, landed: 0, deadLettered: 0 },
      },
    }),
  };
}

export interface Point {
  readonly metric: string;
  readonly value: number;
  readonly tags: Record<string, string>;
  readonly timeMs: number;
}

/** k6's modules replaced: a virtual clock, a recording http, metrics that collect points. */
export function fakeK6(script: FakeAgentScript, startMs = Date.UTC(2026, 2, 30, 9)) {
  let clock = startMs;
  const requests: Recorded[] = [];
  const points: Point[] = [];
  const sink = (metric: string): K6MetricSink => ({
    add(value, tags) {
      points.push({ metric, value: Number(value), tags: { ...(tags ?? {}) }, timeMs: clock });
    },
  });
  const deps: K6Deps = {
    request(method, url, body, params): K6Response {
      const path = new URL(url).pathname;
      requests.push({ method, path, body, headers: { ...params.headers } });
      const seq = body && path.endsWith('/turns') ? (JSON.parse(body) as { turn: number }).turn : -1;
      const delay = seq >= 0 ? (script.delayMs?.(seq) ?? 0) : 0;
      if (delay > params.timeout) {
        clock += params.timeout;
        return { status: 0, body: null, errorCode: 1050, error: 'request timeout' };
      }
      clock += delay;
      const a = fakeAgentAnswer(script, method, path, body);
      return { status: a.status, body: a.body, errorCode: 0, error: '' };
    },
    sleep(seconds) {
      clock += seconds * 1000;
    },
    now: () => clock,
    metrics: {
      voiceToVoice: sink('callstorm_voice_to_voice'),
      turns: sink('callstorm_turns'),
      calls: sink('callstorm_calls'),
      failed: sink('callstorm_failed'),
      abandoned: sink('callstorm_abandoned'),
    },
  };
  return { deps, requests, points, now: () => clock };
}
