import { z } from 'zod';
import { CallstormError } from '../../../src/errors/callstorm-error.ts';
import type { Random } from '../../seeded-random.ts';
import { type FaultEffects, noEffects, type RequestContext, type SimulatorKind } from './fault-effects.ts';
import { type AnyFaultType, faultTypeByName } from './fault-registry.ts';
import type { Clock } from './fault-type.ts';

/** Which requests a fault touches; every given field must match. No target: every request. */
export interface FaultTarget {
  /** Named endpoint, e.g. `llm-primary-eu`. */
  readonly endpoint?: string;
  /** Dialect cohort of the caller. */
  readonly cohort?: string;
  /** Request path prefix, e.g. `/v1/accounts`. */
  readonly pathPrefix?: string;
  /** HTTP method, e.g. `POST` (the CRM's writes). */
  readonly method?: string;
}

/** What a user (or a drill) asks for: the body of `PUT /__callstorm/faults`. */
export interface FaultSpec {
  /** Defaults to `<type>-<n>`. Setting an id that is active replaces that fault. */
  readonly id?: string;
  readonly type: string;
  readonly target?: FaultTarget;
  /** Chance (0..1) that a targeted request is touched; default 1. */
  readonly probability?: number;
  /** The fault type's attributes; see docs/faults.md. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** An active fault as `list()` and the control API show it. */
export interface ActiveFault {
  readonly id: string;
  readonly type: string;
  readonly target: FaultTarget;
  readonly probability: number;
  /** The attributes after validation, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Requests that matched the target and passed the probability draw. */
  readonly touched: number;
  /** When the fault was set (ISO 8601). */
  readonly since: string;
}

export interface FaultSetOptions {
  /** The simulator this set belongs to; faults that do not apply to it are refused. */
  readonly kind: SimulatorKind;
  /** Time source for stateful faults (token buckets); default `performance.now`. */
  readonly clock?: Clock;
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const specSchema = z.strictObject({
  id: z.string().regex(idPattern, 'use 1-64 letters, digits, dot, dash, underscore or colon').optional(),
  type: z.string().min(1),
  target: z
    .strictObject({
      endpoint: z.string().min(1).optional(),
      cohort: z.string().min(1).optional(),
      pathPrefix: z.string().startsWith('/').optional(),
      method: z
        .string()
        .regex(/^[A-Za-z]+$/, 'an HTTP method such as POST')
        .transform((m) => m.toUpperCase())
        .optional(),
    })
    .default({}),
  probability: z.number().min(0).max(1).default(1),
  params: z.record(z.string(), z.unknown()).default({}),
});

interface Entry {
  readonly id: string;
  readonly fault: AnyFaultType;
  readonly target: FaultTarget;
  readonly probability: number;
  readonly params: Record<string, unknown>;
  readonly state: unknown;
  readonly since: string;
  touched: number;
}

function describeIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .flatMap((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${[...path, key].join('.')}: unknown attribute`);
      }
      const message =
        issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
          ? `required (${issue.expected})`
          : issue.message;
      return [`${path.join('.') || '(spec)'}: ${message}`];
    })
    .join('; ');
}

/**
 * The active faults of one simulator. The framework part of faults: validation, naming,
 * targeting, probability, touch counting and state; fault types only say what they do.
 */
export class FaultSet {
  readonly kind: SimulatorKind;
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();
  private readonly hangers = new WeakMap<FaultEffects, string>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private serial = 0;

  constructor(options: FaultSetOptions) {
    this.kind = options.kind;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Validates a spec and activates it (replacing an active fault with the same id). */
  set(spec: FaultSpec): ActiveFault {
    const parsed = specSchema.safeParse(spec);
    const label = typeof (spec as { type?: unknown } | null)?.type === 'string' ? String(spec.type) : '?';
    if (!parsed.success) {
      throw new CallstormError('CS_ERR_FAULT_INVALID', {
        fault: label,
        reason: describeIssues('', parsed.error),
      });
    }
    const fault = faultTypeByName(parsed.data.type);
    if (!fault.appliesTo.includes(this.kind)) {
      throw new CallstormError('CS_ERR_FAULT_INVALID', {
        fault: fault.type,
        reason: `does not apply to the ${this.kind} simulator (it applies to: ${fault.appliesTo.join(', ')})`,
      });
    }
    const params = fault.params.safeParse(parsed.data.params);
    if (!params.success) {
      throw new CallstormError('CS_ERR_FAULT_INVALID', {
        fault: fault.type,
        reason: describeIssues('params', params.error),
      });
    }
    const id = parsed.data.id ?? this.nextId(fault.type);
    if (this.entries.has(id)) this.clear(id);
    const entry: Entry = {
      id,
      fault,
      target: parsed.data.target,
      probability: parsed.data.probability,
      params: params.data as Record<string, unknown>,
      state: fault.initState?.(params.data, this.clock),
      since: new Date().toISOString(),
      touched: 0,
    };
    this.entries.set(id, entry);
    return view(entry);
  }

  /** Deactivates one fault; false if no fault has that id. */
  clear(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    entry.fault.remove?.(entry.state);
    this.release(id);
    return true;
  }

  /** Deactivates every fault; returns how many there were. */
  clearAll(): number {
    const ids = [...this.entries.keys()];
    for (const id of ids) this.clear(id);
    return ids.length;
  }

  list(): ActiveFault[] {
    return [...this.entries.values()].map(view);
  }

  get(id: string): ActiveFault | undefined {
    const entry = this.entries.get(id);
    return entry ? view(entry) : undefined;
  }

  /** Sets every fault's `touched` counter back to zero. */
  resetCounters(): void {
    for (const entry of this.entries.values()) entry.touched = 0;
  }

  /** What the active faults do to one request: the sum over every fault that targets it. */
  effectsFor(ctx: RequestContext, rng: Random): FaultEffects {
    const effects = noEffects();
    for (const entry of this.entries.values()) {
      if (!matches(entry.target, ctx)) continue;
      if (entry.probability < 1 && rng() >= entry.probability) continue;
      entry.touched++;
      const networkBefore = effects.network;
      entry.fault.apply(entry.params, ctx, effects, rng, entry.state);
      if (effects.network !== networkBefore) this.hangers.set(effects, entry.id);
    }
    return effects;
  }

  /**
   * For a request whose effects say `network: 'hang'`: resolves once the fault that caused the
   * hang is cleared, rejects with the signal's reason if the request is aborted first.
   */
  hangUntilCleared(effects: FaultEffects, signal: AbortSignal): Promise<void> {
    const id = this.hangers.get(effects);
    if (id === undefined || !this.entries.has(id)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const waiters = this.waiters.get(id) ?? new Set<() => void>();
      this.waiters.set(id, waiters);
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        waiters.delete(done);
        reject(signal.reason);
      };
      waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(id: string): void {
    const waiters = this.waiters.get(id);
    this.waiters.delete(id);
    for (const wake of waiters ?? []) wake();
  }

  private nextId(type: string): string {
    let id: string;
    do id = `${type}-${++this.serial}`;
    while (this.entries.has(id));
    return id;
  }
}

function matches(target: FaultTarget, ctx: RequestContext): boolean {
  if (target.endpoint !== undefined && target.endpoint !== ctx.endpoint) return false;
  if (target.cohort !== undefined && target.cohort !== ctx.cohort) return false;
  if (target.pathPrefix !== undefined && !ctx.path.startsWith(target.pathPrefix)) return false;
  if (target.method !== undefined && target.method !== ctx.method.toUpperCase()) return false;
  return true;
}

function view(entry: Entry): ActiveFault {
  return {
    id: entry.id,
    type: entry.fault.type,
    target: { ...entry.target },
    probability: entry.probability,
    params: { ...entry.params },
    touched: entry.touched,
    since: entry.since,
  };
}
