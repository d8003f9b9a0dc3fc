import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executeRun } from '../../src/driver/execute-run.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { groupMembers } from '../../src/process/process-group.ts';
import { type SimulatorsLine, simulatorsLineSchema } from '../../src/simulation/simulators-line.ts';
import type { RunManifest } from '../../src/telemetry/run-manifest.ts';
import { eventually } from '../chaos/toxiproxy-for-tests.ts';
import { readRun, SHORT_RUN, watchingChaos } from '../driver/run-fixtures.ts';
import { processAlive } from '../helpers/process-alive.ts';
import { BIN } from '../helpers/run-cli.ts';
import { type SpawnedCli, spawnCli } from '../helpers/spawn-cli.ts';

const WINDOW = '2026-03-02T09:00/2026-03-02T09:30';
/**
 * A user's agent as a shell command: callstorm's reference agent, which reads CALLSTORM_ASR_URL,
 * CALLSTORM_TTS_URL, CALLSTORM_CRM_URL and CALLSTORM_LLM_ENDPOINTS from its environment, on
 * $PORT; with a `sleep` in the background, so the group has a process the shell left behind.
 */
const AGENT_CMD = `sleep 600 & exec "${process.execPath}" "${BIN}" agent --profile production --port $PORT`;

const outDir = (name: string) => join(mkdtempSync(join(tmpdir(), `callstorm-agent-cmd-${name}-`)), 'run');

function runArgs(out: string, speed: number, extra: readonly string[] = []): string[] {
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
    String(speed),
    '--latency',
    'zero',
    '--no-progress',
    '--out',
    out,
    ...extra,
  ];
}

