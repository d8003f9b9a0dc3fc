import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { agentConfigFromEnv, parseAgentConfig, parseLlmEndpoint } from '../../agent/agent-config.ts';
import { crmRequest } from '../../agent/agent-tools.ts';
import { DeadLetterQueue } from '../../agent/dead-letter-queue.ts';
import { idempotencyKey, permittedEndpoints } from '../../agent/production-profile.ts';
import { accountIdIn, detectScriptedIntent } from '../../agent/scripted-flow.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { tempDeadLetterPath } from './agent-harness.ts';

const endpoints = [
  { name: 'llm-primary-eu', url: 'http://127.0.0.1:1', region: 'eu' },
  { name: 'llm-us', url: 'http://127.0.0.1:2', region: 'us' },
  { name: 'llm-secondary-eu', url: 'http://127.0.0.1:3', region: 'eu' },
];
const residency = { uk: ['uk', 'eu'], ie: ['eu'] };

describe('data residency', () => {
  test('uk and ie callers never get a us endpoint, in preference order', () => {
    expect(permittedEndpoints(endpoints, 'uk', residency).map((e) => e.name)).toEqual([
      'llm-primary-eu',
      'llm-secondary-eu',
    ]);
    expect(permittedEndpoints(endpoints, 'ie', residency).map((e) => e.name)).toEqual([
      'llm-primary-eu',
      'llm-secondary-eu',
    ]);
  });
  test('a region without a rule is only processed in its own region', () => {
    expect(permittedEndpoints(endpoints, 'us', residency).map((e) => e.name)).toEqual(['llm-us']);
    expect(permittedEndpoints(endpoints, 'ch', residency)).toEqual([]);
  });
});

describe('idempotency keys', () => {
  const id = { runId: 'r', callId: 'cs-1-2', region: 'uk' };
  const write = crmRequest('record_promise_to_pay', {
    accountId: '40000001',
    amount: '25.00',
    date: '2026-04-01',
  });
  test('the same write in the same call gets the same key, whatever the argument order', () => {
    const reordered = crmRequest('record_promise_to_pay', {
      date: '2026-04-01',
      amount: '25.00',
      accountId: '40000001',
    });
    expect(idempotencyKey(id, write)).toBe(idempotencyKey(id, reordered));
  });
  test('another call, run or value gets another key', () => {
    const other = crmRequest('record_promise_to_pay', {
      accountId: '40000001',
      amount: '26.00',
      date: '2026-04-01',
    });
    expect(idempotencyKey(id, write)).not.toBe(idempotencyKey({ ...id, callId: 'cs-1-3' }, write));
    expect(idempotencyKey(id, write)).not.toBe(idempotencyKey({ ...id, runId: 'r2' }, write));
    expect(idempotencyKey(id, write)).not.toBe(idempotencyKey(id, other));
  });
});

describe('scripted tier intent detection', () => {
  test.each([
    ['How much do I owe at the moment?', 'balance_enquiry'],
    ["Can you tell me my balance and what I'm behind by?", 'balance_enquiry'],
    ["I'm chasing my claim, where's it up to?", 'claim_status'],
    ['Has anyone looked at my claim yet?', 'claim_status'],
    ['Can you tell me when my next appointment is?', 'check_appointment'],
    ["That's everything, thanks. Bye.", 'goodbye'],
    ['Can I speak to a real person please?', 'speak_to_human'],
    ['I need to make a claim on my home insurance.', null],
    ['I need to cancel my appointment on Friday.', null],
    ["I'm behind on my payments and I'd like to set up a payment plan.", null],
  ])('%s → %s', (text, intent) => {
    expect(detectScriptedIntent(text)).toBe(intent);
  });
  test('account numbers are found even when spoken in groups', () => {
    expect(accountIdIn('my account number is 4432 5226, postcode EX5')).toBe('44325226');
    expect(accountIdIn('no number here')).toBeNull();
  });
});

