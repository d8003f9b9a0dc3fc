import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { type LedgerReport, ledgerReport } from '../../simulators/dependencies/ledger-report.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { Scenario } from '../scenario/compose-scenario.ts';
import { startSimulatorsProcess } from '../simulation/simulator-process.ts';
import { type SimulatorSuite, startSimulators } from '../simulation/start-simulators.ts';
import type { CallWrites } from './call-judge.ts';
import { type ProcessHealthSource, processHealthAt } from './process-health-source.ts';

/**
 * Where a run's simulators run: `process` (default) in a child of their own, so their CPU does not
 * delay the driver's schedule; `in-process` inside the run's process (their state can be read
 * directly: tests, programmatic users).
 */
export type SimulatorsMode = 'process' | 'in-process';
export const SIMULATORS_MODES: readonly SimulatorsMode[] = ['process', 'in-process'];

/** What a run needs from its simulators, the same in either mode. */
export interface RunSimulators extends SimulatorEndpoints {
  readonly mode: SimulatorsMode;
  /** The child's pid (`process`), or null. */
  readonly pid: number | null;
  /** The in-process suite (`in-process`), or null. */
  readonly suite: SimulatorSuite | null;
  /**
   * Tells the simulators a call started (epoch ms), with its caller's number and account: how the
   * CRM attributes writes that name no call. Never waits (a child hears of it in a batch).
   */
  callStarted(plan: CallPlan, atEpochMs: number): void;
  /** Tells the simulators a call ended (epoch ms): its live streams still open then count as leaked. */
  callEnded(callId: string, atEpochMs: number): void;
  /** One finished call's writes from the CRM ledger (once the lifecycle events so far are in). */
  writesOf(plan: CallPlan): CallWrites | Promise<CallWrites>;
  /** The run's writes against the plans of the calls that ran (ledger.json). */
  ledgerReport(plans: Iterable<CallPlan>): Promise<LedgerReport>;
  /** The simulators' process health (`GET <crm control>/process`), for the run's harness health. */
  readonly health: ProcessHealthSource;
  close(): Promise<void>;
}

export interface RunSimulatorsOptions {
  readonly scenario: Scenario;
  /** As the run was given them (names or paths): the child loads the same scenario. */
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly seed: number;
  readonly latency: 'realistic' | 'zero';
  /** Fixed ports from this base (`--simulators-port-base`; checked free beforehand). */
  readonly portBase?: number;
}

export async function startRunSimulators(
  mode: SimulatorsMode,
  options: RunSimulatorsOptions,
): Promise<RunSimulators> {
  if (mode === 'process') {
    const child = await startSimulatorsProcess({
      vertical: options.vertical,
      stage: options.stage,
      window: options.window,
      seed: options.seed,
      latency: options.latency,
      ...(options.portBase ? { portBase: options.portBase } : {}),
    });
    return {
      mode,
      pid: child.pid,
      suite: null,
      asr: child.asr,
      tts: child.tts,
      crm: child.crm,
      llm: child.llm,
      twilio: child.twilio,
      endpoints: child.endpoints,
      callStarted: (plan, at) =>
        child.calls.started({
          callId: plan.id,
          from: plan.caller.phone,
          accountId: plan.caller.accountId,
          at,
        }),
      callEnded: (callId, at) => child.calls.ended({ callId, at }),
      writesOf: async (plan) => {
        const { attribution, ...totals } = await child.reconcileCall(plan);
        return { ...totals, ambiguous: attribution.ambiguous };
      },
      ledgerReport: (plans) => child.reconcile(plans),
      health: processHealthAt(`${child.crm.controlUrl}/process`),
      close: () => child.close(),
    };
  }
  const suite = await startSimulators({
    scenario: options.scenario,
    seed: options.seed,
    window: options.window,
    latency: options.latency,
    ...(options.portBase ? { portBase: options.portBase } : {}),
  });
  return {
    mode,
    pid: null,
    suite,
    asr: suite.asr,
    tts: suite.tts,
    crm: suite.crm,
    llm: suite.llm,
    twilio: suite.twilio,
    endpoints: suite.endpoints,
    callStarted(plan, at) {
      suite.groundTruth.register([plan]);
      suite.calls.started({ callId: plan.id, from: plan.caller.phone, accountId: plan.caller.accountId, at });
    },
    callEnded: (callId, at) => suite.calls.ended({ callId, at }),
    writesOf: (plan) => {
      const ledger = suite.crm.service.ledger;
      return { ...ledger.reconcileCall(plan), ambiguous: ledger.attributionOfCall(plan.id).ambiguous };
    },
    ledgerReport: async (plans) => ledgerReport(suite.crm.service.ledger, plans),
    health: processHealthAt(`${suite.crm.controlUrl}/process`),
    close: () => suite.close(),
  };
}
