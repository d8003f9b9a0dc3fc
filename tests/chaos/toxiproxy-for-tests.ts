import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import {
  BUNDLED_TOXIPROXY_SERVER,
  provisionToxiproxy,
  type ToxiproxyProvision,
} from '../../src/chaos/toxiproxy-provisioner.ts';

export const IN_CI = process.env.CI === 'true';
export const TOXIPROXY_INSTALLED = existsSync(BUNDLED_TOXIPROXY_SERVER);

/**
 * Tests against the real toxiproxy-server from `.tools/`. Locally, without it, they are skipped
 * with a message; in CI they run and fail, because a missing Toxiproxy is a broken CI machine.
 */
export const describeWithToxiproxy = TOXIPROXY_INSTALLED || IN_CI ? describe : describe.skip;
if (!TOXIPROXY_INSTALLED && !IN_CI) {
  process.stderr.write(
    `tests/chaos: skipping the Toxiproxy tests: ${BUNDLED_TOXIPROXY_SERVER} is missing (run \`npm run setup:toxiproxy\`)\n`,
  );
}

/** A toxiproxy-server of the test's own on a free loopback port (never the environment's). */
export async function startTestToxiproxy(): Promise<ToxiproxyProvision & { url: string }> {
  const provision = await provisionToxiproxy({ url: null });
  if (provision.mode !== 'spawned' || provision.url === null) {
    throw new Error(
      `Toxiproxy is required here and was not started (${provision.reason}); run \`npm run setup:toxiproxy\``,
    );
  }
  return provision as ToxiproxyProvision & { url: string };
}

/** Names of the proxies on a Toxiproxy server. */
export async function proxyNames(url: string): Promise<string[]> {
  const res = await fetch(`${url}/proxies`);
  return Object.keys((await res.json()) as Record<string, unknown>);
}

export interface ProxyState {
  enabled: boolean;
  listen: string;
  toxics: { name: string; type: string; attributes: Record<string, number> }[];
}

export async function proxyState(url: string, name: string): Promise<ProxyState> {
  const res = await fetch(`${url}/proxies/${name}`);
  if (!res.ok) throw new Error(`GET /proxies/${name} answered ${res.status}`);
  return (await res.json()) as ProxyState;
}

/** Waits (polling) until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  while (performance.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
