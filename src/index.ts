/**
 * callstorm's programmatic API: the pieces the CLI is built from. Everything here is stable
 * within a minor version; anything not exported here is internal.
 */

export { startAgent } from '../agent/start-agent.ts';
export {
  type CallGenerator,
  createCallGenerator,
  parseShard,
  type Shard,
} from '../simulators/callers/call-generator.ts';
export type { CallerPersona, CallPlan, ExpectedWrite, PlannedTurn } from '../simulators/callers/call-plan.ts';
export {
  type CallerAudio,
  type CallerAudioMode,
  type TurnAudio,
  utteranceAudio,
} from '../simulators/callers/caller-audio.ts';
export { type CallerVoice, callerVoice } from '../simulators/callers/caller-voice.ts';
export { defaultSpeechCacheDir, SpeechCache } from '../simulators/callers/speech-cache.ts';
export { encodeUtterance, type SpeechFormat } from '../simulators/callers/speech-formats.ts';
export { type RenderedUtterance, SpeechRenderer } from '../simulators/callers/speech-renderer.ts';
export { type TrafficProfile, trafficProfile } from '../simulators/callers/traffic-profile.ts';
export { decodeUtteranceId, encodeUtteranceAudio } from '../simulators/callers/utterance-audio.ts';
export { writePlansJsonl } from '../simulators/callers/write-plans-jsonl.ts';
export { AcousticLinker } from '../simulators/dependencies/acoustic-linker.ts';
export { faultRegistry } from '../simulators/dependencies/faults/fault-registry.ts';
export type { FaultSpec } from '../simulators/dependencies/faults/fault-set.ts';
export type { LedgerReport } from '../simulators/dependencies/ledger-report.ts';
export { PlaybackRegistry } from '../simulators/dependencies/playback-registry.ts';
export type { LinkDecision, UtteranceLinker } from '../simulators/dependencies/utterance-linker.ts';
export type { WriteTotals } from '../simulators/dependencies/write-totals.ts';
export type { SimulatorAddress, SimulatorEndpoints } from '../simulators/simulator-endpoints.ts';
export { type Drill, loadDrill } from './chaos/drill-schema.ts';
export { createRunChaos } from './chaos/run-chaos.ts';
export { toxicRegistry } from './chaos/toxics/toxic-registry.ts';
export type { AgentAdapter } from './driver/agent-adapter.ts';
export { agentTargets, startAgentTarget } from './driver/agent-targets.ts';
export type { AgentTransport, CallSetup, TransportContext } from './driver/agent-transport.ts';
export { agentTransports, createAgentTransport } from './driver/agent-transports.ts';
export type { CallEvidence, EvidenceSource } from './driver/call-evidence.ts';
export { CallJudge } from './driver/call-judge.ts';
export type { CallEnding, CallObservation } from './driver/call-observation.ts';
export { executeRun } from './driver/execute-run.ts';
export { createHttpAgentAdapter } from './driver/http-agent-adapter.ts';
export { createHttpTransport } from './driver/http-transport.ts';
export type { ProxyWiring, RunChaos } from './driver/run-chaos.ts';
export type { RunRequest, RunResult } from './driver/run-request.ts';
export type { SimulatorsMode } from './driver/run-simulators.ts';
export { wiringEnvironment } from './driver/wiring-environment.ts';
export { type WiringEvidence, wiringEvidenceFor } from './driver/wiring-evidence.ts';
export { CallstormError, isCallstormError } from './errors/callstorm-error.ts';
export type { ErrorCode } from './errors/catalogue.ts';
export { writeCompareReport } from './report/write-compare-report.ts';
export { writeRunReport } from './report/write-run-report.ts';
export {
  promotionReviewPlan,
  type ReviewRunExecutor,
  runPromotionReview,
  type SpeedOverrides,
} from './review/promotion-review.ts';
export { loadReviewPlan, type ReviewPlan } from './review/review-plan-schema.ts';
export { evaluationContext, type ScenarioRefs } from './run-folder/evaluation-context.ts';
export type { EvaluationContext } from './run-folder/evaluation-context-schema.ts';
export { readCallRecords, readRunFolder } from './run-folder/read-run-folder.ts';
export type { RunFolder } from './run-folder/run-folder.ts';
export { RUN_FOLDER_FILES, RUN_FOLDER_LIMITS } from './run-folder/run-folder-files.ts';
export { RunFolderWriter } from './run-folder/run-folder-writer.ts';
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
export {
  type SimulatorsProcess,
  type SimulatorsProcessOptions,
  startSimulatorsProcess,
} from './simulation/simulator-process.ts';
export { type SimulatorsLine, simulatorsLineSchema } from './simulation/simulators-line.ts';
export {
  type SimulatorSuite,
  type SimulatorSuiteOptions,
  simulatorEndpointNames,
  startSimulators,
} from './simulation/start-simulators.ts';
export { evaluateGate } from './slo/evaluate-gate.ts';
export { evaluateRun, evaluateRunFolder } from './slo/evaluate-run.ts';
export { loadGate } from './slo/gate-schema.ts';
export type { GateResult, RunEvaluation, SloResult } from './slo/run-evaluation.ts';
export type { CallOutcome, CallRecord } from './telemetry/call-record.ts';
