import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import type { LedgerReport, WriteTotals } from '../../simulators/dependencies/ledger-report.ts';
import type { SimulatorAddress, SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { type CrmOperationName, crmOperations } from '../scenario/crm-operations.ts';
import { isPath } from '../scenario/scenario-files.ts';

export interface SimulatorsProcessOptions {
  /** Vertical and stage: names or file paths (a relative path is resolved against the cwd). */
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly seed: number;
  readonly latency?: 'realistic' | 'zero';
  readonly asrWordErrorFactor?: number;
  /** How long the child may take to print its URLs (default 30 s). */
  readonly startTimeoutMs?: number;
  /** Timeout of each ledger request to the child (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/** The dependency simulators in a child process (`callstorm simulators --exit-with-stdin`). */
export interface SimulatorsProcess extends SimulatorEndpoints {
  readonly pid: number;
  /** One finished call's writes from the CRM ledger: `POST <crm>/ledger/reconcile-call`. */
  reconcileCall(plan: CallPlan): Promise<WriteTotals>;
  /** The run's writes against the plans of the calls that ran: `POST <crm>/ledger/reconcile`. */
  reconcile(plans: Iterable<CallPlan>): Promise<LedgerReport>;
  /** Ends the child: SIGTERM, then SIGKILL if it has not exited within 5 s. Idempotent. */
  close(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/callstorm.js', import.meta.url));
const KINDS = ['asr', 'tts', 'crm', 'llm'] as const;

const lineSchema = z.object({
  simulators: z.record(
    z.string(),
    z.object({
      kind: z.enum(KINDS),
      url: z.string().url(),
      controlUrl: z.string().url(),
      region: z.string().optional(),
    }),
  ),
});

const totalsSchema = z.object({
  expected: z.number(),
  landed: z.number(),
  lost: z.number(),
  duplicate: z.number(),
  unexpected: z.number(),
});

const argsSchema = z.record(z.string(), z.string());
const reportSchema = z.object({
  totals: totalsSchema,
  ledgerSize: z.number(),
  lost: z.array(z.object({ callId: z.string(), op: z.string(), args: argsSchema })),
  duplicate: z.array(z.object({ callId: z.string(), op: z.string(), count: z.number(), args: argsSchema })),
  unexpected: z.array(
    z.object({
      seq: z.number(),
      writeId: z.string(),
      op: z.custom<CrmOperationName>((v) => typeof v === 'string' && v in crmOperations),
      accountId: z.string(),
      args: argsSchema,
      idempotencyKey: z.string().optional(),
      at: z.string(),
      callId: z.string().optional(),
    }),
  ),
});

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
  ];
  const failure = (reason: string) =>
    new CallstormError('CS_ERR_SIMULATORS_PROCESS', { reason, args: cliArgs.slice(1).join(' ') });

  const child = spawn(process.execPath, [BIN, ...cliArgs, '--exit-with-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4_000);
  });
  // A closed pipe while the child is going away is expected; it must not crash the run.
  child.stdin.on('error', () => {});
  const exited = once(child, 'exit').then(() => undefined);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let endpoints: SimulatorEndpoints;
  try {
    const lines = createInterface({ input: child.stdout });
    let timer: NodeJS.Timeout | undefined;
    const line = await Promise.race([
      once(lines, 'line').then(([l]) => String(l)),
      exited.then(() => {
        throw new Error(
          `exited (code ${child.exitCode ?? child.signalCode}): ${stderr.trim() || 'no message'}`,
        );
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `printed no URLs within ${startTimeoutMs / 1000} s${stderr.trim() ? `; its stderr: ${stderr.trim()}` : ''}`,
              ),
            ),
          startTimeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    lines.close();
    endpoints = endpointsOf(lineSchema.parse(JSON.parse(line)).simulators);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw failure(`did not start: ${error instanceof Error ? error.message : String(error)}`);
  }

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
      const gone = child.exitCode !== null || child.signalCode !== null;
      throw failure(
        `did not answer POST ${path}: ${error instanceof Error ? error.message : String(error)}${gone ? ` (it exited: ${stderr.trim() || 'no message'})` : ''}`,
      );
    }
    if (status !== 200) throw failure(`refused POST ${path}: ${status} ${text.slice(0, 500)}`);
    return schema.parse(JSON.parse(text));
  };

  let closing: Promise<void> | undefined;
  return {
    ...endpoints,
    pid: child.pid ?? -1,
    async reconcileCall(plan) {
      const { callId: _, ...totals } = await post(
        '/ledger/reconcile-call',
        { callId: plan.id },
        totalsSchema.extend({ callId: z.string() }),
      );
      return totals;
    },
    async reconcile(plans) {
      const callIds: string[] = [];
      for (const p of plans) callIds.push(p.id);
      return post('/ledger/reconcile', { callIds }, reportSchema);
    },
    close() {
      closing ??= (async () => {
        await dispatcher.close().catch(() => {});
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.stdin.end();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}

function endpointsOf(simulators: z.infer<typeof lineSchema>['simulators']): SimulatorEndpoints {
  const all: SimulatorAddress[] = Object.entries(simulators).map(([name, s]) => ({
    name,
    kind: s.kind,
    url: s.url,
    controlUrl: s.controlUrl,
    ...(s.region !== undefined ? { region: s.region } : {}),
  }));
  const one = (name: string) => {
    const found = all.find((e) => e.name === name);
    if (!found) throw new Error(`its URLs have no "${name}" simulator`);
    return found;
  };
  const llm: Record<string, SimulatorAddress & { region: string }> = {};
  for (const e of all) if (e.kind === 'llm') llm[e.name] = { ...e, region: e.region ?? 'unknown' };
  return { asr: one('asr'), tts: one('tts'), crm: one('crm'), llm, endpoints: all };
}
