import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  freeLoopbackPort,
  provisionToxiproxy,
  toxiproxyVersion,
} from '../../src/chaos/toxiproxy-provisioner.ts';
import { isCallstormError } from '../../src/errors/callstorm-error.ts';
import { describeWithToxiproxy, startTestToxiproxy } from './toxiproxy-for-tests.ts';

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
