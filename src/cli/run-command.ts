import type { Command } from 'commander';
import type { CallerAudioMode } from '../../simulators/callers/caller-audio.ts';
import type { SimulatorsMode } from '../driver/run-simulators.ts';
import { lazyAction } from './lazy-action.ts';
import {
  OPTION_BOUNDS,
  parseChoice,
  parseNonEmpty,
  parseNumber,
  parsePort,
  parseSeed,
  parseSpeed,
  parseWindow,
} from './parse-options.ts';

/** `--agent-ready-timeout` in seconds → ms. */
const parseReadyTimeout = (text: string): number =>
  Math.round(
    parseNumber('--agent-ready-timeout', text, OPTION_BOUNDS.agentReadyTimeoutS, '30 (seconds)') * 1000,
  );

/** `--simulators` (the driver's SIMULATORS_MODES; a test keeps the two equal). */
export const SIMULATORS_CHOICES: readonly SimulatorsMode[] = ['process', 'in-process'];

/** `--caller-audio` (CALLER_AUDIO_MODES of simulators/callers/caller-audio.ts; a test keeps the two equal). */
export const CALLER_AUDIO_CHOICES: readonly CallerAudioMode[] = ['tagged', 'speech'];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      "drive a stage's calls against an agent (open model), optionally under a chaos drill; writes reports/<run-id>/",
    )
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .requiredOption('--stage <name|file>', 'stage: pilot, hardening, scale, or a YAML file')
    .option(
      '--agent <agent>',
      "reference:production | reference:pilot | http://127.0.0.1:PORT | twilio+ws://127.0.0.1:PORT/PATH; with --agent-cmd, {port} is the port the run gives it (default: reference:production, or 'http://127.0.0.1:{port}' with --agent-cmd)",
    )
    .option(
      '--agent-cmd <command>',
      'start your agent for the run: a shell command, with $PORT and the dependency URLs in its environment (docs/wiring.md); its output goes to agent.log',
    )
    .option(
      '--agent-ready-timeout <seconds>',
      'how long the --agent-cmd agent may take to accept connections, 0.1–3600 (default 30)',
      parseReadyTimeout,
    )
    .option(
      '--wiring-out <file>',
      'write the wiring JSON (the URLs the agent must use) here before the first call',
    )
    .option(
      '--simulators-port-base <n>',
      'fixed ports for the agent: asr N, tts N+1, crm N+2, llm-primary-eu N+3, llm-secondary-eu N+4, llm-us N+5, twilio N+6 (with a drill, their Toxiproxy proxies); 0 = free ports',
      parsePort('--simulators-port-base'),
    )
    .option(
      '--drill <name|file>',
      'chaos drill from scenarios/drills/ (e.g. llm-regional-outage)',
      parseNonEmpty('--drill', 'llm-regional-outage'),
    )
    .option('--window <window>', 'month | week | peak-day | peak-hour | START/END', parseWindow, 'peak-hour')
    .option(
      '--speed <factor>',
      'scenario time ÷ wall time, 0.1–10,000 (caller pauses compress; agent latency stays real)',
      parseSpeed,
      120,
    )
    .option('--seed <n>', 'seed of the calls and the simulators (0–2^53)', parseSeed, 1)
    .option(
      '--out <dir>',
      'artefact folder (default reports/<run-id>)',
      parseNonEmpty('--out', 'reports/my-run'),
    )
    .option(
      '--latency <mode>',
      'simulator latency: realistic | zero',
      parseChoice('--latency', ['realistic', 'zero'] as const),
      'realistic',
    )
    .option(
      '--simulators <mode>',
      'process: the simulators in a child process of their own; in-process: inside the driver (competes for its CPU)',
      parseChoice('--simulators', SIMULATORS_CHOICES),
      'process',
    )
    .option(
      '--caller-audio <mode>',
      'tagged: the utterance id in μ-law (fast); speech: rendered caller speech (espeak-ng), linked by the ASR from the audio alone (default: tagged; speech for a twilio+ws:// agent)',
      parseChoice('--caller-audio', CALLER_AUDIO_CHOICES),
    )
    .option(
      '--no-wiring-check',
      "don't stop a run whose simulators see no request from the agent (only for an agent that uses no simulated dependency)",
    )
    .option('--no-progress', 'no live progress on stderr')
    .action(lazyAction(() => import('./actions/run.ts')));
}
