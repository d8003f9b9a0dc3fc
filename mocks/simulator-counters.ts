/** Requests a simulator host served, by route and status; zero from the start for every route. */
export interface CountersSnapshot {
  readonly since: string;
  readonly requests: {
    readonly total: number;
    readonly byRoute: Readonly<
      Record<string, { readonly total: number; readonly byStatus: Readonly<Record<string, number>> }>
    >;
  };
  /** Requests answered with an emulated network failure, and requests the client abandoned. */
  readonly network: { readonly refused: number; readonly aborted: number };
}

/** Plain counters; the host feeds them, the control API reads them. */
export class SimulatorCounters {
  private readonly routes: readonly string[];
  private byRoute = new Map<string, { total: number; byStatus: Map<string, number> }>();
  private refused = 0;
  private aborted = 0;
  private since = new Date().toISOString();

  constructor(routes: readonly string[]) {
    this.routes = routes;
    this.reset();
  }

  count(route: string, status: number): void {
    const entry = this.byRoute.get(route) ?? { total: 0, byStatus: new Map<string, number>() };
    this.byRoute.set(route, entry);
    entry.total++;
    entry.byStatus.set(String(status), (entry.byStatus.get(String(status)) ?? 0) + 1);
  }

  countRefused(): void {
    this.refused++;
  }

  countAborted(): void {
    this.aborted++;
  }

  reset(): void {
    this.byRoute = new Map(this.routes.map((r) => [r, { total: 0, byStatus: new Map<string, number>() }]));
    this.refused = 0;
    this.aborted = 0;
    this.since = new Date().toISOString();
  }

  snapshot(): CountersSnapshot {
    let total = 0;
    const byRoute: Record<string, { total: number; byStatus: Record<string, number> }> = {};
    for (const [route, entry] of this.byRoute) {
      total += entry.total;
      byRoute[route] = { total: entry.total, byStatus: Object.fromEntries(entry.byStatus) };
    }
    return {
      since: this.since,
      requests: { total, byRoute },
      network: { refused: this.refused, aborted: this.aborted },
    };
  }
}
