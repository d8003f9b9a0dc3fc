/**
 * callstorm's programmatic API: the pieces the CLI is built from. Everything here is stable
 * within a minor version; anything not exported here is internal.
 */

export {
  type CallGenerator,
  createCallGenerator,
  parseShard,
  type Shard,
} from '../simulators/callers/call-generator.ts';
export type { CallerPersona, CallPlan, ExpectedWrite, PlannedTurn } from '../simulators/callers/call-plan.ts';
export { type TrafficProfile, trafficProfile } from '../simulators/callers/traffic-profile.ts';
export { decodeUtteranceId, encodeUtteranceAudio } from '../simulators/callers/utterance-audio.ts';
export { writePlansJsonl } from '../simulators/callers/write-plans-jsonl.ts';
export { faultRegistry } from '../simulators/dependencies/faults/fault-registry.ts';
export type { FaultSpec } from '../simulators/dependencies/faults/fault-set.ts';
export {
  type SimulatorSuite,
  type SimulatorSuiteOptions,
  startSimulators,
} from '../simulators/start-simulators.ts';
export { CallstormError, isCallstormError } from './errors/callstorm-error.ts';
export type { ErrorCode } from './errors/catalogue.ts';
export { composeScenario, type Scenario } from './scenario/compose-scenario.ts';
export { type CrmOperationName, crmOperations } from './scenario/crm-operations.ts';
export {
  loadDocument,
  loadPopulation,
  loadScenario,
  loadStage,
  loadVertical,
} from './scenario/load-scenario.ts';
export type { Cohort, Population } from './scenario/population-schema.ts';
export type { Behaviour, Stage } from './scenario/stage-schema.ts';
export type { Flow, Slot, Vertical } from './scenario/vertical-schema.ts';

export { executeRun, type RunRequest, type RunResult } from './driver/execute-run.ts';
export { startAgentTarget, agentTargets } from './driver/agent-targets.ts';
export type { AgentAdapter } from './driver/agent-adapter.ts';
export { createHttpAgentAdapter } from './driver/http-agent-adapter.ts';
export type { CallRecord, CallOutcome } from './telemetry/call-record.ts';
export { loadDrill, type Drill } from './chaos/drill-schema.ts';
export { createRunChaos } from './chaos/run-chaos.ts';
export { evaluateRun } from './slo/evaluate-run.ts';
export { evaluateGate } from './slo/evaluate-gate.ts';
export { loadGate } from './slo/gate-schema.ts';
export type { RunEvaluation, SloResult, GateResult } from './slo/run-evaluation.ts';
export { writeRunReport } from './report/write-run-report.ts';
export { writeCompareReport } from './report/write-compare-report.ts';
export { runPromotionReview, promotionReviewPlan } from './review/promotion-review.ts';
export { startAgent } from '../agent/start-agent.ts';
