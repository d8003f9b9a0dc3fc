import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadDrill } from '../../src/chaos/drill-schema.ts';
import { createRunChaos } from '../../src/chaos/run-chaos.ts';
import { executeRun } from '../../src/driver/execute-run.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { simulatorsLineSchema } from '../../src/simulation/simulators-line.ts';
import { simulatorEndpointNames } from '../../src/simulation/start-simulators.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';
import { canListen } from '../../src/util/ports.ts';
import { describeWithToxiproxy, eventually, startTestToxiproxy } from '../chaos/toxiproxy-for-tests.ts';
import { SHORT_RUN } from '../driver/run-fixtures.ts';
import { BIN } from '../helpers/run-cli.ts';
import { spawnCli } from '../helpers/spawn-cli.ts';

const NAMES = simulatorEndpointNames();
const WINDOW = '2026-03-02T09:00/2026-03-02T09:30';
const DRILL = fileURLToPath(new URL('../fixtures/drills/short-llm-outage.yaml', import.meta.url));
const AGENT_CMD = `exec "${process.execPath}" "${BIN}" agent --profile production --port $PORT`;
const outDir = (name: string) => join(mkdtempSync(join(tmpdir(), `callstorm-ports-${name}-`)), 'run');
const portOf = (url: string) => Number(new URL(url).port);

/**
 * A base whose NAMES.length ports are free now, chosen at random (so parallel test files do not
 * pick the same one) below Linux's ephemeral range (32768 up), where port-0 listeners land.
 * Something else may still take a port before we listen: the tests retry with another base when
 * the answer is "in use" for a port they did not hold.
 */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const checks = await Promise.all(NAMES.map((_, i) => canListen('127.0.0.1', base + i)));
    if (checks.every((c) => c === true)) return base;
  }
  throw new Error('no free range of ports found in 50 tries');
}

/** Runs `attempt(base)` with a free base, again with another one when a port was taken meanwhile. */
async function withFreeBase<T>(attempt: (base: number) => Promise<T | 'taken'>): Promise<T> {
  for (let i = 0; i < 3; i++) {
    const result = await attempt(await freeBase());
    if (result !== 'taken') return result;
  }
  throw new Error('the ports kept being taken by something else');
}
const taken = (stderr: string) => stderr.includes('CS_ERR_PORT_IN_USE');

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function runArgs(out: string, extra: readonly string[]): string[] {
  return [
    'run',
    '--vertical',
    'appointments',
    '--stage',
    'hardening',
    '--window',
    WINDOW,
    '--seed',
    '3',
    '--speed',
    // ×900 makes the simulators' event loop lag past the harness limits on a busy 2-core machine.
    '240',
    '--latency',
    'zero',
    '--no-progress',
    '--out',
    out,
    ...extra,
  ];
}

