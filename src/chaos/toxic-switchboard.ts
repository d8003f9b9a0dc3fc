import type { ICreateToxicBody } from 'toxiproxy-node-client';
import type { DependencyProxies, DependencyProxy } from './dependency-proxies.ts';
import { withTimeout } from './dependency-proxies.ts';
import { type NetworkFault, toxicUse } from './toxics/toxic-registry.ts';
import type { ToxicProxy } from './toxics/toxic-type.ts';

/**
 * The framework side of toxics on a run's Toxiproxy proxies: looks each drill fault's toxic up
 * in the registry, names it after the fault, converts its attributes to wall time and hands it
 * a handle on the target proxy bound to a request timeout. The handle keeps who holds a proxy
 * down, so overlapping `down`s re-enable it only when the last one ends.
 */
export class ToxicSwitchboard {
  readonly #proxies: DependencyProxies;
  readonly #timeoutMs: number;
  /** Proxy name → ids of the faults holding it disabled. */
  readonly #downHolders = new Map<string, Set<string>>();

  constructor(proxies: DependencyProxies, timeoutMs = 3000) {
    this.#proxies = proxies;
    this.#timeoutMs = timeoutMs;
  }

  /** Returns what Toxiproxy was told, for the fault log. */
  async apply(
    faultId: string,
    target: string,
    fault: NetworkFault,
    speed = 1,
  ): Promise<Record<string, unknown>> {
    const { toxic, use, scaled } = toxicUse(faultId, fault, speed);
    const detail = await toxic.apply(this.#handle(this.#proxies.get(target), this.#timeoutMs), use);
    return Object.keys(scaled).length > 0 ? { ...detail, speed, scaled } : detail;
  }

  async remove(
    faultId: string,
    target: string,
    fault: NetworkFault,
    timeoutMs = this.#timeoutMs,
  ): Promise<Record<string, unknown>> {
    const { toxic, use } = toxicUse(faultId, fault);
    return toxic.remove(this.#handle(this.#proxies.get(target), timeoutMs), use);
  }

  /** Removes every toxic on the run's proxies and re-enables them (whoever added the toxics). */
  async reset(timeoutMs = this.#timeoutMs): Promise<string[]> {
    const left: string[] = [];
    await Promise.all(
      [...this.#proxies.byEndpoint.values()].map(async (p) => {
        try {
          const res = await fetch(p.proxy.getPath(), { signal: AbortSignal.timeout(timeoutMs) });
          if (res.status === 404) return;
          const body = (await res.json()) as { enabled: boolean; toxics: { name: string }[] };
          for (const t of body.toxics) {
            const del = await fetch(`${p.proxy.getPath()}/toxics/${encodeURIComponent(t.name)}`, {
              method: 'DELETE',
              signal: AbortSignal.timeout(timeoutMs),
            });
            if (!del.ok && del.status !== 404) left.push(`toxic ${t.name} on ${p.proxyName}`);
          }
          if (!body.enabled) await setEnabled(p, true, timeoutMs);
        } catch (error) {
          left.push(`${p.proxyName} (${(error as Error).message})`);
        }
      }),
    );
    this.#downHolders.clear();
    return left;
  }

  #handle(p: DependencyProxy, timeoutMs: number): ToxicProxy {
    const holders = () => {
      const known = this.#downHolders.get(p.proxyName);
      if (known) return known;
      const set = new Set<string>();
      this.#downHolders.set(p.proxyName, set);
      return set;
    };
    return {
      proxyName: p.proxyName,
      async addToxic(body) {
        // The client's toxic types predate `noop`; the server knows it.
        await withTimeout(
          p.proxy.addToxic(body as ICreateToxicBody<unknown>),
          timeoutMs,
          `add toxic ${body.name} to ${p.proxyName}`,
        );
      },
      async removeToxic(name) {
        const res = await fetch(`${p.proxy.getPath()}/toxics/${encodeURIComponent(name)}`, {
          method: 'DELETE',
          signal: AbortSignal.timeout(timeoutMs),
        });
        // 404: already gone (e.g. a reset); anything else is a failure to report.
        if (!res.ok && res.status !== 404) {
          throw new Error(
            `DELETE toxic ${name} on ${p.proxyName} answered ${res.status}: ${await res.text()}`,
          );
        }
      },
      async holdDown(holder) {
        const set = holders();
        const first = set.size === 0;
        set.add(holder);
        if (!first) return;
        try {
          await setEnabled(p, false, timeoutMs);
        } catch (error) {
          set.delete(holder); // not applied: it holds nothing
          throw error;
        }
      },
      async releaseDown(holder) {
        const set = holders();
        set.delete(holder);
        if (set.size === 0) await setEnabled(p, true, timeoutMs);
        return set.size === 0;
      },
    };
  }
}

async function setEnabled(p: DependencyProxy, enabled: boolean, timeoutMs: number): Promise<void> {
  await withTimeout(
    p.proxy.update({ enabled, listen: p.listen, upstream: p.upstream }),
    timeoutMs,
    `${enabled ? 'enable' : 'disable'} proxy ${p.proxyName}`,
  );
}
