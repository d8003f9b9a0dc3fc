import type { Toxiproxy, Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { CallstormError } from '../errors/callstorm-error.ts';
import { requireLoopbackUrl } from './loopback-url.ts';
import { leaseNameFor, proxyNameFor } from './proxy-names.ts';
import { judgeProxy, listProxies } from './stale-proxies.ts';

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
  /** Proxies of dead runs that had this run's names, deleted to make way. */
  readonly replaced: readonly string[];
}

export { proxyNameFor, proxyPrefixFor } from './proxy-names.ts';

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
 * Toxiproxy (`127.0.0.1:0`) — or, with `portBase`, on `portBase + i` for the i-th endpoint
 * (`--simulators-port-base`: the agent's fixed ports are the proxies'; check they are free first) —
 * named after the run so parallel runs sharing a server don't collide.
 * A proxy of that name that is already there is replaced only when it is provably dead (see
 * `judgeProxy`); else creation stops with CS_ERR_TOXIPROXY_IN_USE and touches nothing of it.
 * Take the run's lease (run-lease.ts) first.
 */
export async function createDependencyProxies(
  client: Toxiproxy,
  endpoints: readonly { readonly name: string; readonly url: string }[],
  runId: string,
  timeoutMs = 5000,
  portBase?: number,
): Promise<DependencyProxies> {
  const byEndpoint = new Map<string, DependencyProxy>();
  const replaced: string[] = [];
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
    for (const [i, endpoint] of endpoints.entries()) {
      const target = requireLoopbackUrl(endpoint.url, `simulator ${endpoint.name}`);
      const proxyName = proxyNameFor(runId, endpoint.name);
      const listen = `127.0.0.1:${portBase ? portBase + i : 0}`;
      const body = { name: proxyName, listen, upstream: target.host, enabled: true };
      let proxy: ToxiproxyProxy;
      try {
        proxy = await withTimeout(client.createProxy(body), timeoutMs, `create proxy ${proxyName}`);
      } catch (error) {
        if (!(await replaceIfDead(client, proxyName, runId, timeoutMs, error))) throw error;
        replaced.push(proxyName);
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
  return { byEndpoint, get, urlFor: (endpoint) => get(endpoint).url, remove, replaced };
}

/**
 * After a failed create: false when no proxy of that name exists (the failure was something
 * else); true when one existed, was provably dead and is deleted; else CS_ERR_TOXIPROXY_IN_USE.
 */
async function replaceIfDead(
  client: Toxiproxy,
  name: string,
  runId: string,
  timeoutMs: number,
  cause: unknown,
): Promise<boolean> {
  const all = await listProxies(client, timeoutMs);
  if (!Object.hasOwn(all, name)) return false;
  // This run's own lease covers the name, but says nothing of who made the proxy already there.
  const judged = await judgeProxy(name, all, Math.min(timeoutMs, 1000), { ignoreLease: leaseNameFor(runId) });
  if (judged.liveness !== 'dead') {
    throw new CallstormError(
      'CS_ERR_TOXIPROXY_IN_USE',
      { url: client.host, name, reason: judged.why },
      { cause },
    );
  }
  const res = await fetch(`${client.host}/proxies/${encodeURIComponent(name)}`, {
    method: 'DELETE',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok && res.status !== 404) throw new Error(`DELETE /proxies/${name} answered ${res.status}`);
  return true;
}

async function isGone(client: Toxiproxy, name: string, ms: number): Promise<boolean> {
  try {
    const res = await fetch(`${client.host}/proxies/${name}`, { signal: AbortSignal.timeout(ms) });
    return res.status === 404;
  } catch {
    return false;
  }
}
