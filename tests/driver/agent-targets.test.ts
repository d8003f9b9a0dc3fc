import { expect, test } from 'vitest';
import { startAgentTarget } from '../../src/driver/agent-targets.ts';
import { checkAgentRequest } from '../../src/driver/run-plan.ts';
import { CallstormError } from '../../src/errors/callstorm-error.ts';

const ctx = {
  dependencies: { asr: 'http://127.0.0.1:1', tts: 'http://127.0.0.1:1', crm: 'http://127.0.0.1:1', llm: [] },
  runDir: '/nowhere',
};

test('an --agent kind that names a property of every object is an unknown agent, not an internal error', () => {
  for (const spec of ['__proto__:x', 'constructor:x', 'toString', 'hasOwnProperty:pilot', 'http']) {
    let error: unknown;
    try {
      void startAgentTarget(spec, ctx);
    } catch (e) {
      error = e;
    }
    expect(error, spec).toBeInstanceOf(CallstormError);
    expect((error as CallstormError).message).toBe(`unknown agent "${spec}"`);
    expect((error as CallstormError).hint).toContain('reference:pilot|production');
  }
});

test('a run refuses an unknown --agent kind before it plans, claims a folder or starts anything', () => {
  for (const spec of ['__proto__:x', 'constructor', 'toString:1', 'ftp://127.0.0.1:21']) {
    expect(() => checkAgentRequest({ agent: spec }), spec).toThrow(`unknown agent "${spec}"`);
  }
  for (const spec of ['reference:production', 'http://127.0.0.1:8080', 'reference:nonsense'])
    expect(() => checkAgentRequest({ agent: spec }), spec).not.toThrow();
  expect(() =>
    checkAgentRequest({ agent: 'http://127.0.0.1:{port}', agentCmd: 'python agent.py' }),
  ).not.toThrow();
  expect(() => checkAgentRequest({ agent: '__proto__:{port}', agentCmd: 'python agent.py' })).toThrow(
    'unknown agent "__proto__:{port}"',
  );
});
