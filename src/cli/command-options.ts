import type { CallerAudioMode } from '../../simulators/callers/caller-audio.ts';
import type { Shard } from '../../simulators/callers/shard.ts';
import type { SpeechFormat } from '../../simulators/callers/speech-formats.ts';
import type { SimulatorsMode } from '../driver/run-simulators.ts';

/**
 * The parsed options of every command, as their actions receive them: one types-only module that
 * the declarations (src/cli/<name>-command.ts) and the actions (src/cli/actions/<name>.ts) both
 * import, so a command and its lazily loaded action never import each other.
 */

export interface AgentOptions {
  profile?: string;
  host?: string;
  port: number;
  asrUrl?: string;
  ttsUrl?: string;
  crmUrl?: string;
  llm?: string[];
  budgetMs?: number;
  dlq?: string;
  brand?: string;
  log?: boolean;
  exitWithStdin?: boolean;
}

export interface ExportK6Options {
  vertical: string;
  stage: string;
  window: string;
  seed: number;
  speed: number;
  drill?: string;
  parallelism: number;
  agentUrl: string;
  out: string;
}

export interface GateOptions {
  stage?: string;
  gate?: string;
  prices: string;
  json: boolean;
}

export interface GenerateOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: number;
  shard?: Shard;
  out?: string;
}

export interface IngestK6Options {
  out: string;
  from?: string;
  vertical?: string;
  stage?: string;
  seed: number;
  window: string;
}

export interface InspectOptions {
  vertical: string;
  stage: string[];
  window: string;
  seed: number;
  json?: boolean;
}

export interface ReportOptions {
  out?: string;
  stageGate?: string;
  prices: string;
}

export interface CompareOptions {
  out: string;
  stageGate: string[];
  prices: string;
}

export interface ReviewOptions {
  vertical: string;
  out?: string;
  seed: number;
  plan: string;
  speed?: ReadonlyMap<string, number>;
  speedFactor?: number;
  /** False with --no-calibrate: the plan's speeds as they are. */
  calibrate: boolean;
}

export interface RunOptions {
  vertical: string;
  stage: string;
  window: string;
  speed: number;
  seed: number;
  agent?: string;
  agentCmd?: string;
  /** ms (the option is in seconds). */
  agentReadyTimeout?: number;
  wiringOut?: string;
  simulatorsPortBase?: number;
  wiringCheck: boolean;
  drill?: string;
  out?: string;
  latency: 'realistic' | 'zero';
  simulators: SimulatorsMode;
  /** Absent: tagged, or speech for an agent whose transport hears only speech (twilio+ws://). */
  callerAudio?: CallerAudioMode;
  progress: boolean;
}

export interface ShowcaseOptions {
  vertical: string;
  out: string;
}

export interface SimulatorsOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: number;
  latency: 'realistic' | 'zero';
  asrWordErrorFactor?: number;
  simulatorsPortBase?: number;
  exitWithStdin?: boolean;
}

export interface ToolsOptions {
  vertical?: string;
  format: 'callstorm' | 'openai';
  out?: string;
}

export interface SpeakOptions {
  vertical: string;
  stage: string;
  window: string;
  seed: number;
  call: string;
  utterance: number;
  format: SpeechFormat;
  rate: number;
  out: string;
}
