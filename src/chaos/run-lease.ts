import { createServer, type Server } from 'node:net';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { CallstormError } from '../errors/callstorm-error.ts';
import { leaseNameFor } from './proxy-names.ts';
import { describeError } from './toxiproxy-provisioner.ts';

/**
 * Proof, on a shared Toxiproxy, that a run is alive. The run listens on a loopback port for as
 * long as it lives, and records that port as the upstream of a disabled proxy named
 * `callstorm-<run id>-_lease` — created before the run's own proxies and deleted after them. A
 * port that refuses connections proves the run gone (the kernel closes it however the process
 * ends, SIGKILL included); one that accepts — even from a run whose event loop is busy, as the
 * kernel completes the handshake — proves it alive. Runs sharing the server are on this machine's
 * loopback, as Toxiproxy itself must be. A disabled proxy listens on nothing and carries no traffic.
 */
export class RunLease {
  readonly proxyName: string;
  readonly #client: Toxiproxy;
  readonly #server: Server;
  #held = true;

  private constructor(client: Toxiproxy, proxyName: string, server: Server) {
    this.#client = client;
    this.proxyName = proxyName;
    this.#server = server;
  }

  /**
   * Takes the lease for `runId`, or throws CS_ERR_TOXIPROXY_IN_USE when a run with that id holds
   * it and may still be going. `stale` is called when the lease found is provably dead: it should
   * delete what that run left (the stale-proxy sweep); the lease is taken after it.
   */
  static async acquire(
    client: Toxiproxy,
    runId: string,
    timeoutMs: number,
    stale: () => Promise<unknown>,
  ): Promise<RunLease> {
    const proxyName = leaseNameFor(runId);
    const server = await listenOnLoopback();
    const body = JSON.stringify({
      name: proxyName,
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${(server.address() as { port: number }).port}`,
      enabled: false,
    });
    const create = () =>
      fetch(`${client.host}/proxies`, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });
    try {
      let res = await create();
      if (res.status === 409) {
        // Someone holds this run id. Dead: the sweep deletes that run's leftovers, lease and all.
        await stale();
        res = await create();
      }
      if (res.status === 409) {
        throw new CallstormError('CS_ERR_TOXIPROXY_IN_USE', {
          url: client.host,
          name: proxyName,
          reason: `another run with the id "${runId}" holds its lease`,
        });
      }
      if (!res.ok) throw new Error(`POST /proxies answered ${res.status}: ${(await res.text()).trim()}`);
      return new RunLease(client, proxyName, server);
    } catch (error) {
      server.close();
      if (error instanceof CallstormError) throw error;
      throw new CallstormError(
        'CS_ERR_TOXIPROXY_UNAVAILABLE',
        { url: client.host, reason: `taking the run's lease ${proxyName} failed: ${describeError(error)}` },
        { cause: error },
      );
    }
  }

  /** True until released or closed. */
  get held(): boolean {
    return this.#held;
  }

  /** Deletes the lease proxy, then stops listening. Returns what it could not delete. */
  async release(timeoutMs: number): Promise<string[]> {
    if (!this.#held) return [];
    try {
      const res = await fetch(`${this.#client.host}/proxies/${encodeURIComponent(this.proxyName)}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok && res.status !== 404) return [`${this.proxyName} (DELETE answered ${res.status})`];
      return [];
    } catch (error) {
      return [`${this.proxyName} (${describeError(error)})`];
    } finally {
      // Even when the DELETE failed: a closed port marks the lease dead for the next sweep.
      this.close();
    }
  }

  /** Stops listening without deleting the lease: it is dead from now on (the next sweep removes it). */
  close(): void {
    this.#held = false;
    this.#server.close();
  }
}

function listenOnLoopback(): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Accept and drop: a connection is all a probe needs.
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve(server);
    });
  });
}
