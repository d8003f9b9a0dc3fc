import { type HttpHandler, HttpResponse, http } from 'msw';
import { z } from 'zod';
import type { CallPlan } from '../simulators/callers/call-plan.ts';
import { type CrmResult, type CrmService, crmError } from '../simulators/dependencies/crm-service.ts';
import { FaultSet } from '../simulators/dependencies/faults/fault-set.ts';
import { ledgerReport } from '../simulators/dependencies/ledger-report.ts';
import { LoadLatency } from '../simulators/dependencies/load-latency.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import { type CrmOperationName, crmOperationNames, crmOperations } from '../src/scenario/crm-operations.ts';
import { sleep } from '../src/util/abortable-sleep.ts';
import type { ControlAction, SimulatorControl } from './control-api.ts';
import { faultGate } from './fault-gate.ts';

export interface CrmHandlerOptions {
  readonly service: CrmService;
  /** The CRM's active faults (the host's control API edits the same set). Default: none. */
  readonly faults?: FaultSet;
  /** Service time under load. Default: none (`LoadLatency.zero()`); pass `new LoadLatency()` for the CRM model. */
  readonly latency?: LoadLatency;
  /** Named endpoint for fault targeting (default `crm`). */
  readonly endpoint?: string;
  /** Prefix of the handler paths: `*` (default) matches any origin, e.g. `http://crm.sim` for one. */
  readonly baseUrl?: string;
  /** Seed of the per-request draws (fault probabilities, latency). */
  readonly seed?: string | number;
}

/**
 * The CRM REST API as msw handlers, one per row of the crmOperations table. Order of a request:
 * network fault → HTTP error fault → the operation (a write is committed here) → latency
 * (load model + latency faults). So a client that times out during the latency leaves a landed
 * write behind, as with a real slow server — which is what makes retries without an
 * Idempotency-Key show up as duplicates in the ledger.
 */
export function crmHandlers(options: CrmHandlerOptions): HttpHandler[] {
  const faults = options.faults ?? new FaultSet({ kind: 'crm' });
  const latency = options.latency ?? LoadLatency.zero();
  const endpoint = options.endpoint ?? 'crm';
  const base = options.baseUrl ?? '*';
  const seed = options.seed ?? 0;
  // Draws are keyed by the request's identity and its attempt, not by arrival order, so a run is
  // reproducible for the same agent behaviour however its concurrent requests interleave.
  const attempts = new Map<string, number>();

  const handle = async (
    op: CrmOperationName,
    request: Request,
    params: Record<string, string>,
  ): Promise<Response> => {
    const url = new URL(request.url);
    const callId = request.headers.get('x-callstorm-call') ?? undefined;
    const identity = `${callId ?? '-'} ${request.method} ${url.pathname}${url.search} ${request.headers.get('idempotency-key') ?? ''}`;
    const attempt = (attempts.get(identity) ?? 0) + 1;
    attempts.set(identity, attempt);
    const cohort = request.headers.get('x-callstorm-cohort') ?? undefined;
    // Seen before any fault answers: which call it belongs to, and a write's key (its retries).
    options.service.observe({
      op,
      accountId: params['accountId'],
      phone: url.searchParams.get('phone') ?? undefined,
      idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
      callId,
    });
    const gate = await faultGate({
      faults,
      signal: request.signal,
      context: {
        simulator: 'crm',
        endpoint,
        method: request.method,
        path: url.pathname,
        ...(callId !== undefined ? { callId } : {}),
        ...(cohort !== undefined ? { cohort } : {}),
      },
      rngKey: ['crm', seed, identity, attempt],
      errorBody: crmErrorBody,
      addedLatency: 'handler',
    });
    if (gate.response) return gate.response;
    const { effects, rng } = gate;

    const args: Record<string, string> = { ...params };
    for (const name of crmOperations[op].args) {
      const value = url.searchParams.get(name);
      if (value !== null && args[name] === undefined) args[name] = value;
    }
    let body: unknown;
    if (crmOperations[op].kind === 'write') {
      const text = await request.text();
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        return respond(crmError(400, 'invalid_json', 'request body is not valid JSON'), 0);
      }
    }
    const ticket = latency.begin(rng);
    try {
      const idempotencyKey = request.headers.get('idempotency-key') ?? undefined;
      const result = options.service.execute(op, args, body, {
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        ...(callId !== undefined ? { callId } : {}),
      });
      const delayMs = ticket.delayMs + effects.addedLatencyMs;
      await sleep(delayMs, request.signal);
      return respond(result, delayMs);
    } finally {
      ticket.done();
    }
  };

  const handlers = crmOperationNames.map((op) => {
    const operation = crmOperations[op];
    const path = `${base}${operation.path.split('?')[0]!.replace(/\{(\w+)\}/g, ':$1')}`;
    const route = operation.method === 'GET' ? http.get : http.post;
    return route(path, ({ request, params }) => handle(op, request, params as Record<string, string>));
  });
  handlers.push(
    http.all(`${base}/v1/*`, ({ request }) =>
      respond(
        crmError(404, 'no_such_route', `no CRM route ${request.method} ${new URL(request.url).pathname}`),
        0,
      ),
    ),
  );
  return handlers;
}

