import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { LedgerReport } from '../../simulators/dependencies/ledger-report.ts';
import type { CallAttribution } from '../../simulators/dependencies/write-ledger.ts';
import { type WriteTotals, writeTotalsSchema } from '../../simulators/dependencies/write-totals.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { ChildStartError, type RunningChild, startChild } from '../process/child-process.ts';
import { readyLine } from '../process/child-readiness.ts';
import { type CrmOperationName, crmOperations } from '../scenario/crm-operations.ts';
import { isPath } from '../scenario/scenario-files.ts';
import { type CallLifecycleClient, createCallLifecycleClient } from './call-lifecycle-client.ts';
import { endpointsOfLine } from './simulators-line.ts';

export interface SimulatorsProcessOptions {
  /** Vertical and stage: names or file paths (a relative path is resolved against the cwd). */
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly seed: number;
  readonly latency?: 'realistic' | 'zero';
  readonly asrWordErrorFactor?: number;
  /** Fixed ports from this base (`--simulators-port-base`; check they are free first). */
  readonly portBase?: number;
  /** How long the child may take to print its URLs (default 30 s). */
  readonly startTimeoutMs?: number;
  /** Timeout of each ledger request to the child (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/** The dependency simulators in a child process (`callstorm simulators --exit-with-stdin`). */
export interface SimulatorsProcess extends SimulatorEndpoints {
  readonly pid: number;
  /**
   * Tells the suite when calls start and end (`POST <crm>/calls/started|ended`, batched, in order):
   * how the CRM attributes writes that name no call.
   */
  readonly calls: CallLifecycleClient;
  /**
   * One finished call's writes from the CRM ledger, and how they were attributed:
   * `POST <crm>/ledger/reconcile-call`, once the lifecycle events queued so far are in.
   */
  reconcileCall(plan: CallPlan): Promise<WriteTotals & { readonly attribution: CallAttribution }>;
  /** The run's writes against the plans of the calls that ran: `POST <crm>/ledger/reconcile`. */
  reconcile(plans: Iterable<CallPlan>): Promise<LedgerReport>;
  /** Ends the child: SIGTERM, then SIGKILL if it has not exited within 5 s. Idempotent. */
  close(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/callstorm.js', import.meta.url));
const argsSchema = z.record(z.string(), z.string());
const count = z.number().int().min(0);
const attributionSchema = z.union([
  z.object({ by: z.enum(['header', 'lifetime']), callId: z.string() }),
  z.object({
    by: z.literal('none'),
    reason: z.enum(['no-live-call', 'ambiguous']),
    candidates: z.array(z.string()),
  }),
]);
const entrySchema = z.object({
  seq: z.number(),
  writeId: z.string(),
  op: z.custom<CrmOperationName>((v) => typeof v === 'string' && v in crmOperations),
  accountId: z.string(),
  args: argsSchema,
  idempotencyKey: z.string().optional(),
  at: z.string(),
  callId: z.string().optional(),
  attribution: attributionSchema,
});
const reportSchema = z.object({
  totals: writeTotalsSchema,
  ledgerSize: z.number(),
  attribution: z.object({ header: count, lifetime: count, noLiveCall: count, ambiguous: count }),
  lost: z.array(z.object({ callId: z.string(), op: z.string(), args: argsSchema })),
  duplicate: z.array(z.object({ callId: z.string(), op: z.string(), count: z.number(), args: argsSchema })),
  unexpected: z.array(entrySchema),
  unattributed: z.array(entrySchema),
});
const callAttributionSchema = z.strictObject({ header: count, lifetime: count, ambiguous: count });

/**
 * Starts the simulators in a process of their own, as the reference agent runs in one: their CPU
 * is not the driver's, so a fast run's schedule is not delayed by simulated dependencies. The
 * child's stdin is a pipe from this process; when this process dies, even by SIGKILL, the pipe
 * closes and the child exits. It regenerates each call's plan from the scenario, seed and window,
 * so nothing needs registering as calls start.
 */
export async function startSimulatorsProcess(options: SimulatorsProcessOptions): Promise<SimulatorsProcess> {
  const ref = (nameOrPath: string) => (isPath(nameOrPath) ? resolve(nameOrPath) : nameOrPath);
  const cliArgs = [
    'simulators',
    '--vertical',
    ref(options.vertical),
    '--stage',
    ref(options.stage),
    '--window',
    options.window,
    '--seed',
    String(options.seed),
    '--latency',
    options.latency ?? 'realistic',
    ...(options.asrWordErrorFactor !== undefined
      ? ['--asr-word-error-factor', String(options.asrWordErrorFactor)]
      : []),
    ...(options.portBase ? ['--simulators-port-base', String(options.portBase)] : []),
  ];
  const failure = (reason: string) =>
    new CallstormError('CS_ERR_SIMULATORS_PROCESS', { reason, args: cliArgs.slice(1).join(' ') });

  let child: RunningChild<SimulatorEndpoints>;
  try {
    child = await startChild({
      command: process.execPath,
      args: [BIN, ...cliArgs, '--exit-with-stdin'],
      lifetime: 'stdin',
      readiness: readyLine(endpointsOfLine, 'printed no URLs'),
      readyTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopGraceMs: 5_000,
    });
  } catch (error) {
    const reason = error instanceof ChildStartError ? error.message : String(error);
    // A fixed port taken between the caller's check and the child's listen: bad input, as in-process.
    const taken = /CS_ERR_PORT_IN_USE: cannot listen on (\S+):(\d+): (.*)/.exec(reason);
    if (taken)
      throw new CallstormError('CS_ERR_PORT_IN_USE', { host: taken[1]!, port: taken[2]!, reason: taken[3]! });
    throw failure(`did not start: ${reason}`);
  }
  const endpoints = child.ready;

  // One keep-alive connection pool to the CRM's control API, closed with the child.
  const dispatcher = new Agent({ connections: 8, keepAliveTimeout: 10_000 });
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const crmControl = endpoints.crm.controlUrl;
  const post = async <T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> => {
    let status: number;
    let text: string;
    try {
      const res = await request(`${crmControl}${path}`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      throw failure(
        `did not answer POST ${path}: ${error instanceof Error ? error.message : String(error)}${child.hasExited ? ` (it exited: ${child.output() || 'no message'})` : ''}`,
      );
    }
    if (status !== 200) throw failure(`refused POST ${path}: ${status} ${text.slice(0, 500)}`);
    return schema.parse(JSON.parse(text));
  };

  const calls = createCallLifecycleClient(crmControl, { timeoutMs: requestTimeoutMs });
  let closing: Promise<void> | undefined;
  return {
    ...endpoints,
    pid: child.pid,
    calls,
    async reconcileCall(plan) {
      await calls.flush();
      const { callId: _, ...totals } = await post(
        '/ledger/reconcile-call',
        { callId: plan.id },
        writeTotalsSchema.extend({ callId: z.string(), attribution: callAttributionSchema }),
      );
      return totals;
    },
    async reconcile(plans) {
      await calls.flush();
      const callIds: string[] = [];
      for (const p of plans) callIds.push(p.id);
      return post('/ledger/reconcile', { callIds }, reportSchema);
    },
    close() {
      closing ??= (async () => {
        await calls.close();
        await dispatcher.close().catch(() => {});
        await child.close();
      })();
      return closing;
    },
  };
}