describe('dead-letter queue', () => {
  const letter = (id: string) => ({
    id,
    runId: 'r',
    callId: 'c',
    op: 'record_promise_to_pay' as const,
    request: crmRequest('record_promise_to_pay', {
      accountId: '40000001',
      amount: '25.00',
      date: '2026-04-01',
    }),
    enqueuedAt: new Date().toISOString(),
    reason: 'timeout',
    attempts: 0,
  });

  test('survives a restart: a new queue on the same file has the pending letters', async () => {
    const path = tempDeadLetterPath();
    const q = new DeadLetterQueue(path);
    q.enqueue(letter('k1'));
    q.enqueue(letter('k2'));
    q.enqueue(letter('k1'));
    expect(q.size).toBe(2);
    await q.replay(async (l) =>
      l.id === 'k1' ? { kind: 'landed', replayed: false } : { kind: 'failed', error: 'down' },
    );
    const reopened = new DeadLetterQueue(path);
    expect(reopened.pending().map((l) => l.id)).toEqual(['k2']);
    expect(reopened.pending()[0]!.attempts).toBe(1);
  });

  test('a round stops at the first transient failure; a rejected letter is abandoned', async () => {
    const q = new DeadLetterQueue(tempDeadLetterPath());
    for (const id of ['a', 'b', 'c']) q.enqueue(letter(id));
    const sent: string[] = [];
    const report = await q.replay(async (l) => {
      sent.push(l.id);
      return l.id === 'a' ? { kind: 'rejected', error: '400' } : { kind: 'failed', error: '503' };
    });
    expect(sent).toEqual(['a', 'b']);
    expect(report).toEqual({ landed: 0, abandoned: 1, failed: 1, remaining: 2 });
  });

  test('a torn last line (crash mid-append) does not lose earlier letters', () => {
    const path = tempDeadLetterPath();
    const q = new DeadLetterQueue(path);
    q.enqueue(letter('k1'));
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `${text}{"event":"enq`);
    expect(new DeadLetterQueue(path).size).toBe(1);
  });
});

describe('agent config', () => {
  test('flags parse as NAME=URL@REGION', () => {
    expect(parseLlmEndpoint('llm-primary-eu=http://127.0.0.1:4001@eu')).toEqual({
      name: 'llm-primary-eu',
      url: 'http://127.0.0.1:4001',
      region: 'eu',
    });
    expect(parseLlmEndpoint('http://127.0.0.1:4001/v1@us', 1)).toEqual({
      name: 'llm-2',
      url: 'http://127.0.0.1:4001/v1',
      region: 'us',
    });
  });
  test('environment variables fill the config', () => {
    const env = agentConfigFromEnv({
      CALLSTORM_AGENT_PROFILE: 'production',
      CALLSTORM_ASR_URL: 'http://127.0.0.1:1',
      CALLSTORM_TTS_URL: 'http://127.0.0.1:2',
      CALLSTORM_CRM_URL: 'http://127.0.0.1:3/',
      CALLSTORM_LLM_ENDPOINTS: 'a=http://127.0.0.1:4@eu,b=http://127.0.0.1:5@us',
    });
    const config = parseAgentConfig(env);
    expect(config.crmUrl).toBe('http://127.0.0.1:3');
    expect(config.llm.map((e) => e.region)).toEqual(['eu', 'us']);
    expect(config.budget.turnMs).toBe(8000);
  });
  test('a bad config names every bad field by path', () => {
    try {
      parseAgentConfig({
        profile: 'staging',
        asrUrl: 'nope',
        ttsUrl: 'http://x',
        crmUrl: 'http://x',
        llm: [],
      });
      expect.unreachable();
    } catch (error) {
      expect(isCallstormError(error) && error.code).toBe('CS_ERR_AGENT_CONFIG_INVALID');
      const message = (error as Error).message;
      expect(message).toContain('agent.profile');
      expect(message).toContain('agent.asrUrl');
      expect(message).toContain('agent.llm');
    }
  });
});
