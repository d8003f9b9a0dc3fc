import type { DependencyProxies, DependencyProxy } from './dependency-proxies.ts';
import { withTimeout } from './dependency-proxies.ts';
import type { NetworkFault } from './drill-schema.ts';

/**
 * Applies and removes network faults on a run's Toxiproxy proxies. `down` is not a toxic:
 * the proxy is disabled through `POST /proxies/{name}` with its full body, and re-enabled when
 * the last overlapping `down` on it ends. Everything else is a named toxic (the fault id).
 */
export class ToxicSwitchboard {
  readonly #proxies: DependencyProxies;
  readonly #timeoutMs: number;
  readonly #downCount = new Map<string, number>();

  constructor(proxies: DependencyProxies, timeoutMs = 3000) {
    this.#proxies = proxies;
    this.#timeoutMs = timeoutMs;
  }

  /** Returns what Toxiproxy was told, for the fault log. */
  async apply(faultId: string, target: string, fault: NetworkFault): Promise<Record<string, unknown>> {
    const p = this.#proxies.get(target);
    if (fault.toxic === 'down') {
      const n = this.#downCount.get(target) ?? 0;
      this.#downCount.set(target, n + 1);
      if (n === 0) await this.#setEnabled(p, false);
      return { proxy: p.proxyName, enabled: false };
    }
    const body = {
      name: faultId,
      type: fault.toxic,
      stream: fault.stream,
      toxicity: fault.toxicity,
      attributes: fault.attributes as unknown,
    };
    await withTimeout(p.proxy.addToxic(body), this.#timeoutMs, `add toxic ${faultId} to ${p.proxyName}`);
    return { proxy: p.proxyName, toxic: body };
  }

  async remove(
    faultId: string,
    target: string,
    fault: NetworkFault,
    timeoutMs = this.#timeoutMs,
  ): Promise<Record<string, unknown>> {
    const p = this.#proxies.get(target);
    if (fault.toxic === 'down') {
      const n = Math.max(0, (this.#downCount.get(target) ?? 0) - 1);
      this.#downCount.set(target, n);
      if (n === 0) await this.#setEnabled(p, true, timeoutMs);
      return { proxy: p.proxyName, enabled: n === 0 };
    }
    const res = await fetch(`${p.proxy.getPath()}/toxics/${encodeURIComponent(faultId)}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // 404: already gone (e.g. a reset); anything else is a failure to report.
    if (!res.ok && res.status !== 404) {
      throw new Error(
        `DELETE toxic ${faultId} on ${p.proxyName} answered ${res.status}: ${await res.text()}`,
      );
    }
    return { proxy: p.proxyName, toxic: faultId };
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
          if (!body.enabled) await this.#setEnabled(p, true, timeoutMs);
        } catch (error) {
          left.push(`${p.proxyName} (${(error as Error).message})`);
        }
      }),
    );
    this.#downCount.clear();
    return left;
  }

  async #setEnabled(p: DependencyProxy, enabled: boolean, timeoutMs = this.#timeoutMs): Promise<void> {
    await withTimeout(
      p.proxy.update({ enabled, listen: p.listen, upstream: p.upstream }),
      timeoutMs,
      `${enabled ? 'enable' : 'disable'} proxy ${p.proxyName}`,
    );
  }
}
