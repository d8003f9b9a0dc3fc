import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ChaosEndpoint, ChaosOrchestrator } from '../../src/chaos/chaos-orchestrator.ts';
import { proxyPrefixFor } from '../../src/chaos/dependency-proxies.ts';
import { type Drill, parseDrill } from '../../src/chaos/drill-schema.ts';
import { freeLoopbackPort } from '../../src/chaos/toxiproxy-provisioner.ts';
import { createRunClock } from '../../src/driver/run-clock.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../src/simulation/start-simulators.ts';
import {
  describeWithToxiproxy,
  eventually,
  type ProxyState,
  proxyNames,
  proxyState,
  startTestToxiproxy,
} from './toxiproxy-for-tests.ts';

const dir = mkdtempSync(join(tmpdir(), 'callstorm-shared-'));
const FIXTURE = fileURLToPath(new URL('../fixtures/chaos-run.ts', import.meta.url));

function drillOf(method: unknown[], extra: Record<string, unknown> = {}): Drill {
  return parseDrill(
    {
      kind: 'Drill',
      name: 'shared',
      title: 'shared Toxiproxy',
      steadyStateHypothesis: { probes: [{ name: 'containment', metric: 'containment', min: 0 }] },
      method,
      ...extra,
    },
    'test',
  );
}

const latency = (id: string, target: string, ms: number) => ({
  id,
  at: '0s',
  duration: '1h',
  target,
  network: { toxic: 'latency', attributes: { latency: ms } },
});

