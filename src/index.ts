/**
 * callstorm's programmatic API: the pieces the CLI is built from. Everything here is stable
 * within a minor version; anything not exported here is internal.
 */
export { CallstormError, isCallstormError } from './errors/callstorm-error.ts';
export type { ErrorCode } from './errors/catalogue.ts';

export { loadScenario, loadVertical, loadStage, loadPopulation, loadDocument } from './scenario/load-scenario.ts';
export { composeScenario, type Scenario } from './scenario/compose-scenario.ts';
export type { Vertical, Flow, Slot } from './scenario/vertical-schema.ts';
export type { Stage, Behaviour } from './scenario/stage-schema.ts';
export type { Population, Cohort } from './scenario/population-schema.ts';
export { crmOperations, type CrmOperationName } from './scenario/crm-operations.ts';

export { createCallGenerator, parseShard, type CallGenerator, type Shard } from '../simulators/callers/call-generator.ts';
export type { CallPlan, PlannedTurn, ExpectedWrite, CallerPersona } from '../simulators/callers/call-plan.ts';
export { writePlansJsonl } from '../simulators/callers/write-plans-jsonl.ts';
export { trafficProfile, type TrafficProfile } from '../simulators/callers/traffic-profile.ts';
export { encodeUtteranceAudio, decodeUtteranceId } from '../simulators/callers/utterance-audio.ts';

export { startSimulators, type SimulatorSuite, type SimulatorSuiteOptions } from '../simulators/start-simulators.ts';
export { faultRegistry } from '../simulators/dependencies/faults/fault-registry.ts';
export type { FaultSpec } from '../simulators/dependencies/faults/fault-set.ts';
