import { connect } from 'node:net';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { isLeaseName, leasePrefix } from './proxy-names.ts';

/** `live`: keep; `dead`: provably left over by a run that is gone; `unknown`: keep. */
export type Liveness = 'live' | 'dead' | 'unknown';

export interface ProxyJudgement {
  readonly liveness: Liveness;
  readonly why: string;
}

interface ProxyBody {
  readonly upstream?: string;
}

/**
 * Judges one proxy of a shared Toxiproxy, given every proxy on it. A run holds a lease (see
 * run-lease.ts) for as long as its proxies exist, so for a `callstorm-…` proxy:
 * - a lease whose name prefixes it and whose holder still listens: live (whatever its upstream —
 *   the run's simulators may still be starting, or already stopped);
 * - only leases whose holders are gone: dead;
 * - no lease (a callstorm without leases, or made by hand): dead only if its upstream, a loopback
 *   port, refuses connections.
 * Anything else, and any probe that cannot decide (a timeout, not loopback), is kept.
 */
export async function judgeProxy(
  name: string,
  all: Readonly<Record<string, ProxyBody>>,
  timeoutMs: number,
  options: { ignoreLease?: string; leases?: Map<string, Promise<Liveness>> } = {},
): Promise<ProxyJudgement> {
  if (!name.startsWith('callstorm-')) return { liveness: 'unknown', why: 'not a callstorm proxy' };
  const leases = options.leases ?? new Map<string, Promise<Liveness>>();
  const leaseOf = (lease: string) => {
    const known = leases.get(lease);
    if (known) return known;
    const judged = probe(all[lease]?.upstream, timeoutMs).then(fromProbe);
    leases.set(lease, judged);
    return judged;
  };
  if (isLeaseName(name)) {
    const liveness = await leaseOf(name);
    return { liveness, why: liveness === 'dead' ? 'the run holding it is gone' : 'its run holds it' };
  }
  const owners = Object.keys(all).filter(
    (lease) => isLeaseName(lease) && lease !== options.ignoreLease && name.startsWith(leasePrefix(lease)),
  );
  if (owners.length > 0) {
    const judged = await Promise.all(owners.map(leaseOf));
    if (judged.every((l) => l === 'dead'))
      return { liveness: 'dead', why: `the run that leased it (${owners.join(', ')}) is gone` };
    if (judged.includes('live'))
      return { liveness: 'live', why: `leased by a run that is still going (${owners.join(', ')})` };
    return { liveness: 'unknown', why: `its lease (${owners.join(', ')}) did not answer in time` };
  }
  const upstream = await probe(all[name]?.upstream, timeoutMs);
  if (upstream === 'refused')
    return { liveness: 'dead', why: 'no run leases it and its upstream refuses connections' };
  if (upstream === 'open') return { liveness: 'live', why: 'no run leases it, but its upstream answers' };
  return { liveness: 'unknown', why: 'no run leases it, and its upstream cannot be judged' };
}

/** `GET /proxies`: every proxy on the server by name. */
export async function listProxies(client: Toxiproxy, timeoutMs: number): Promise<Record<string, ProxyBody>> {
  const res = await fetch(`${client.host}/proxies`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET /proxies answered ${res.status}`);
  return (await res.json()) as Record<string, ProxyBody>;
}

/**
 * Deletes what runs killed without clean-up (SIGKILL, a power cut) left on a shared Toxiproxy:
 * the `callstorm-…` proxies `judgeProxy` finds dead, then the dead leases whose proxies are all
 * gone. Proxies of runs still going — even while their simulators refuse connections — and
 * anything not named `callstorm-…` are left alone. Returns the names it deleted.
 */
export async function removeStaleProxies(client: Toxiproxy, timeoutMs = 3000): Promise<string[]> {
  const all = await listProxies(client, timeoutMs);
  const leases = new Map<string, Promise<Liveness>>();
  const probeMs = Math.min(timeoutMs, 1000);
  const names = Object.keys(all).filter((n) => n.startsWith('callstorm-'));
  const judged = await Promise.all(
    names.map(async (n) => [n, await judgeProxy(n, all, probeMs, { leases })] as const),
  );
  const dead = judged.filter(([, j]) => j.liveness === 'dead').map(([n]) => n);
  const remove = async (name: string) => {
    const del = await fetch(`${client.host}/proxies/${encodeURIComponent(name)}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(timeoutMs),
    }).catch(() => null);
    return del !== null && (del.ok || del.status === 404);
  };
  const removed: string[] = [];
  const kept = new Set<string>();
  await Promise.all(
    dead
      .filter((n) => !isLeaseName(n))
      .map(async (n) => {
        if (await remove(n)) removed.push(n);
        else kept.add(n);
      }),
  );
  // A dead lease goes once nothing it leased is left (else the next sweep tries again).
  for (const lease of dead.filter(isLeaseName)) {
    if ([...kept].some((n) => n.startsWith(leasePrefix(lease)))) continue;
    if (await remove(lease)) removed.push(lease);
  }
  return removed.sort();
}

function fromProbe(result: 'open' | 'refused' | 'unknown'): Liveness {
  return result === 'open' ? 'live' : result === 'refused' ? 'dead' : 'unknown';
}

/** Whether a loopback `host:port` accepts a TCP connection; `unknown` for anything else. */
export function probe(
  upstream: string | undefined,
  timeoutMs: number,
): Promise<'open' | 'refused' | 'unknown'> {
  const m = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(upstream ?? '');
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