describeWithToxiproxy('two runs on one shared Toxiproxy never touch each other’s proxies', () => {
  let suite: SimulatorSuite;
  let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
  /** As TOXIPROXY_URL gives it: a server someone else runs, shared by every run. */
  const shared = () => ({ url: toxiproxy.url });
  const ours = async (runId: string) =>
    (await proxyNames(toxiproxy.url)).filter((n) => n.startsWith(proxyPrefixFor(runId))).sort();
  const handMade = async (name: string, upstream: string, enabled = true) => {
    const res = await fetch(`${toxiproxy.url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream, enabled }),
    });
    expect(res.status).toBe(201);
  };
  const nobody = async () => `127.0.0.1:${await freeLoopbackPort()}`;
  const stateOf = async (runId: string): Promise<Record<string, ProxyState>> =>
    Object.fromEntries(
      await Promise.all(
        (await ours(runId)).map(async (n) => [n, await proxyState(toxiproxy.url, n)] as const),
      ),
    );

  beforeAll(async () => {
    suite = await startSimulators({
      scenario: loadScenario({ vertical: 'collections', stage: 'scale' }),
      seed: 1,
      latency: 'zero',
    });
    toxiproxy = await startTestToxiproxy();
  });
  afterAll(async () => {
    await toxiproxy?.stop();
    await suite?.close();
  });

  test('each run sees only its own toxics; sweeps and rollbacks leave the other run alone, even while its simulators refuse connections', async () => {
    // Run A's simulators are still starting: nothing listens behind its proxies yet.
    const starting: ChaosEndpoint[] = await Promise.all(
      suite.endpoints.map(async (e) => {
        const url = `http://${await nobody()}`;
        return { ...e, url, controlUrl: `${url}/__callstorm` };
      }),
    );
    const a = await ChaosOrchestrator.create({
      runId: 'share-a',
      drill: drillOf(
        [
          latency('a-slow', 'crm', 300),
          { id: 'a-down', at: '0s', duration: '1h', target: 'tts', network: { toxic: 'down' } },
        ],
        // Its simulators' control APIs are not up either: nothing to clear there.
        { rollbacks: ['reset-proxies'] },
      ),
      endpoints: starting,
      faultsLogPath: join(dir, 'a.jsonl'),
      toxiproxy: shared(),
    });
    let b: ChaosOrchestrator | null = null;
    try {
      a.start(createRunClock(600));
      await eventually(() => a.log.filter((e) => e.event === 'applied').length === 2, 3000, 'A’s faults');
      const aBefore = await stateOf('share-a');
      expect(Object.keys(aBefore)).toHaveLength(suite.endpoints.length + 1); // + its lease

      // A run that was killed: its lease's port is closed, though its proxy's upstream answers
      // (the port went to someone else). The lease, not the upstream, says it is dead.
      await handMade('callstorm-gone-_lease', await nobody(), false);
      await handMade('callstorm-gone-crm', new URL(suite.crm.url).host);

      b = await ChaosOrchestrator.create({
        runId: 'share-b',
        drill: drillOf([
          latency('b-slow', 'crm', 20),
          { id: 'b-reset', at: '0s', duration: '1h', target: 'asr', network: { toxic: 'reset_peer' } },
        ]),
        endpoints: suite.endpoints,
        faultsLogPath: join(dir, 'b.jsonl'),
        toxiproxy: shared(),
      });
      expect(b.staleProxiesRemoved).toEqual(['callstorm-gone-_lease', 'callstorm-gone-crm']);
      expect(await stateOf('share-a')).toEqual(aBefore);

      b.start(createRunClock(600));
      await eventually(() => b!.log.filter((e) => e.event === 'applied').length === 2, 3000, 'B’s faults');
      const crmToxics = async (runId: string) =>
        (await proxyState(toxiproxy.url, `callstorm-${runId}-crm`)).toxics.map((t) => t.name);
      expect(await crmToxics('share-a')).toEqual(['a-slow']);
      expect(await crmToxics('share-b')).toEqual(['b-slow']);
      expect((await proxyState(toxiproxy.url, 'callstorm-share-a-tts')).enabled).toBe(false);
      expect((await proxyState(toxiproxy.url, 'callstorm-share-b-tts')).enabled).toBe(true);
      // B's traffic crosses only B's toxics: 20 ms, not A's 300 ms.
      const start = performance.now();
      const res = await fetch(`${b.endpointUrls['crm']}/v1/accounts/40001554/balance`);
      expect(res.status).toBe(200);
      expect(performance.now() - start).toBeLessThan(290);
      const bBefore = await stateOf('share-b');

      // A third run comes and goes: its sweep and its rollback (reset-proxies) touch neither.
      const c = await ChaosOrchestrator.create({
        runId: 'share-c',
        drill: drillOf([latency('c-slow', 'crm', 10)]),
        endpoints: suite.endpoints,
        faultsLogPath: join(dir, 'c.jsonl'),
        toxiproxy: shared(),
      });
      expect(c.staleProxiesRemoved).toEqual([]);
      c.start(createRunClock(600));
      await eventually(() => c.log.some((e) => e.event === 'applied'), 3000, 'C’s fault');
      expect((await c.finish()).complete).toBe(true);
      expect(await ours('share-c')).toEqual([]);
      expect(await stateOf('share-a')).toEqual(aBefore);
      expect(await stateOf('share-b')).toEqual(bBefore);

      expect((await b.finish()).complete).toBe(true);
      expect(await ours('share-b')).toEqual([]);
      expect(await stateOf('share-a')).toEqual(aBefore);
    } finally {
      await b?.finish();
      expect((await a.finish()).complete).toBe(true);
    }
    expect(await ours('share-a')).toEqual([]);
  });

  test('a second run with the id of a live one is refused and touches nothing of it', async () => {
    const a = await ChaosOrchestrator.create({
      runId: 'twice',
      drill: drillOf([latency('slow', 'crm', 100)]),
      endpoints: suite.endpoints,
      faultsLogPath: join(dir, 'twice-1.jsonl'),
      toxiproxy: shared(),
    });
    try {
      a.start(createRunClock(600));
      await eventually(() => a.log.some((e) => e.event === 'applied'), 3000, 'the fault');
      const before = await stateOf('twice');
      const error = await ChaosOrchestrator.create({
        runId: 'twice',
        endpoints: suite.endpoints,
        faultsLogPath: join(dir, 'twice-2.jsonl'),
        toxiproxy: shared(),
      }).then(
        () => null,
        (e: unknown) => e,
      );
      if (!isCallstormError(error)) throw error ?? new Error('expected the second run to be refused');
      expect(error.code).toBe('CS_ERR_TOXIPROXY_IN_USE');
      expect(error.message).toContain('callstorm-twice-_lease');
      expect(error.hint).toContain('curl -X DELETE');
      expect(await stateOf('twice')).toEqual(before);
    } finally {
      await a.finish();
    }
  });

  test('a proxy in the way is replaced only when provably dead', async () => {
    // A killed run with this id: its lease and its proxies go, and the new run starts.
    await handMade('callstorm-again-_lease', await nobody(), false);
    await handMade('callstorm-again-crm', await nobody());
    const again = await ChaosOrchestrator.create({
      runId: 'again',
      endpoints: suite.endpoints,
      faultsLogPath: join(dir, 'again.jsonl'),
      toxiproxy: shared(),
    });
    expect(again.staleProxiesRemoved).toEqual(['callstorm-again-_lease', 'callstorm-again-crm']);
    expect((await proxyState(toxiproxy.url, 'callstorm-again-crm')).listen).not.toBe('127.0.0.1:0');
    await again.finish();

    // Not leased by any run, but something answers behind it: it may be in use, so it stays.
    await handMade('callstorm-taken-crm', new URL(suite.crm.url).host);
    const before = await proxyState(toxiproxy.url, 'callstorm-taken-crm');
    const error = await ChaosOrchestrator.create({
      runId: 'taken',
      endpoints: suite.endpoints,
      faultsLogPath: join(dir, 'taken.jsonl'),
      toxiproxy: shared(),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    if (!isCallstormError(error)) throw error ?? new Error('expected the run to be refused');
    expect(error.code).toBe('CS_ERR_TOXIPROXY_IN_USE');
    expect(error.message).toContain('callstorm-taken-crm');
    expect(await proxyState(toxiproxy.url, 'callstorm-taken-crm')).toEqual(before);
    // The refused run leaves nothing of its own behind, lease included.
    expect(await ours('taken')).toEqual(['callstorm-taken-crm']);
    await fetch(`${toxiproxy.url}/proxies/callstorm-taken-crm`, { method: 'DELETE' });
  });

  test('a run killed with SIGKILL: its lease dies with it, and the next run deletes its proxies and its lease', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', FIXTURE, 'killed', join(dir, 'killed.jsonl'), 'wait'],
      { env: { ...process.env, TOXIPROXY_URL: toxiproxy.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('"ready"')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`fixture exited (${code}) before it was ready:\n${stderr}`)),
      );
    });
    const left = await ours('killed');
    expect(left).toContain('callstorm-killed-_lease');
    expect(left).toHaveLength(suite.endpoints.length + 1);
    child.kill('SIGKILL');
    await exited;
    expect(await ours('killed')).toEqual(left); // no code of the run ran
    const next = await ChaosOrchestrator.create({
      runId: 'after-kill',
      endpoints: suite.endpoints,
      faultsLogPath: join(dir, 'after-kill.jsonl'),
      toxiproxy: shared(),
    });
    try {
      expect(next.staleProxiesRemoved).toEqual(left);
      expect(await ours('killed')).toEqual([]);
    } finally {
      await next.finish();
    }
  });
});
