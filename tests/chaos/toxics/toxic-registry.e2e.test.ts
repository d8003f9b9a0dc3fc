import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChaosOrchestrator } from '../../../src/chaos/chaos-orchestrator.ts';
import { parseDrill } from '../../../src/chaos/drill-schema.ts';
import {
  networkFaultSchema,
  TOXIC_NAMES,
  toxicByName,
  toxicRegistry,
} from '../../../src/chaos/toxics/toxic-registry.ts';
import { createRunClock } from '../../../src/driver/run-clock.ts';
import { isCallstormError } from '../../../src/errors/callstorm-error.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../../src/simulation/start-simulators.ts';
import { describeWithToxiproxy, eventually, proxyState, startTestToxiproxy } from '../toxiproxy-for-tests.ts';

const OFFERED = ['latency', 'timeout', 'reset_peer', 'bandwidth', 'slicer', 'limit_data', 'down', 'noop'];

/** The smallest valid attributes of each toxic (required ones only). */
const MINIMAL: Record<string, Record<string, number>> = {
  latency: { latency: 120 },
  timeout: { timeout: 0 },
  reset_peer: {},
  bandwidth: { rate: 64 },
  slicer: { average_size: 64 },
  limit_data: { bytes: 4096 },
  down: {},
  noop: {},
};

describe('toxic registry', () => {
  test('every toxic callstorm offers, each under its own name, with a description', () => {
    expect(TOXIC_NAMES).toEqual(OFFERED);
    for (const name of TOXIC_NAMES) {
      const toxic = toxicRegistry[name];
      expect(toxic.name).toBe(name);
      expect(toxic.description.length).toBeGreaterThan(10);
      expect(toxic.scope).toBe(name === 'down' ? 'proxy' : 'connection');
    }
  });

  test('an unknown toxic is an error that lists the valid names', () => {
    try {
      toxicByName('lag');
      throw new Error('expected an error');
    } catch (error) {
      if (!isCallstormError(error)) throw error;
      expect(error.code).toBe('CS_ERR_UNKNOWN_NAME');
      expect(error.message).toContain('unknown toxic "lag"');
      expect(error.hint).toBe(`valid names: ${OFFERED.join(', ')}`);
    }
    expect(() => toxicByName('toString')).toThrow(/unknown toxic "toString"/);
  });

  test('a drill fault fills in each toxic’s defaults; down takes no toxicity or stream', () => {
    for (const name of TOXIC_NAMES) {
      const parsed = networkFaultSchema.parse({ toxic: name, attributes: MINIMAL[name] });
      expect(parsed.toxic).toBe(name);
      if (name === 'down') expect(parsed).toEqual({ toxic: 'down', attributes: {} });
      else expect(parsed).toMatchObject({ toxicity: 1, stream: 'downstream' });
    }
    expect(
      networkFaultSchema.parse({ toxic: 'slicer', attributes: { average_size: 64 } }).attributes,
    ).toEqual({
      average_size: 64,
      size_variation: 0,
      delay: 0,
    });
    expect(networkFaultSchema.parse({ toxic: 'reset_peer' }).attributes).toEqual({ timeout: 0 });
    expect(networkFaultSchema.safeParse({ toxic: 'down', toxicity: 0.5 }).success).toBe(false);
    expect(
      networkFaultSchema.safeParse({ toxic: 'slicer', attributes: { average_size: 8, size_variation: 8 } })
        .success,
    ).toBe(false);
  });

  test('without Toxiproxy: what stands in for each toxic, or why nothing can', () => {
    const standIns = Object.fromEntries(
      TOXIC_NAMES.map((name) => {
        const toxic = toxicByName(name);
        const attributes = toxic.attributes.parse(MINIMAL[name]);
        const e = toxic.emulate({ name: 'f', attributes, toxicity: 1, stream: 'downstream' });
        return [name, 'emulated' in e ? e.emulated.label : null];
      }),
    );
    expect(standIns).toEqual({
      latency: 'latency',
      timeout: 'network-outage hang',
      reset_peer: 'network-outage refuse',
      bandwidth: null,
      slicer: null,
      limit_data: null,
      down: 'network-outage refuse',
      noop: 'noop',
    });
    const latency = toxicByName('latency').emulate({
      name: 'f',
      attributes: { latency: 800, jitter: 200 },
      toxicity: 0.5,
      stream: 'upstream',
    });
    expect(latency).toEqual({
      emulated: {
        type: 'latency',
        params: { ms: 800, jitter: 200 },
        probability: 0.5,
        label: 'latency',
        note: expect.stringMatching(/once per response.*rather than the request.*drawn per request/),
      },
    });
  });

  test('no shipped toxic scales with --speed: each is real network time or a size', () => {
    for (const name of TOXIC_NAMES) expect(toxicRegistry[name].scalesWithSpeed).toEqual({});
  });
});

describeWithToxiproxy('every toxic against a real Toxiproxy', () => {
  let suite: SimulatorSuite;
  let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
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

  test('each is applied under its fault id with its attributes and defaults, and removed at its end', async () => {
    const connectionToxics = TOXIC_NAMES.filter((n) => n !== 'down');
    const drill = parseDrill(
      {
        kind: 'Drill',
        name: 'every-toxic',
        title: 'every toxic at once',
        steadyStateHypothesis: { probes: [{ name: 'containment', metric: 'containment', min: 0 }] },
        method: [
          ...connectionToxics.map((name) => ({
            id: `t-${name.replace('_', '-')}`,
            at: '0s',
            duration: '1h',
            target: 'crm',
            network: { toxic: name, attributes: MINIMAL[name], toxicity: 0.5, stream: 'upstream' },
          })),
          { id: 't-down', at: '0s', duration: '1h', target: 'tts', network: { toxic: 'down' } },
        ],
      },
      'every-toxic',
    );
    const chaos = await ChaosOrchestrator.create({
      runId: 'every-toxic',
      drill,
      endpoints: suite.endpoints,
      faultsLogPath: join(mkdtempSync(join(tmpdir(), 'callstorm-toxics-')), 'faults.jsonl'),
      toxiproxy: { url: toxiproxy.url },
    });
    try {
      chaos.start(createRunClock(600));
      await eventually(
        () => chaos.log.filter((e) => e.event === 'applied').length === TOXIC_NAMES.length,
        5000,
        'every toxic applied',
      );
      const crm = await proxyState(toxiproxy.url, 'callstorm-every-toxic-crm');
      const byName = Object.fromEntries(crm.toxics.map((t) => [t.name, t]));
      for (const name of connectionToxics) {
        const toxic = toxicByName(name);
        expect(byName[`t-${name.replace('_', '-')}`]).toEqual({
          name: `t-${name.replace('_', '-')}`,
          type: name,
          stream: 'upstream',
          toxicity: 0.5,
          attributes: toxic.attributes.parse(MINIMAL[name]),
        });
      }
      expect((await proxyState(toxiproxy.url, 'callstorm-every-toxic-tts')).enabled).toBe(false);
      const report = await chaos.rollback();
      expect(report.complete).toBe(true);
      expect((await proxyState(toxiproxy.url, 'callstorm-every-toxic-crm')).toxics).toEqual([]);
      expect((await proxyState(toxiproxy.url, 'callstorm-every-toxic-tts')).enabled).toBe(true);
    } finally {
      await chaos.finish();
    }
  });
});