/**
 * The CRM's extra control endpoints: `GET /__callstorm/ledger` (every accepted write), `DELETE` to
 * empty it; and, given a way to find plans, `POST /__callstorm/ledger/reconcile-call` (one call's
 * writes against its plan, and how they were attributed) and `POST /__callstorm/ledger/reconcile`
 * (a run's writes against the plans of the calls that ran, with the writes no call could be given)
 * — how a run reconciles writes with a CRM in another process.
 */
export function crmControl(
  service: CrmService,
  plans?: { plan(callId: string): CallPlan | undefined },
): SimulatorControl {
  const ledger = {
    get: () => ({ size: service.ledger.size, entries: service.ledger.entries() }),
    reset: () => {
      service.ledger.clear();
      service.idempotency.clear();
    },
  };
  if (!plans) return { views: { ledger } };
  const resolve = (callIds: readonly string[]): CallPlan[] => {
    const found: CallPlan[] = [];
    const unknown: string[] = [];
    for (const id of callIds) {
      const plan = plans.plan(id);
      if (plan) found.push(plan);
      else unknown.push(id);
    }
    if (unknown.length > 0) {
      throw new CallstormError('CS_ERR_UNKNOWN_CALL', {
        ids: unknown
          .slice(0, 5)
          .map((id) => `"${id}"`)
          .join(', ')
          .concat(unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''),
        reason: 'not a call of the scenario, seed and window these simulators regenerate plans from',
      });
    }
    return found;
  };
  const reconcileCall: ControlAction<z.infer<typeof reconcileCallBody>> = {
    body: reconcileCallBody,
    shape: '{"callId": "cs-<seed>-<index>"}',
    run({ callId }) {
      const [plan] = resolve([callId]);
      return {
        callId,
        ...service.ledger.reconcileCall(plan!),
        attribution: service.ledger.attributionOfCall(callId),
      };
    },
  };
  const reconcile: ControlAction<z.infer<typeof reconcileBody>> = {
    body: reconcileBody,
    shape: '{"callIds": ["cs-<seed>-<index>", …]}',
    run: ({ callIds }) => ledgerReport(service.ledger, resolve(callIds)),
  };
  return {
    views: { ledger },
    actions: { 'ledger/reconcile-call': reconcileCall, 'ledger/reconcile': reconcile },
  };
}

const callIdSchema = z.string().min(1).max(200);
const reconcileCallBody = z.strictObject({ callId: callIdSchema });
const reconcileBody = z.strictObject({ callIds: z.array(callIdSchema).max(1_000_000) });

/** The CRM's error body for an injected status: `{error:{type, code, message}}`. */
function crmErrorBody(status: number, message: string) {
  const type = status === 429 ? 'rate_limit_error' : 'api_error';
  const code = status === 429 ? 'rate_limited' : 'server_error';
  return { error: { type, code, message } };
}

function respond(result: CrmResult, delayMs: number): Response {
  const headers: Record<string, string> = { 'server-timing': `sim;dur=${delayMs.toFixed(1)}` };
  if (result.replayed) headers['idempotent-replayed'] = 'true';
  return HttpResponse.json(result.body as Record<string, unknown>, { status: result.status, headers });
}
