/**
 * Names of callstorm's proxies on a Toxiproxy: `callstorm-<run id>-<endpoint>` for each simulator
 * endpoint, and `callstorm-<run id>-_lease` for the run's lease (run-lease.ts). Endpoint names are
 * lower-case ids, so no endpoint is named `_lease`.
 */

/** Toxiproxy names travel in URL paths: keep them to safe characters. */
export function proxyNameFor(runId: string, endpoint: string): string {
  return `callstorm-${runId}-${endpoint}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The prefix every proxy of a run shares (to find leftovers of that run). */
export function proxyPrefixFor(runId: string): string {
  return proxyNameFor(runId, '');
}

const LEASE_SUFFIX = '_lease';

export function leaseNameFor(runId: string): string {
  return proxyNameFor(runId, LEASE_SUFFIX);
}

export function isLeaseName(name: string): boolean {
  return name.startsWith('callstorm-') && name.endsWith(`-${LEASE_SUFFIX}`);
}

/** The prefix of the proxies a lease covers (`callstorm-<run id>-`). */
export function leasePrefix(leaseName: string): string {
  return leaseName.slice(0, -LEASE_SUFFIX.length);
}