const manifestOf = (dir: string): RunManifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const finishedCalls = (dir: string) => {
  try {
    return readFileSync(join(dir, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

/** Live processes whose command line is exactly `argv` (Linux /proc). */
function processesRunning(argv: readonly string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8') === wanted && processAlive(Number(name));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The pid (= process group) of the agent the run started, once the manifest has it. */
async function agentPid(dir: string): Promise<number> {
  return eventually(() => manifestOf(dir).wiring?.agent?.pid ?? 0, 60_000, 'the agent to be started');
}

describe('callstorm run --agent-cmd: the run starts the agent with its wiring, and no agent process outlives it', () => {
  test('normal end: the agent reached this run’s simulators through its environment; its group is gone afterwards', async () => {
    const out = outDir('normal');
    // A valid run: ×900 makes the simulators' event loop lag past the harness limits on a busy 2-core machine.
    const r = await spawnCli(runArgs(out, 240, ['--agent-cmd', AGENT_CMD])).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^complete: \d+ calls — resolved [1-9]/);
    const { manifest, calls, ledger } = readRun(out);
    const agent = manifest.wiring!.agent!;
    expect(agent).toMatchObject({
      command: AGENT_CMD,
      log: 'agent.log',
      url: `http://127.0.0.1:${agent.port}`,
    });
    expect(manifest.agent).toBe('http://127.0.0.1:{port}');
    expect(groupMembers(agent.pid)).toEqual([]);
    // Wired by the variables alone: the writes landed in this run's CRM, the check saw traffic.
    expect(ledger.totals.landed).toBeGreaterThan(0);
    expect(calls.some((c) => c.outcome === 'resolved')).toBe(true);
    expect(manifest.wiring!.check).toMatchObject({ result: 'passed' });
    // CALLSTORM_WIRING: the simulators line, with the URLs the manifest records.
    const wiring = simulatorsLineSchema.parse(JSON.parse(readFileSync(join(out, 'wiring.json'), 'utf8')));
    expect(wiring.simulators).toEqual(manifest.wiring!.simulators);
    expect(readFileSync(join(out, 'agent.log'), 'utf8')).toContain(
      `"agent":"http://127.0.0.1:${agent.port}"`,
    );
    expect(manifest.files).toEqual(expect.arrayContaining(['wiring.json', 'agent.log']));
  });

  test('Ctrl-C: the run exits 130 and the agent’s whole group is gone', async () => {
    const out = outDir('sigint');
    const run = spawnCli(runArgs(out, 30, ['--agent-cmd', AGENT_CMD]));
    const pid = await agentPid(out);
    await eventually(() => groupMembers(pid).length >= 2, 10_000, 'the agent and its sleep');
    await eventually(() => finishedCalls(out) > 0, 60_000, 'a call to finish');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(manifestOf(out).status).toBe('interrupted');
    expect(groupMembers(pid)).toEqual([]);
  });

  test('the run itself SIGKILLed: the reaper ends the agent’s group (SIGTERM, SIGKILL after the grace)', async () => {
    const out = outDir('sigkill');
    const run: SpawnedCli = spawnCli(runArgs(out, 30, ['--agent-cmd', AGENT_CMD]));
    const pid = await agentPid(out);
    await eventually(() => groupMembers(pid).length >= 2, 10_000, 'the agent and its sleep');
    run.child.kill('SIGKILL');
    await run.done;
    await eventually(() => groupMembers(pid).length === 0, 15_000, `process group ${pid} to end`);
  });

  test('a stop condition: the run is aborted and the agent stopped', async () => {
    const out = outDir('stop');
    const watch = watchingChaos({ abortAfter: 2 });
    const run = await executeRun({
      ...SHORT_RUN,
      speed: 60,
      wiringCheck: true,
      agent: 'http://127.0.0.1:{port}',
      agentCmd: AGENT_CMD,
      out,
      chaos: watch.factory,
    });
    expect(run.manifest).toMatchObject({ status: 'aborted', reason: 'stop condition: 2 calls seen' });
    const pid = run.manifest.wiring!.agent!.pid;
    expect(groupMembers(pid)).toEqual([]);
  });
});

describe('callstorm run --agent-cmd: an agent that does not start', () => {
  test('a command that exits: exit 2, CS_ERR_AGENT_START with the command, its exit status and its last lines', async () => {
    const out = outDir('exits');
    const cmd = 'echo "loading config"; echo "KeyError: OPENAI_MODEL" >&2; exit 3';
    const r = await spawnCli(runArgs(out, 900, ['--agent-cmd', cmd])).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `CS_ERR_AGENT_START: the agent command \`${cmd}\` exited with code 3 before 127.0.0.1:`,
    );
    expect(r.stderr).toContain('loading config\nKeyError: OPENAI_MODEL');
    expect(r.stderr).toContain(`fix: run the command yourself with PORT set`);
    expect(readFileSync(join(out, 'agent.log'), 'utf8')).toBe('loading config\nKeyError: OPENAI_MODEL\n');
    expect(manifestOf(out).status).toBe('failed');
  });

  test('a command that never listens: stopped after --agent-ready-timeout, its group gone', async () => {
    const out = outDir('never');
    // A sleep of a length no other process uses, to find it (or not) afterwards.
    const marker = `${600 + Math.floor(Math.random() * 1e6) / 1e3}`;
    const r = await spawnCli(
      runArgs(out, 900, [
        '--agent-cmd',
        `echo "waiting for a GPU"; sleep ${marker}`,
        '--agent-ready-timeout',
        '1.5',
      ]),
    ).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /did not accept a connection on 127\.0\.0\.1:\d+ within 1\.5 s \(it was stopped\)/,
    );
    expect(r.stderr).toContain('waiting for a GPU');
    expect(manifestOf(out).wiring?.agent).toBeNull(); // never ready: never recorded as started
    expect(existsSync(join(out, 'wiring.json'))).toBe(true);
    expect(processesRunning(['sleep', marker])).toEqual([]);
  });

  test('an agent that dies during the run fails the run, quoting how it went and its last output', async () => {
    const out = outDir('dies');
    const run = spawnCli(runArgs(out, 30, ['--agent-cmd', AGENT_CMD]));
    const pid = await agentPid(out);
    await eventually(() => finishedCalls(out) > 0, 60_000, 'a call to finish');
    process.kill(pid, 'SIGKILL'); // the agent crashes (its background sleep lives on)
    const r = await run.done;
    expect(r.code, r.stderr).toBe(1);
    const manifest = manifestOf(out);
    expect(manifest.status).toBe('failed');
    expect(manifest.reason).toContain(
      `the agent (\`${AGENT_CMD}\`, pid ${pid}) was killed by SIGKILL during the run; its last output (agent.log):`,
    );
    expect(manifest.reason).toContain('"agent":"http://127.0.0.1:');
    expect(groupMembers(pid)).toEqual([]);
  });

  test('an --agent address that something already listens on: not started, exit 2 (the run would drive the wrong agent)', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      const out = outDir('squatted');
      const r = await spawnCli(
        runArgs(out, 900, ['--agent-cmd', AGENT_CMD, '--agent', `http://127.0.0.1:${port}`]),
      ).done;
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `was not started: something already accepts connections on 127.0.0.1:${port}, and the run would drive that instead`,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  test('--agent-cmd with a reference agent, and {port} without --agent-cmd, are bad input (exit 2)', async () => {
    const a = await spawnCli(
      runArgs(outDir('ref'), 900, ['--agent-cmd', 'true', '--agent', 'reference:pilot']),
    ).done;
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('CS_ERR_BAD_ARGUMENT: bad value for --agent');
    const b = await spawnCli(runArgs(outDir('port'), 900, ['--agent', 'http://127.0.0.1:{port}'])).done;
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('has {port}, which only a run that starts the agent fills in');
  });
});

describe('an agent wired to separately started simulators is stopped by the wrong-wiring check', () => {
  let simulators: SpawnedCli;
  let line: SimulatorsLine;
  beforeAll(async () => {
    // What the docs used to suggest: `callstorm simulators` with the run's arguments, started apart.
    simulators = spawnCli([
      'simulators',
      '--vertical',
      'appointments',
      '--stage',
      'hardening',
      '--window',
      WINDOW,
      '--seed',
      '3',
      '--latency',
      'zero',
    ]);
    await eventually(() => simulators.output.stdout.includes('\n'), 30_000, 'its line of URLs');
    line = simulatorsLineSchema.parse(JSON.parse(simulators.output.stdout.split('\n')[0]!));
  });
  afterAll(async () => {
    simulators?.child.kill('SIGTERM');
    await simulators?.done;
  });

  /** `callstorm agent` flags naming the separate simulators: an agent that ignores the run's variables. */
  const hardWired = () => {
    const s = line.simulators;
    return [
      `--asr-url ${s.asr!.url}`,
      `--tts-url ${s.tts!.url}`,
      `--crm-url ${s.crm!.url}`,
      ...['llm-primary-eu', 'llm-secondary-eu'].map((n) => `--llm ${n}=${s[n]!.url}/v1@eu`),
    ].join(' ');
  };
  const separateRequests = async () => {
    const res = await fetch(`${line.simulators.asr!.controlUrl}/counters`);
    return ((await res.json()) as { requests: { total: number } }).requests.total;
  };

  test('an agent you started yourself: exit 2, CS_ERR_AGENT_NOT_WIRED, and what to do', async () => {
    const agent = spawnCli(['agent', '--profile', 'production', '--port', '0', ...hardWired().split(' ')]);
    try {
      const url = await eventually(
        () => /"agent":"(http:[^"]+)"/.exec(agent.output.stdout)?.[1] ?? '',
        30_000,
        'the agent to listen',
      );
      const before = await separateRequests();
      const out = outDir('not-wired');
      const r = await spawnCli(runArgs(out, 300, ['--agent', url])).done;
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(
        /^CS_ERR_AGENT_NOT_WIRED: the agent is not using this run's simulators: it answered 3 finished call\(s\) \(cs-3-\d+, cs-3-\d+, cs-3-\d+\), and this run's simulators \(asr http:\/\/127\.0\.0\.1:\d+, tts /,
      );
      expect(r.stderr).toContain("fix: let the run start the agent: `--agent-cmd '<command>'");
      expect(r.stderr).toContain('A `callstorm simulators` started on its own is not the run');
      // The agent did work — against the other simulators.
      expect(await separateRequests()).toBeGreaterThan(before);
      const manifest = manifestOf(out);
      expect(manifest.status).toBe('failed');
      expect(manifest.wiring!.check).toMatchObject({ result: 'failed' });
    } finally {
      agent.child.kill('SIGTERM');
      await agent.done;
    }
  });

  test('an --agent-cmd agent that ignores the variables: the same error, and the agent is stopped', async () => {
    const out = outDir('cmd-not-wired');
    const cmd = `exec "${process.execPath}" "${BIN}" agent --profile production --port $PORT ${hardWired()}`;
    const r = await spawnCli(runArgs(out, 300, ['--agent-cmd', cmd])).done;
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain("CS_ERR_AGENT_NOT_WIRED: the agent is not using this run's simulators");
    const pid = manifestOf(out).wiring!.agent!.pid;
    expect(groupMembers(pid)).toEqual([]);
    const error = await executeRun({
      ...SHORT_RUN,
      wiringCheck: true,
      agent: 'http://127.0.0.1:{port}',
      agentCmd: cmd,
      out: outDir('cmd-not-wired-api'),
    }).catch((e: unknown) => e);
    expect(isCallstormError(error) && error.code).toBe('CS_ERR_AGENT_NOT_WIRED');
  });
});
