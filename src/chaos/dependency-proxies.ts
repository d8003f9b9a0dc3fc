import { connect } from 'node:net';
import type { Toxiproxy, Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { CallstormError } from '../errors/callstorm-error.ts';
import { requireLoopbackUrl } from './loopback-url.ts';

/** One Toxiproxy proxy in front of one simulator endpoint. */
export interface DependencyProxy {
  /** The simulator endpoint's name (llm-primary-eu, asr, crm, …). */
  readonly endpoint: string;
  /** The proxy's name in Toxiproxy: `callstorm-<run id>-<endpoint>`. */
  readonly proxyName: string;
  /** `127.0.0.1:<port>` the proxy listens on. */
  readonly listen: string;
  /** `127.0.0.1:<port>` of the simulator. */
  readonly upstream: string;
  /** The simulator's base URL through the proxy: what the agent under test is given. */
  readonly url: string;
  readonly proxy: ToxiproxyProxy;
}

export interface DependencyProxies {
  readonly byEndpoint: ReadonlyMap<string, DependencyProxy>;
  /** The proxied base URL of an endpoint; unknown names are an error listing the valid ones. */
  urlFor(endpoint: string): string;
  get(endpoint: string): DependencyProxy;
  /** Deletes every proxy (their toxics go with them). Returns the names it could not delete. */
  remove(timeoutMs?: number): Promise<string[]>;
}

/** Toxiproxy names travel in URL paths: keep them to safe characters. */
export function proxyNameFor(runId: string, endpoint: string): string {
  return `callstorm-${runId}-${endpoint}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The prefix every proxy of a run shares (to find leftovers of that run). */
export function proxyPrefixFor(runId: string): string {
  return proxyNameFor(runId, '');
}

/** Rejects after `ms` (the client has no timeouts of its own). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Creates one proxy per simulator endpoint, listening on a free loopback port chosen by
 * Toxiproxy (`127.0.0.1:0`), named after the run so parallel runs sharing a server don't collide.
 */
export async function createDependencyProxies(
  client: Toxiproxy,
  endpoints: readonly { readonly name: string; readonly url: string }[],
  runId: string,
  timeoutMs = 5000,
): Promise<DependencyProxies> {
  const byEndpoint = new Map<string, DependencyProxy>();
  const remove = async (ms = timeoutMs): Promise<string[]> => {
    const left: string[] = [];
    await Promise.all(
      [...byEndpoint.values()].map(async (p) => {
        try {
          await withTimeout(p.proxy.remove(), ms, `DELETE /proxies/${p.proxyName}`);
          byEndpoint.delete(p.endpoint);
        } catch (error) {
          if (await isGone(client, p.proxyName, ms)) byEndpoint.delete(p.endpoint);
          else left.push(`${p.proxyName} (${(error as Error).message})`);
        }
      }),
    );
    return left;
  };
  try {
    for (const endpoint of endpoints) {
      const target = requireLoopbackUrl(endpoint.url, `simulator ${endpoint.name}`);
      const proxyName = proxyNameFor(runId, endpoint.name);
      const body = { name: proxyName, listen: '127.0.0.1:0', upstream: target.host, enabled: true };
      let proxy: ToxiproxyProxy;
      try {
        proxy = await withTimeout(client.createProxy(body), timeoutMs, `create proxy ${proxyName}`);
      } catch {
        // A leftover of an earlier run with the same id: replace it.
        await withTimeout(
          client.get(proxyName).then((old) => old.remove()),
          timeoutMs,
          `replace proxy ${proxyName}`,
        );
        proxy = await withTimeout(client.createProxy(body), timeoutMs, `create proxy ${proxyName}`);
      }
      const url = new URL(endpoint.url);
      url.host = proxy.listen;
      byEndpoint.set(endpoint.name, {
        endpoint: endpoint.name,
        proxyName,
        listen: proxy.listen,
        upstream: target.host,
        url: url.toString().replace(/\/$/, ''),
        proxy,
      });
    }
  } catch (error) {
    await remove();
    if (error instanceof CallstormError) throw error;
    throw new CallstormError(
      'CS_ERR_TOXIPROXY_UNAVAILABLE',
      { url: client.host, reason: `creating the dependency proxies failed: ${(error as Error).message}` },
      { cause: error },
    );
  }
  const get = (endpoint: string): DependencyProxy => {
    const p = byEndpoint.get(endpoint);
    if (!p) {
      throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
        what: 'proxied endpoint',
        name: endpoint,
        valid: [...byEndpoint.keys()].join(', '),
      });
    }
    return p;
  };
  return { byEndpoint, get, urlFor: (endpoint) => get(endpoint).url, remove };
}

async function isGone(client: Toxiproxy, name: string, ms: number): Promise<boolean> {
  try {
    const res = await fetch(`${client.host}/proxies/${name}`, { signal: AbortSignal.timeout(ms) });
    return res.status === 404;
  } catch {
    return false;
  }
}

/**
 * Deletes what runs killed without clean-up (SIGKILL, a power cut) left on a shared Toxiproxy:
 * proxies named `callstorm-…` whose upstream, a loopback port of that run's simulators, refuses
 * connections. A live run's simulators listen until its proxies are gone, so runs sharing the
 * server are left alone; a proxy whose upstream cannot be judged (a timeout, not loopback) stays.
 * The proxies' toxics go with them. Returns the names it deleted.
 */
export async function removeStaleProxies(client: Toxiproxy, timeoutMs = 3000): Promise<string[]> {
  const res = await fetch(`${client.host}/proxies`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET /proxies answered ${res.status}`);
  const all = (await res.json()) as Record<string, { upstream?: string }>;
  const removed: string[] = [];
  await Promise.all(
    Object.entries(all).map(async ([name, proxy]) => {
      if (!name.startsWith('callstorm-') || !proxy.upstream) return;
      if ((await probe(proxy.upstream, Math.min(timeoutMs, 1000))) !== 'refused') return;
      const del = await fetch(`${client.host}/proxies/${encodeURIComponent(name)}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (del.ok || del.status === 404) removed.push(name);
    }),
  );
  return removed.sort();
}

/** Whether a loopback `host:port` accepts a TCP connection; `unknown` for anything else. */
function probe(upstream: string, timeoutMs: number): Promise<'open' | 'refused' | 'unknown'> {
  const m = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(upstream);
  if (!m) return Promise.resolve('unknown');
  const host = m[1] === '[::1]' ? '::1' : m[1]!;
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(m[2]) });
    const done = (result: 'open' | 'refused' | 'unknown') => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done('unknown'));
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'refused' : 'unknown'),
    );
  });
}
