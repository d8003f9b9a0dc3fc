import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { executeRun } from '../../src/driver/execute-run.ts';
import { readCalls } from '../../src/driver/run-wind-down.ts';
import { startEchoAgent } from '../fixtures/echo-agent.ts';

test('an echo agent (answers "ok", no telemetry, never calls the simulators) resolves nothing', async () => {
  const agent = await startEchoAgent();
  try {
    const run = await executeRun({
      vertical: 'collections',
      stage: 'pilot',
      window: 'peak-hour',
      speed: 480,
      seed: 1,
      agent: agent.url,
      latency: 'zero',
      // It uses no simulator, which the wrong-wiring check would stop (CS_ERR_AGENT_NOT_WIRED): judged
      // without it, it resolves nothing.
      wiringCheck: false,
      out: join(mkdtempSync(join(tmpdir(), 'callstorm-echo-')), 'run'),
    });
    expect(run.manifest.status).toBe('complete');
    const calls = readCalls(join(run.dir, 'calls.jsonl'));
    // The pilot's peak hour: payment arrangements and balance enquiries (3 of the 12 were
    // `resolved` when the agent's silence counted as success).
    expect(calls).toHaveLength(12);
    expect(agent.turns()).toBeGreaterThan(12);
    expect(calls.filter((c) => c.outcome === 'resolved')).toEqual([]);
    for (const c of calls) {
      expect(c.outcome).toBe('false-containment');
      if (c.flows.includes('balance-enquiry'))
        expect(c.falseContainment).toContain(
          'balance-enquiry: no evidence the caller was understood (the LLM simulator classified no turn of it right)',
        );
      else expect(c.falseContainment).toContain('1 expected write(s) missing');
      expect(c.classifiedIntents.every((i) => i === null)).toBe(true);
    }
    expect(calls.some((c) => c.flows.includes('balance-enquiry'))).toBe(true);
    const ledger = JSON.parse(readFileSync(join(run.dir, 'ledger.json'), 'utf8'));
    expect(ledger).toMatchObject({
      ledgerSize: 0,
      attribution: { header: 0, lifetime: 0, noLiveCall: 0, ambiguous: 0 },
    });
  } finally {
    await agent.close();
  }
}, 120_000);
