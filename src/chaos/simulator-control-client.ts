/** A fault spec as the simulators' control API takes it (docs/faults.md "The fault spec"). */
export interface ControlFaultSpec {
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly target?: { readonly cohort?: string; readonly pathPrefix?: string };
  readonly probability: number;
}

/**
 * The few control-API calls chaos needs, over HTTP with a timeout each. Errors carry the
 * simulator's own `{error:{code,message}}` when it sent one.
 */
export class SimulatorControlClient {
  constructor(
    readonly controlUrl: string,
    readonly timeoutMs = 3000,
  ) {}

  /** `PUT <controlUrl>/faults/<id>`: sets (or replaces) the fault. */
  async putFault(id: string, spec: ControlFaultSpec): Promise<void> {
    await this.#request('PUT', `/faults/${encodeURIComponent(id)}`, spec, [200]);
  }

  /** `DELETE <controlUrl>/faults/<id>`; a fault already gone is fine. */
  async deleteFault(id: string, timeoutMs = this.timeoutMs): Promise<void> {
    await this.#request('DELETE', `/faults/${encodeURIComponent(id)}`, undefined, [204, 404], timeoutMs);
  }

  /** `DELETE <controlUrl>/faults`: clears every fault; returns how many were cleared. */
  async clearFaults(timeoutMs = this.timeoutMs): Promise<number> {
    const body = await this.#request('DELETE', '/faults', undefined, [200], timeoutMs);
    return Number((body as { cleared?: unknown } | undefined)?.cleared ?? 0);
  }

  /** `GET <controlUrl>/faults`: the active faults' ids. */
  async faultIds(): Promise<string[]> {
    const body = (await this.#request('GET', '/faults', undefined, [200])) as { id: string }[];
    return body.map((f) => f.id);
  }

  async #request(
    method: string,
    path: string,
    body: unknown,
    ok: readonly number[],
    timeoutMs = this.timeoutMs,
  ): Promise<unknown> {
    const res = await fetch(`${this.controlUrl}${path}`, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!ok.includes(res.status)) {
      const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new Error(
        `${method} ${this.controlUrl}${path} answered ${res.status}${err ? `: ${err.code}: ${err.message}` : ''}`,
      );
    }
    return parsed;
  }
}
