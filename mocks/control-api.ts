import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimulatorKind } from '../simulators/dependencies/faults/fault-effects.ts';
import { faultRegistry } from '../simulators/dependencies/faults/fault-registry.ts';
import type { FaultSet, FaultSpec } from '../simulators/dependencies/faults/fault-set.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import type { ErrorCode } from '../src/errors/catalogue.ts';
import type { SimulatorCounters } from './simulator-counters.ts';

/** Extra read-outs of a simulator's state: `GET /__callstorm/<name>`, and `DELETE` to reset. */
export interface ControlView {
  get(): unknown;
  reset?(): void;
}

/**
 * A control request that computes something from a JSON body: `POST /__callstorm/<name>`. The
 * host validates the body against `body` (as a JSON Schema, by fastify) before `run` sees it: a
 * bad one is answered 400 `CS_ERR_BAD_ARGUMENT`, with `shape` in the hint. `run` throws a
 * CallstormError for a request it cannot answer (404 for an unknown call id, 400 otherwise).
 */
export interface ControlAction<T = unknown> {
  readonly body: z.ZodType<T>;
  /** The body's shape in words, e.g. `{"callId": "cs-<seed>-<index>"}`. */
  readonly shape: string;
  run(body: T): unknown;
}

export interface SimulatorControl {
  /** e.g. `{ ledger: ... }` for the CRM. Names must not clash with the built-in endpoints. */
  readonly views?: Readonly<Record<string, ControlView>>;
  /** e.g. `{ 'ledger/reconcile': ... }` for the CRM; the first path segment must not be a built-in one. */
  readonly actions?: Readonly<Record<string, ControlAction>>;
}

export interface ControlApiOptions {
  readonly name: string;
  readonly kind: SimulatorKind;
  readonly faults: FaultSet;
  readonly counters: SimulatorCounters;
  readonly control?: SimulatorControl;
}

export type ErrorBody = { error: { code: string; message: string; hint: string } };

export function errorBody(error: CallstormError): ErrorBody {
  return { error: { code: error.code, message: error.message, hint: error.hint } };
}

const BUILT_IN = new Set(['health', 'counters', 'faults', 'fault-types']);

/** HTTP status of a CallstormError a control route raises (default 400). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  CS_ERR_UNKNOWN_CALL: 404,
  CS_ERR_FAULT_NOT_FOUND: 404,
  CS_ERR_CONTROL_FORBIDDEN: 403,
};

/** Ajv options for the control routes: validate bodies as sent, never coerce or strip them. */
export const CONTROL_AJV_OPTIONS = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
} as const;

/** Refuses view and action names that would shadow a built-in endpoint. */
export function checkControlNames(control: SimulatorControl | undefined): void {
  for (const name of [...Object.keys(control?.views ?? {}), ...Object.keys(control?.actions ?? {})]) {
    if (BUILT_IN.has(name.split('/')[0]!))
      throw new RangeError(`control view name "${name}" clashes with a built-in control endpoint`);
  }
}

/** How a route answers a body it cannot use: a CallstormError from a reason. */
type BadBody = (reason: string) => CallstormError;

const badFaultSpec: BadBody = (reason) =>
  new CallstormError('CS_ERR_FAULT_INVALID', {
    fault: '?',
    reason: `the body must be a JSON fault spec: ${reason}`,
  });

const badActionBody =
  (shape: string): BadBody =>
  (reason) =>
    new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: 'the request body',
      reason,
      fix: `send JSON of the shape ${shape}`,
    });

const faultIdParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1 } },
  required: ['id'],
} as const;

/**
 * The control API of one simulator host, as a fastify plugin to register under CONTROL_PREFIX:
 * health, counters, faults and fault types, and the simulator's own views and actions. Bodies and
 * params have JSON Schemas; whatever fastify refuses (a schema violation, a body that is not JSON,
 * too large or of another type) is answered in the catalogue's shape `{error:{code,message,hint}}`.
 * Who may call it (loopback peers only) is the host's decision, made before routing.
 */
