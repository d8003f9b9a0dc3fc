import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  freeLoopbackPort,
  provisionToxiproxy,
  toxiproxyVersion,
} from '../../src/chaos/toxiproxy-provisioner.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { describeWithToxiproxy, eventually, startTestToxiproxy } from './toxiproxy-for-tests.ts';

const PROVISIONER = new URL('../../src/chaos/toxiproxy-provisioner.ts', import.meta.url).href;

/** Whether a process runs (a zombie waiting for its parent to reap it does not). */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isCallstormError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an error');
}

describeWithToxiproxy('toxiproxy provisioner', () => {
  test('starts .tools/toxiproxy-server on a free loopback port, answers /version, and stops it', async () => {
    const provision = await startTestToxiproxy();
    expect(provision.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(provision.reason).toContain('toxiproxy-server');
    expect(await toxiproxyVersion(provision.url)).toBeTruthy();
    await provision.stop();
    expect(provision.gone).toBe(true);
    await expect(toxiproxyVersion(provision.url, 500)).rejects.toThrow();
    await provision.stop(); // idempotent
  });

  test('a spawned server does not outlive a process killed with SIGKILL (nor its proxies and toxics)', async () => {
    // A process that starts a server the way `callstorm run` does, then is killed without warning.
    const script = `
      const { provisionToxiproxy } = await import(${JSON.stringify(PROVISIONER)});
      const p = await provisionToxiproxy({ url: null });
      process.stdout.write(JSON.stringify({ mode: p.mode, url: p.url, pid: p.pid }) + '\\n');
      setTimeout(() => {}, 60_000);`;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    owner.stdout.on('data', (d) => {
      out += String(d);
    });
    try {
      await eventually(() => out.includes('\n'), 20_000, 'the server to start');
    } catch (error) {
      owner.kill('SIGKILL');
      throw error;
    }
    const server = JSON.parse(out) as { mode: string; url: string; pid: number };
    expect(server.mode).toBe('spawned');
    expect(await toxiproxyVersion(server.url)).toBeTruthy();
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await eventually(() => !running(server.pid), 5_000, `toxiproxy-server ${server.pid} to exit`);
    await expect(toxiproxyVersion(server.url, 500)).rejects.toThrow();
  });

  test('TOXIPROXY_URL wins and is left running', async () => {
    const own = await startTestToxiproxy();
    try {
      const previous = process.env['TOXIPROXY_URL'];
      process.env['TOXIPROXY_URL'] = own.url.replace('127.0.0.1', 'localhost');
      try {
        const provision = await provisionToxiproxy();
        expect(provision.mode).toBe('external');
        await provision.stop();
        expect(await toxiproxyVersion(own.url)).toBeTruthy();
      } finally {
        if (previous === undefined) delete process.env['TOXIPROXY_URL'];
        else process.env['TOXIPROXY_URL'] = previous;
      }
    } finally {
      await own.stop();
    }
  });
});

test('a non-loopback TOXIPROXY_URL is refused', async () => {
  expect(await errorCode(provisionToxiproxy({ url: 'http://10.1.2.3:8474' }))).toBe('CS_ERR_NOT_LOOPBACK');
  expect(await errorCode(provisionToxiproxy({ url: 'http://toxiproxy.example.com:8474' }))).toBe(
    'CS_ERR_NOT_LOOPBACK',
  );
});

test('a TOXIPROXY_URL nobody answers on is an error, not a silent fallback', async () => {
  const port = await freeLoopbackPort();
  expect(await errorCode(provisionToxiproxy({ url: `http://127.0.0.1:${port}` }))).toBe(
    'CS_ERR_TOXIPROXY_UNAVAILABLE',
  );
});

test('with neither TOXIPROXY_URL nor a server in .tools/, the mode is emulated and says why', async () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'callstorm-tp-')), 'toxiproxy-server');
  const provision = await provisionToxiproxy({ url: null, serverPath: missing });
  expect(provision).toMatchObject({ mode: 'emulated', url: null, client: null });
  expect(provision.reason).toContain('npm run setup:toxiproxy');
});
