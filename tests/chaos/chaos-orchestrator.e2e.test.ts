import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChaosOrchestrator } from '../../src/chaos/chaos-orchestrator.ts';
import { proxyPrefixFor } from '../../src/chaos/dependency-proxies.ts';
import { type Drill, parseDrill } from '../../src/chaos/drill-schema.ts';
import { type FaultLogEntry, readFaultLog } from '../../src/chaos/fault-log.ts';
import { freeLoopbackPort } from '../../src/chaos/toxiproxy-provisioner.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import {
  describeWithToxiproxy,
  eventually,
  proxyNames,
  proxyState,
  startTestToxiproxy,
} from './toxiproxy-for-tests.ts';

const SPEED = 600; // one scenario minute = 100 ms wall
const dir = mkdtempSync(join(tmpdir(), 'callstorm-chaos-'));
let suite: SimulatorSuite;
let runs = 0;

function drillOf(method: unknown[], extra: Record<string, unknown> = {}): Drill {
  return parseDrill(
    {
      kind: 'Drill',
      name: 'test-drill',
      title: 'test',
      steadyStateHypothesis: { probes: [{ name: 'containment', metric: 'containment', min: 0 }] },
      method,
      ...extra,
    },
    'test',
  );
}

/** Fetches with a short timeout; resolves to the status or the error's kind. */
async function probe(url: string, init: RequestInit = {}): Promise<{ status: number | 'error'; ms: number }> {
  const start = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - start };
  } catch {
    return { status: 'error', ms: performance.now() - start };
  }
}

function events(log: readonly FaultLogEntry[], id: string): string[] {
  return log.filter((e) => e.faultId === id).map((e) => e.event);
}

beforeAll(async () => {
  suite = await startSimulators({
    scenario: loadScenario({ vertical: 'collections', stage: 'scale' }),
    seed: 1,
    latency: 'zero',
  });
});

afterAll(async () => {
  await suite?.close();
});

