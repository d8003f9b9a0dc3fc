import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeUtteranceAudio } from '../../simulators/callers/utterance-audio.ts';
import { runCallerSession } from '../../src/driver/caller-session.ts';
import { createHttpAgentAdapter, turnBody } from '../../src/driver/http-agent-adapter.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import { k6TurnBody, k6UtteranceAudio, playK6Call } from '../../src/export/k6/k6-call-protocol.ts';
import { fixturePlan } from '../fixtures/call-plans.ts';
import { type FakeAgentScript, fakeAgentAnswer, fakeK6, type Recorded } from './k6-fake-agent.ts';

let script: FakeAgentScript = {};
const received: Recorded[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'x-callstorm-run', 'x-callstorm-call']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const path = req.url ?? '';
    received.push({ method: req.method ?? '', path, body, headers });
    const a = fakeAgentAnswer(script, req.method ?? '', path, body);
    res.writeHead(a.status, a.body ? { 'content-type': 'application/json' } : {});
    res.end(a.body || undefined);
  });
});
let url = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

/** The Node driver's requests for one plan against the recording server. */
async function nodeSequence(s: FakeAgentScript, planIndex: number): Promise<Recorded[]> {
  script = s;
  received.length = 0;
  const plan = fixturePlan({ index: planIndex });
  const adapter = createHttpAgentAdapter({ url });
  try {
    await runCallerSession({
      plan,
      adapter,
      clock: createRunClock(1_000_000),
      runId: 'run-eq',
      signal: new AbortController().signal,
    });
  } finally {
    await adapter.close();
  }
  return [...received];
}

function k6Sequence(s: FakeAgentScript, planIndex: number): Recorded[] {
  const fake = fakeK6(s);
  playK6Call(fixturePlan({ index: planIndex }), fake.deps, {
    baseUrl: `${url}/`,
    runId: 'run-eq',
    speed: 1_000_000,
  });
  return fake.requests;
}

describe('the k6 script speaks the protocol exactly as the Node driver', () => {
  test('utterance audio and turn bodies are byte-identical', () => {
    for (const [id, ms] of [
      ['cs-7-0.u0', 2400],
      ['cs-7-12.u3', 1],
      ['cs-ü-9.u1', 777.4],
    ] as const) {
      expect(k6UtteranceAudio(id, ms)).toBe(encodeUtteranceAudio(id, ms));
    }
    const audio = encodeUtteranceAudio('x.u1', 500);
    expect(k6TurnBody(3, 'x.u1', audio, 500, 120)).toBe(
      turnBody({ turn: 3, utterance: { id: 'x.u1', audio, speechMs: 500 }, bargeIn: { atMs: 120 } }),
    );
    expect(k6TurnBody(0, 'x.u1', audio, 500, null)).toBe(
      turnBody({ turn: 0, utterance: { id: 'x.u1', audio, speechMs: 500 } }),
    );
  });

  const cases: [string, FakeAgentScript, number][] = [
    ['caller says everything, then hangs up', {}, 0],
    ['the agent asks for a repeat, then ends the call', { repromptAtTurn: 1, endAtTurn: 3 }, 1],
    ['the agent transfers', { transferAtTurn: 2 }, 2],
    ['the agent fails mid-call (503), the caller hangs up', { failAtTurn: 1 }, 3],
  ];
  test.each(cases)('%s: same method, path, headers and body, in order', async (_name, s, index) => {
    const node = await nodeSequence(s, index);
    const k6 = k6Sequence(s, index);
    expect(node.length).toBeGreaterThan(2);
    expect(k6).toEqual(node);
  });
});