export function controlApi(options: ControlApiOptions): (control: FastifyInstance) => Promise<void> {
  const { faults, counters } = options;
  const startedAt = Date.now();
  return async (control) => {
    control.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply));

    control.get('/health', async () => ({
      status: 'ok',
      name: options.name,
      kind: options.kind,
      uptimeMs: Date.now() - startedAt,
    }));
    control.get('/counters', async () => ({
      name: options.name,
      kind: options.kind,
      ...counters.snapshot(),
      faults: faults.list().map(({ id, type, touched }) => ({ id, type, touched })),
    }));
    control.delete('/counters', async (_request, reply) => {
      counters.reset();
      faults.resetCounters();
      return reply.code(204).send();
    });
    control.get('/fault-types', async () =>
      Object.values(faultRegistry)
        .filter((f) => f.appliesTo.includes(options.kind))
        .map((f) => ({ type: f.type, description: f.description, appliesTo: f.appliesTo })),
    );
    control.get('/faults', async () => faults.list());
    const faultRoute = {
      schema: { body: { type: 'object' } },
      schemaErrorFormatter: formatterFor(badFaultSpec),
      config: { badBody: badFaultSpec },
    };
    control.put<{ Body: FaultSpec }>('/faults', faultRoute, async (request) => faults.set(request.body));
    control.put<{ Body: FaultSpec; Params: { id: string } }>(
      '/faults/:id',
      { ...faultRoute, schema: { ...faultRoute.schema, params: faultIdParams } },
      async (request) => faults.set({ ...request.body, id: request.params.id }),
    );
    control.delete('/faults', async () => ({ cleared: faults.clearAll() }));
    control.delete<{ Params: { id: string } }>(
      '/faults/:id',
      { schema: { params: faultIdParams } },
      async (request, reply) => {
        if (faults.clear(request.params.id)) return reply.code(204).send();
        throw new CallstormError('CS_ERR_FAULT_NOT_FOUND', {
          id: request.params.id,
          simulator: options.name,
        });
      },
    );

    for (const [name, view] of Object.entries(options.control?.views ?? {})) {
      control.get(`/${name}`, async () => view.get());
      if (view.reset) {
        control.delete(`/${name}`, async (_request, reply) => {
          view.reset?.();
          return reply.code(204).send();
        });
      }
    }
    for (const [name, action] of Object.entries(options.control?.actions ?? {})) {
      const badBody = badActionBody(action.shape);
      control.post(
        `/${name}`,
        {
          schema: { body: jsonSchemaOf(action.body) },
          schemaErrorFormatter: formatterFor(badBody),
          config: { badBody },
        },
        async (request) => action.run(request.body),
      );
    }

    control.all('/*', async (request, reply) =>
      reply.code(404).send({
        error: {
          code: 'CS_ERR_UNKNOWN_NAME',
          message: `no control endpoint ${request.method} ${request.url}`,
        },
      }),
    );
  };
}

function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof CallstormError) {
    const status = (error as { statusCode?: number }).statusCode ?? STATUS[error.code] ?? 400;
    return reply.code(status).send(errorBody(error));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // fastify refused the request before the handler (not JSON, too large, another content type).
    const config = request.routeOptions.config as { badBody?: BadBody };
    const badBody = config.badBody ?? badActionBody('{…} (JSON)');
    return reply.code(status).send(errorBody(badBody(error.message)));
  }
  return reply
    .code(500)
    .send(errorBody(new CallstormError('CS_ERR_INTERNAL', { reason: `control API: ${error.message}` })));
}

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/** A fastify schemaErrorFormatter: ajv's findings in words, as the route's CallstormError. */
function formatterFor(badBody: BadBody): (errors: readonly AjvError[], dataVar: string) => Error {
  return (errors) =>
    badBody(
      errors
        .map((e) => {
          const at = e.instancePath.slice(1).replace(/\//g, '.');
          const field = (name: unknown) => [at, String(name)].filter(Boolean).join('.');
          if (e.keyword === 'required') return `${field(e.params['missingProperty'])}: required`;
          if (e.keyword === 'additionalProperties')
            return `${field(e.params['additionalProperty'])}: unknown field`;
          return `${at || '(body)'}: ${e.message ?? e.keyword}`;
        })
        .join('; '),
    );
}

/** The JSON Schema fastify validates a body with, from its zod schema (draft 7, what Ajv speaks). */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });
  return json;
}
