import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { freeLoopbackPort } from '../../src/chaos/toxiproxy-provisioner.ts';
import {
  ChildStartError,
  type RunningChild,
  shellCommand,
  startChild,
} from '../../src/process/child-process.ts';
import { acceptsConnections, readyAtOnce, readyLine } from '../../src/process/child-readiness.ts';
import { groupMembers } from '../../src/process/process-group.ts';
import { processAlive } from '../helpers/process-alive.ts';

const CHILD_PROCESS = new URL('../../src/process/child-process.ts', import.meta.url).href;
const READINESS = new URL('../../src/process/child-readiness.ts', import.meta.url).href;
const TWO_SLEEPS = 'sleep 1000 & sleep 1000';

const started: RunningChild<unknown>[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.close()));
});

async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const logDir = () => mkdtempSync(join(tmpdir(), 'callstorm-child-'));

describe('a command in a process group of its own', () => {
  test('close() ends every process of the group, the ones the shell put in the background too', async () => {
    const child = await startChild({
      ...shellCommand(TWO_SLEEPS),
      lifetime: 'group',
      readiness: readyAtOnce,
    });
    started.push(child);
    await eventually(() => groupMembers(child.pid).length >= 2, 5_000, 'both sleeps to start');
    await child.close();
    expect(groupMembers(child.pid)).toEqual([]);
    expect(child.hasExited).toBe(true);
    await child.close(); // idempotent
  });

  test('no process of the group outlives a parent killed with SIGKILL', async () => {
    // A parent that starts the group the way a run would, then is killed without warning.
    const script = `
      const { startChild, shellCommand } = await import(${JSON.stringify(CHILD_PROCESS)});
      const { readyAtOnce } = await import(${JSON.stringify(READINESS)});
      const child = await startChild({ ...shellCommand(${JSON.stringify(TWO_SLEEPS)}), lifetime: 'group', readiness: readyAtOnce, stopGraceMs: 500 });
      process.stdout.write(JSON.stringify({ pgid: child.pid }) + '\\n');
      setTimeout(() => {}, 60_000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (d) => {
      out += String(d);
    });
    let pgid: number;
    try {
      await eventually(() => out.includes('\n'), 20_000, 'the parent to start its child');
      pgid = (JSON.parse(out) as { pgid: number }).pgid;
      await eventually(() => groupMembers(pgid).length >= 2, 5_000, 'both sleeps to start');
    } finally {
      parent.kill('SIGKILL');
    }
    await once(parent, 'exit');
    await eventually(() => groupMembers(pgid).length === 0, 5_000, `process group ${pgid} to end`);
  });

  test('a group that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const child = await startChild({
      ...shellCommand(`trap '' TERM; ${TWO_SLEEPS}`),
      lifetime: 'group',
      readiness: readyAtOnce,
      stopGraceMs: 200,
    });
    started.push(child);
    await eventually(() => groupMembers(child.pid).length >= 2, 5_000, 'both sleeps to start');
    await child.close();
    expect(groupMembers(child.pid)).toEqual([]);
    expect((await child.exited).signal).toBe('SIGKILL');
  });

  test('ready when its port accepts connections; stdout and stderr appended to the log file', async () => {
    const port = await freeLoopbackPort();
    const log = join(logDir(), 'agent.log');
    writeFileSync(log, 'an earlier line\n');
    const child = await startChild({
      ...shellCommand(
        `echo starting; echo "on $PORT" >&2; exec "${process.execPath}" -e "require('node:net').createServer().listen(Number(process.env.PORT), '127.0.0.1')"`,
      ),
      env: { ...process.env, PORT: String(port) },
      lifetime: 'group',
      readiness: acceptsConnections(port),
      logFile: log,
    });
    started.push(child);
    expect(readFileSync(log, 'utf8')).toBe(`an earlier line\nstarting\non ${port}\n`);
    expect(child.output()).toContain(`on ${port}`);
    await child.close();
    expect(groupMembers(child.pid)).toEqual([]);
  });

  test('a command that exits before it is ready fails with its exit status and its last lines', async () => {
    const log = join(logDir(), 'agent.log');
    const error = await startChild({
      ...shellCommand('echo one; echo two >&2; exit 3'),
      lifetime: 'group',
      readiness: acceptsConnections(await freeLoopbackPort()),
      logFile: log,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChildStartError);
    expect((error as ChildStartError).message).toBe('exited (code 3): one\ntwo');
    expect((error as ChildStartError).output).toBe('one\ntwo');
  });

  test('a command never ready fails after the timeout, naming what it waited for, and its group is gone', async () => {
    const port = await freeLoopbackPort();
    const error = (await startChild({
      ...shellCommand(`echo waiting; ${TWO_SLEEPS}`),
      lifetime: 'group',
      readiness: acceptsConnections(port),
      readyTimeoutMs: 300,
      logFile: join(logDir(), 'agent.log'),
    }).catch((e: unknown) => e)) as ChildStartError;
    expect(error).toBeInstanceOf(ChildStartError);
    expect(error.message).toBe(
      `accepted no connection on 127.0.0.1:${port} within 0.3 s; its last output: waiting`,
    );
    expect(groupMembers(error.pid!)).toEqual([]);
  });
});

describe('a callstorm child tied to a stdin pipe', () => {
  const echoChild = (source: string) => ({
    command: process.execPath,
    args: ['-e', source],
    lifetime: 'stdin' as const,
  });

  test('ready with its parsed first line; close() ends it', async () => {
    const child = await startChild({
      ...echoChild(
        "process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); console.log(JSON.stringify({ url: 'http://127.0.0.1:1' })); console.log('more output')",
      ),
      readiness: readyLine((line) => (JSON.parse(line) as { url: string }).url),
    });
    started.push(child);
    expect(child.ready).toBe('http://127.0.0.1:1');
    await child.close();
    expect(child.hasExited).toBe(true);
  });

  test('exits when its parent is killed with SIGKILL: the kernel closes the pipe', async () => {
    const childSource =
      "process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); console.log('{}'); setInterval(() => {}, 1000)";
    const script = `
      const { startChild } = await import(${JSON.stringify(CHILD_PROCESS)});
      const { readyLine } = await import(${JSON.stringify(READINESS)});
      const child = await startChild({ command: process.execPath, args: ['-e', ${JSON.stringify(childSource)}], lifetime: 'stdin', readiness: readyLine(() => 0) });
      process.stdout.write(JSON.stringify({ pid: child.pid }) + '\\n');
      setTimeout(() => {}, 60_000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (d) => {
      out += String(d);
    });
    try {
      await eventually(() => out.includes('\n'), 20_000, 'the parent to start its child');
    } finally {
      parent.kill('SIGKILL');
    }
    const { pid } = JSON.parse(out) as { pid: number };
    await once(parent, 'exit');
    await eventually(() => !processAlive(pid), 5_000, `child ${pid} to exit`);
  });

  test('a child that fails its start reports its exit code and stderr; a bad line, the parse error', async () => {
    const failed = (await startChild({
      ...echoChild("console.error('CS_ERR_UNKNOWN_NAME: no such vertical'); process.exit(2)"),
      readiness: readyLine(() => 'never'),
    }).catch((e: unknown) => e)) as ChildStartError;
    expect(failed.message).toBe('exited (code 2): CS_ERR_UNKNOWN_NAME: no such vertical');
    const garbled = (await startChild({
      ...echoChild("process.stdin.resume(); console.log('not json')"),
      readiness: readyLine((line) => JSON.parse(line) as unknown),
    }).catch((e: unknown) => e)) as ChildStartError;
    expect(garbled).toBeInstanceOf(ChildStartError);
    expect(garbled.message).toMatch(/JSON/);
  });
});