describeWithToxiproxy('chaos orchestrator against a real Toxiproxy', () => {
  let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
  const options = (drill: Drill | null, name = `t${++runs}`) => ({
    runId: name,
    drill,
    endpoints: suite.endpoints,
    faultsLogPath: join(dir, `${name}.jsonl`),
    toxiproxy: { url: toxiproxy.url },
  });

  beforeAll(async () => {
    toxiproxy = await startTestToxiproxy();
  });
  afterAll(async () => {
    await toxiproxy?.stop();
  });

  test('proxies that a killed run left on a shared Toxiproxy are deleted when the next run starts; a live run keeps its own', async () => {
    const crm = new URL(suite.endpoints.find((e) => e.name === 'crm')!.url).host;
    const nobody = `127.0.0.1:${await freeLoopbackPort()}`;
    const create = async (name: string, upstream: string) => {
      const res = await fetch(`${toxiproxy.url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream, enabled: true }),
      });
      expect(res.status).toBe(201);
    };
    await create('callstorm-killed-crm', nobody); // its simulators died with it
    await fetch(`${toxiproxy.url}/proxies/callstorm-killed-crm/toxics`, {
      method: 'POST',
      body: JSON.stringify({ name: 'slow', type: 'latency', attributes: { latency: 5000 } }),
    });
    await create('callstorm-alive-crm', crm); // another run, still going
    await create('someone-elses', nobody); // not callstorm's
    const chaos = await ChaosOrchestrator.create(options(null, 'next'));
    try {
      expect(chaos.staleProxiesRemoved).toEqual(['callstorm-killed-crm']);
      const names = await proxyNames(toxiproxy.url);
      expect(names).not.toContain('callstorm-killed-crm');
      expect(names).toEqual(
        expect.arrayContaining(['callstorm-alive-crm', 'someone-elses', 'callstorm-next-crm']),
      );
    } finally {
      await chaos.finish();
      for (const name of ['callstorm-alive-crm', 'someone-elses'])
        await fetch(`${toxiproxy.url}/proxies/${name}`, { method: 'DELETE' });
    }
  });

  test('one proxy per simulator endpoint, forwarding to the real simulators, gone after finish', async () => {
    const chaos = await ChaosOrchestrator.create(options(null, 'fwd'));
    expect(chaos.mode).toBe('toxiproxy');
    const names = await proxyNames(toxiproxy.url);
    for (const e of suite.endpoints) {
      expect(names).toContain(`callstorm-fwd-${e.name}`);
      const url = chaos.endpointUrls[e.name]!;
      expect(url).not.toBe(e.url);
      const res = await fetch(`${url}/__callstorm/health`);
      expect(await res.json()).toMatchObject({ status: 'ok', name: e.name });
    }
    const balance = await fetch(`${chaos.endpointUrls['crm']}/v1/accounts/40001554/balance`);
    expect(balance.status).toBe(200);
    const report = await chaos.finish();
    expect(report).toEqual({ complete: true, leftovers: [] });
    expect((await proxyNames(toxiproxy.url)).filter((n) => n.startsWith(proxyPrefixFor('fwd')))).toEqual([]);
  });

  test('down: the proxy is disabled at its scenario time, requests fail, and it comes back on time', async () => {
    const drill = drillOf([
      { id: 'llm-down', at: '1m', duration: '5m', target: 'llm-primary-eu', network: { toxic: 'down' } },
    ]);
    const chaos = await ChaosOrchestrator.create(options(drill, 'down'));
    const url = `${chaos.endpointUrls['llm-primary-eu']}/__callstorm/health`;
    const name = 'callstorm-down-llm-primary-eu';
    const clock = createRunClock(SPEED);
    chaos.start(clock);
    expect((await probe(url)).status).toBe(200);
    expect(chaos.activeFaultIds(30_000)).toEqual([]);

    await eventually(() => chaos.log.some((e) => e.event === 'applied'), 3000, 'the fault to be applied');
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
    expect((await proxyState(toxiproxy.url, name)).enabled).toBe(false);
    expect((await probe(url)).status).toBe('error');
    expect(chaos.activeFaultIds()).toEqual(['llm-down']);
    // Other endpoints are untouched.
    expect((await probe(`${chaos.endpointUrls['llm-secondary-eu']}/__callstorm/health`)).status).toBe(200);

    await eventually(() => chaos.log.some((e) => e.event === 'removed'), 3000, 'the fault to be removed');
    expect(clock.now()).toBeGreaterThanOrEqual(360_000);
    expect((await proxyState(toxiproxy.url, name)).enabled).toBe(true);
    expect((await probe(url)).status).toBe(200);
    expect(chaos.activeFaultIds()).toEqual([]);

    await chaos.finish();
    const lines = readFaultLog(join(dir, 'down.jsonl'));
    const applied = lines.find((e) => e.event === 'applied')!;
    const removed = lines.find((e) => e.event === 'removed')!;
    expect(applied).toMatchObject({
      faultId: 'llm-down',
      target: 'llm-primary-eu',
      via: 'toxiproxy',
      type: 'down',
      plannedMs: 60_000,
    });
    expect(removed).toMatchObject({ faultId: 'llm-down', plannedMs: 360_000, detail: { by: 'timeline' } });
    // On time within 100 ms of wall time (60 s of scenario time at speed 600) on a busy machine.
    expect(applied.scenarioMs - 60_000).toBeLessThan(60_000);
    expect(removed.scenarioMs - 360_000).toBeLessThan(60_000);
    expect(Date.parse(applied.at)).toBeLessThan(Date.parse(removed.at));
    expect(lines.at(-1)).toMatchObject({ event: 'rollback', detail: { step: 'teardown', complete: true } });
  });

  test('latency: a named toxic is visible in Toxiproxy while active and slows requests', async () => {
    const drill = drillOf([
      {
        id: 'crm-slow',
        at: '30s',
        duration: '10m',
        target: 'crm',
        network: { toxic: 'latency', attributes: { latency: 300 } },
      },
    ]);
    const chaos = await ChaosOrchestrator.create(options(drill, 'lat'));
    const url = `${chaos.endpointUrls['crm']}/v1/accounts/40001554/balance`;
    const before = await probe(url);
    expect(before.status).toBe(200);
    chaos.start(createRunClock(SPEED));
    await eventually(() => chaos.log.some((e) => e.event === 'applied'), 3000, 'the toxic');
    const state = await proxyState(toxiproxy.url, 'callstorm-lat-crm');
    expect(state.toxics).toEqual([
      expect.objectContaining({ name: 'crm-slow', type: 'latency', attributes: { latency: 300, jitter: 0 } }),
    ]);
    const slow = await probe(url);
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    await eventually(() => chaos.log.some((e) => e.event === 'removed'), 3000, 'the toxic to go');
    expect((await proxyState(toxiproxy.url, 'callstorm-lat-crm')).toxics).toEqual([]);
    expect((await probe(url)).ms).toBeLessThan(250);
    await chaos.finish();
  });

  test('simulator faults go through the control API at their times', async () => {
    const drill = drillOf([
      {
        id: 'crm-throttle',
        at: '30s',
        duration: '3m',
        target: 'crm',
        // 0.01 a scenario second: at ×600 the simulator is told 6 a wall second.
        simulator: { type: 'rate-limit', params: { rps: 0.01, burst: 1 } },
      },
    ]);
    const chaos = await ChaosOrchestrator.create(options(drill, 'sim'));
    const faults = async () =>
      (
        (await (await fetch(`${suite.crm.controlUrl}/faults`)).json()) as { id: string; params: unknown }[]
      ).map((f) => f.id);
    chaos.start(createRunClock(SPEED));
    await eventually(() => chaos.log.some((e) => e.event === 'applied'), 3000, 'the fault');
    expect(await faults()).toEqual(['crm-throttle']);
    const url = `${chaos.endpointUrls['crm']}/v1/accounts/40001554/balance`;
    const statuses = [(await probe(url)).status, (await probe(url)).status];
    expect(statuses).toEqual([200, 429]);
    await eventually(() => chaos.log.some((e) => e.event === 'removed'), 3000, 'the fault to go');
    expect(await faults()).toEqual([]);
    expect(events(chaos.log, 'crm-throttle')).toEqual(['applied', 'removed']);
    expect(chaos.log.find((e) => e.event === 'applied')).toMatchObject({
      via: 'simulator',
      type: 'rate-limit',
      detail: { spec: { params: { rps: 6, burst: 1 } } },
    });
    await chaos.finish();
  });

  test('finish mid-fault removes every toxic, re-enables and deletes the proxies, clears simulator faults', async () => {
    const drill = drillOf([
      { id: 'llm-down', at: '0s', duration: '1h', target: 'llm-primary-eu', network: { toxic: 'down' } },
      {
        id: 'asr-slow',
        at: '0s',
        duration: '1h',
        target: 'asr',
        network: { toxic: 'latency', attributes: { latency: 100 } },
      },
      {
        id: 'tts-reset',
        at: '0s',
        duration: '1h',
        target: 'tts',
        network: { toxic: 'reset_peer', toxicity: 0.5 },
      },
      { id: 'asr-noop', at: '0s', duration: '1h', target: 'asr', simulator: { type: 'noop' } },
    ]);
    const chaos = await ChaosOrchestrator.create(options(drill, 'fin'));
    chaos.start(createRunClock(SPEED));
    await eventually(() => chaos.log.filter((e) => e.event === 'applied').length === 4, 3000, 'four faults');
    expect((await proxyState(toxiproxy.url, 'callstorm-fin-llm-primary-eu')).enabled).toBe(false);
    expect((await proxyState(toxiproxy.url, 'callstorm-fin-tts')).toxics).toEqual([
      expect.objectContaining({ type: 'reset_peer', toxicity: 0.5 }),
    ]);
    const report = await chaos.finish();
    expect(report.complete).toBe(true);
    expect(await chaos.finish()).toBe(report); // idempotent
    expect((await proxyNames(toxiproxy.url)).filter((n) => n.startsWith(proxyPrefixFor('fin')))).toEqual([]);
    expect(await (await fetch(`${suite.asr.controlUrl}/faults`)).json()).toEqual([]);
    for (const id of ['llm-down', 'asr-slow', 'tts-reset', 'asr-noop']) {
      expect(events(chaos.log, id)).toEqual(['applied', 'removed']);
    }
  });

  test('a stop condition fires on synthetic records: abort event, faults rolled back, timeline cancelled', async () => {
    const drill = drillOf(
      [
        {
          id: 'crm-slow',
          at: '0s',
          duration: '1h',
          target: 'crm',
          network: { toxic: 'latency', attributes: { latency: 50 } },
        },
        { id: 'later', at: '50m', duration: '5m', target: 'crm', network: { toxic: 'down' } },
      ],
      {
        stopConditions: [
          { name: 'failure burn', outcomes: ['failed'], window: '5m', maxRate: 0.5, minCalls: 4 },
        ],
      },
    );
    const chaos = await ChaosOrchestrator.create(options(drill, 'stop'));
    const aborts: unknown[] = [];
    chaos.on('abort', (t) => aborts.push(t));
    chaos.start(createRunClock(SPEED));
    await eventually(() => chaos.log.some((e) => e.event === 'applied'), 3000, 'the toxic');
    const record = (endedAtMs: number, outcome: 'resolved' | 'failed') => ({ endedAtMs, outcome }) as never;
    chaos.observe(record(60_000, 'resolved'));
    chaos.observe(record(61_000, 'failed'));
    chaos.observe(record(62_000, 'failed'));
    expect(aborts).toEqual([]); // 3 calls < minCalls
    chaos.observe(record(63_000, 'failed'));
    expect(aborts).toEqual([expect.objectContaining({ condition: 'failure burn', calls: 4, rate: 0.75 })]);
    expect(chaos.aborted?.reason).toContain('failed rate 0.75');
    await chaos.rollback();
    expect((await proxyState(toxiproxy.url, 'callstorm-stop-crm')).toxics).toEqual([]);
    expect(events(chaos.log, 'later')).toEqual([]); // never applied
    expect(chaos.log.find((e) => e.event === 'abort')).toMatchObject({
      detail: { condition: 'failure burn' },
    });
    await chaos.finish();
  });

  test('a rollback that cannot reach Toxiproxy gives up within its bound and says what is left', async () => {
    const frozen = await startTestToxiproxy();
    const chaos = await ChaosOrchestrator.create({
      ...options(
        drillOf([
          {
            id: 'crm-slow',
            at: '0s',
            duration: '1h',
            target: 'crm',
            network: { toxic: 'latency', attributes: { latency: 10 } },
          },
        ]),
        'frozen',
      ),
      toxiproxy: { url: frozen.url },
      rollbackTimeoutMs: 300,
    });
    chaos.start(createRunClock(SPEED));
    await eventually(() => chaos.log.some((e) => e.event === 'applied'), 3000, 'the toxic');
    const serverPid = frozen.pid!;
    expect(serverPid).toBeGreaterThan(0);
    // Freeze the server: it accepts connections but never answers.
    process.kill(serverPid, 'SIGSTOP');
    try {
      const start = performance.now();
      const report = await chaos.finish();
      expect(performance.now() - start).toBeLessThan(4000);
      expect(report.complete).toBe(false);
      expect(report.leftovers.join('\n')).toContain('crm-slow');
    } finally {
      process.kill(serverPid, 'SIGCONT');
      await frozen.stop();
    }
  });

  test('a drill naming an unknown endpoint or a fault its simulator cannot take is refused before anything starts', async () => {
    for (const method of [
      [{ id: 'x', at: '0s', duration: '1m', target: 'llm-mars', network: { toxic: 'down' } }],
      [
        {
          id: 'x',
          at: '0s',
          duration: '1m',
          target: 'crm',
          simulator: { type: 'llm-slow-first-token', params: { ms: 10 } },
        },
      ],
    ]) {
      try {
        await ChaosOrchestrator.create(options(drillOf(method), 'bad'));
        throw new Error('expected an error');
      } catch (error) {
        if (!isCallstormError(error)) throw error;
        expect(['CS_ERR_UNKNOWN_NAME', 'CS_ERR_FAULT_INVALID']).toContain(error.code);
      }
    }
    expect((await proxyNames(toxiproxy.url)).filter((n) => n.startsWith(proxyPrefixFor('bad')))).toEqual([]);
  });
});

describe('chaos orchestrator without Toxiproxy (emulated)', () => {
  test('network faults become simulator faults, the ones that cannot be emulated are skipped, and the result says so', async () => {
    const drill = drillOf([
      { id: 'llm-down', at: '30s', duration: '3m', target: 'llm-primary-eu', network: { toxic: 'down' } },
      {
        id: 'crm-slow',
        at: '30s',
        duration: '3m',
        target: 'crm',
        network: { toxic: 'latency', attributes: { latency: 200 } },
      },
      {
        id: 'tts-thin',
        at: '30s',
        duration: '3m',
        target: 'tts',
        network: { toxic: 'bandwidth', attributes: { rate: 8 } },
      },
    ]);
    const chaos = await ChaosOrchestrator.create({
      runId: 'emu',
      drill,
      endpoints: suite.endpoints,
      faultsLogPath: join(dir, 'emu.jsonl'),
      toxiproxy: { url: null, serverPath: join(dir, 'no-such-toxiproxy-server') },
    });
    expect(chaos.mode).toBe('emulated');
    expect(chaos.toxiproxy.mode).toBe('emulated');
    expect(chaos.toxiproxy.reason).toContain('setup:toxiproxy');
    expect(chaos.endpointUrls['crm']).toBe(suite.crm.url);
    expect(chaos.emulation).toEqual([
      expect.objectContaining({ faultId: 'llm-down', toxic: 'down', as: 'network-outage refuse' }),
      expect.objectContaining({ faultId: 'crm-slow', toxic: 'latency', as: 'latency' }),
      expect.objectContaining({
        faultId: 'tts-thin',
        toxic: 'bandwidth',
        as: null,
        note: expect.stringContaining('cannot be emulated'),
      }),
    ]);
    chaos.start(createRunClock(SPEED));
    await eventually(
      () => chaos.log.filter((e) => e.event === 'applied' || e.event === 'skipped').length === 3,
      3000,
      'the faults',
    );
    const llm = suite.llm['llm-primary-eu']!;
    const chat = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hello' }] }),
    };
    expect((await probe(`${llm.url}/v1/chat/completions`, chat)).status).toBe('error');
    // The other LLM endpoints answer (400 or 200: not a network error).
    expect((await probe(`${suite.llm['llm-secondary-eu']!.url}/v1/chat/completions`, chat)).status).not.toBe(
      'error',
    );
    expect((await probe(`${suite.crm.url}/v1/accounts/40001554/balance`)).ms).toBeGreaterThanOrEqual(190);
    expect(chaos.activeFaultIds().sort()).toEqual(['crm-slow', 'llm-down']);
    expect(chaos.log.find((e) => e.faultId === 'llm-down' && e.event === 'applied')).toMatchObject({
      via: 'emulated',
      detail: { spec: { type: 'network-outage', params: { mode: 'refuse' } }, emulates: 'down' },
    });
    expect(chaos.log.find((e) => e.faultId === 'tts-thin')).toMatchObject({ event: 'skipped' });
    await eventually(
      () => chaos.log.filter((e) => e.event === 'removed').length === 2,
      3000,
      'the faults to go',
    );
    expect((await probe(`${suite.crm.url}/v1/accounts/40001554/balance`)).status).toBe(200);
    const report = await chaos.finish();
    expect(report.complete).toBe(true);
  });
});