describe('--simulators-port-base: fixed, documented ports', () => {
  test('callstorm simulators puts asr, tts, crm and the LLM endpoints on N, N+1, … in that order', async () => {
    const ports = await withFreeBase(async (base) => {
      const sims = spawnCli([
        'simulators',
        '--vertical',
        'appointments',
        '--stage',
        'hardening',
        '--simulators-port-base',
        String(base),
      ]);
      try {
        await eventually(
          () => sims.output.stdout.includes('\n') || sims.child.exitCode !== null,
          30_000,
          'its URLs',
        );
        if (taken(sims.output.stderr)) return 'taken';
        const line = simulatorsLineSchema.parse(JSON.parse(sims.output.stdout.split('\n')[0]!));
        return { base, got: Object.entries(line.simulators).map(([name, s]) => [name, portOf(s.url)]) };
      } finally {
        sims.child.kill('SIGTERM');
        await sims.done;
      }
    });
    expect(ports.got).toEqual(NAMES.map((name, i) => [name, ports.base + i]));
    expect(NAMES).toEqual(['asr', 'tts', 'crm', 'llm-primary-eu', 'llm-secondary-eu', 'llm-us', 'twilio']);
  });

  test('a port of the range in use: exit 2 naming the port and what it was for (simulators and run)', async () => {
    const base = await freeBase();
    const blocker = await listenOn(base + 2);
    try {
      const sims = await spawnCli([
        'simulators',
        '--vertical',
        'appointments',
        '--stage',
        'hardening',
        '--simulators-port-base',
        String(base),
      ]).done;
      expect(sims.code).toBe(2);
      expect(sims.stderr).toContain(
        `CS_ERR_PORT_IN_USE: cannot listen on 127.0.0.1:${base + 2}: it is in use: it is the port of the crm simulator (--simulators-port-base ${base} + 2)`,
      );
      const out = outDir('in-use');
      const run = await spawnCli(runArgs(out, ['--simulators-port-base', String(base)])).done;
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${base + 2}`);
      const beyond = await spawnCli(runArgs(outDir('beyond'), ['--simulators-port-base', '65533'])).done;
      expect(beyond.code).toBe(2);
      expect(beyond.stderr).toContain(
        'bad value for --simulators-port-base: 65533 leaves no room for 7 ports (asr, tts, crm, llm-primary-eu, llm-secondary-eu, llm-us, twilio)',
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('callstorm run: the agent started with --agent-cmd finds the simulators on the fixed ports; --wiring-out says so', async () => {
    const r = await withFreeBase(async (base) => {
      const out = outDir('run');
      const wiringOut = join(out, '..', 'wiring.json');
      const args = [
        '--simulators-port-base',
        String(base),
        '--agent-cmd',
        AGENT_CMD,
        '--wiring-out',
        wiringOut,
      ];
      const done = await spawnCli(runArgs(out, args)).done;
      return taken(done.stderr) ? 'taken' : { base, out, wiringOut, done };
    });
    expect(r.done.code, r.done.stderr).toBe(0);
    const line = simulatorsLineSchema.parse(JSON.parse(readFileSync(r.wiringOut, 'utf8')));
    expect(Object.values(line.simulators).map((s) => portOf(s.url))).toEqual(NAMES.map((_, i) => r.base + i));
    const manifest = JSON.parse(readFileSync(join(r.out, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.wiring).toMatchObject({ portBase: r.base, file: r.wiringOut, proxies: [] });
    expect(manifest.wiring!.check).toMatchObject({ result: 'passed' });
  });

  test('with a drill and no Toxiproxy there are no proxies to fix: refused, saying why', async () => {
    const base = await freeBase();
    const drill = loadDrill(DRILL);
    const error = await executeRun({
      ...SHORT_RUN,
      agent: 'reference:production',
      simulatorsPortBase: base,
      drill: drill.name,
      chaos: (ctx) => createRunChaos({ drill, seed: SHORT_RUN.seed, ...ctx, toxiproxy: { emulate: true } }),
      out: outDir('emulated'),
    }).catch((e: unknown) => e);
    expect(isCallstormError(error) && error.code).toBe('CS_ERR_BAD_ARGUMENT');
    expect((error as Error).message).toContain(
      "bad value for --simulators-port-base: with a drill the fixed ports are the Toxiproxy proxies'",
    );
  });
});

describeWithToxiproxy(
  '--simulators-port-base with a drill: the Toxiproxy proxies take the fixed ports',
  () => {
    let toxiproxy: Awaited<ReturnType<typeof startTestToxiproxy>>;
    beforeAll(async () => {
      toxiproxy = await startTestToxiproxy();
    });
    afterAll(async () => {
      await toxiproxy?.stop?.();
    });

    test('the agent is wired to the proxies on N, N+1, …; the simulators behind them listen elsewhere', async () => {
      const r = await withFreeBase(async (base) => {
        const out = outDir('drill');
        const args = ['--drill', DRILL, '--simulators-port-base', String(base), '--agent-cmd', AGENT_CMD];
        const done = await spawnCli(runArgs(out, args), { TOXIPROXY_URL: toxiproxy.url }).done;
        return taken(done.stderr) ? 'taken' : { base, out, done };
      });
      expect(r.done.code, r.done.stderr).toBeLessThanOrEqual(1);
      const manifest = JSON.parse(readFileSync(join(r.out, 'manifest.json'), 'utf8')) as RunManifest;
      expect(manifest.network.mode).toBe('toxiproxy');
      const wiring = manifest.wiring!;
      expect(wiring.proxies.map((p) => [p.endpoint, p.listen])).toEqual(
        NAMES.map((name, i) => [name, `127.0.0.1:${r.base + i}`]),
      );
      expect(Object.values(wiring.simulators).map((s) => portOf(s.url))).toEqual(
        NAMES.map((_, i) => r.base + i),
      );
      for (const p of wiring.proxies)
        expect(Number(p.upstream.split(':')[1])).not.toBe(Number(p.listen.split(':')[1]));
      expect(wiring.check).toMatchObject({ result: 'passed' });
    });
  },
);
