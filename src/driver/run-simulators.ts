import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { type LedgerReport, ledgerReport } from '../../simulators/dependencies/ledger-report.ts';
import type { WriteTotals } from '../../simulators/dependencies/write-totals.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { Scenario } from '../scenario/compose-scenario.ts';
import { startSimulatorsProcess } from '../simulation/simulator-process.ts';
import { type SimulatorSuite, startSimulators } from '../simulation/start-simulators.ts';

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
  /** Tells the simulators about a call as it starts (a child regenerates plans instead). */
  callStarted(plan: CallPlan): void;
  /** One finished call's writes from the CRM ledger. */
  writesOf(plan: CallPlan): WriteTotals | Promise<WriteTotals>;
  /** The run's writes against the plans of the calls that ran (ledger.json). */
  ledgerReport(plans: Iterable<CallPlan>): Promise<LedgerReport>;
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
      callStarted() {},
      writesOf: (plan) => child.reconcileCall(plan),
      ledgerReport: (plans) => child.reconcile(plans),
      close: () => child.close(),
    };
  }
  const suite = await startSimulators({
    scenario: options.scenario,
    seed: options.seed,
    window: options.window,
    latency: options.latency,
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
    callStarted: (plan) => suite.groundTruth.register([plan]),
    writesOf: (plan) => suite.crm.service.ledger.reconcileCall(plan),
    ledgerReport: async (plans) => ledgerReport(suite.crm.service.ledger, plans),
    close: () => suite.close(),
  };
}
