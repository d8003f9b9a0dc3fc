import type { Command } from 'commander';
import { CALLER_AUDIO_MODES, type CallerAudioMode } from '../../simulators/callers/caller-audio.ts';
import { loadDrill } from '../chaos/drill-schema.ts';
import { createRunChaos } from '../chaos/run-chaos.ts';
import { executeRun } from '../driver/execute-run.ts';
import { SIMULATORS_MODES, type SimulatorsMode } from '../driver/run-simulators.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';
import { progressPrinter } from './run-progress.ts';

interface RunOptions {
  vertical: string;
  stage: string;
  window: string;
  speed: string;
  seed: string;
  agent: string;
  drill?: string;
  out?: string;
  latency: string;
  simulators: string;
  callerAudio: string;
  progress: boolean;
}

function parseSpeed(text: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--speed',
      reason: `"${text}" is not a positive number`,
      fix: 'e.g. --speed 240 plays four scenario hours in a wall minute',
    });
  }
  return n;
}

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
      'reference:production | reference:pilot | http://127.0.0.1:PORT',
      'reference:production',
    )
    .option('--drill <name|file>', 'chaos drill from scenarios/drills/ (e.g. llm-regional-outage)')
    .option('--window <window>', 'month | week | peak-day | peak-hour | START/END', 'peak-hour')
    .option(
      '--speed <factor>',
      'scenario time ÷ wall time (caller pauses compress; agent latency stays real)',
      '120',
    )
    .option('--seed <n>', 'seed of the calls and the simulators', '1')
    .option('--out <dir>', 'artefact folder (default reports/<run-id>)')
    .option('--latency <mode>', 'simulator latency: realistic | zero', 'realistic')
    .option(
      '--simulators <mode>',
      'process: the simulators in a child process of their own; in-process: inside the driver (competes for its CPU)',
      'process',
    )
    .option(
      '--caller-audio <mode>',
      'tagged: the utterance id in μ-law (fast); speech: rendered caller speech (espeak-ng), linked by the ASR from the audio alone',
      'tagged',
    )
    .option('--no-progress', 'no live progress on stderr')
    .action(
      runAction(async (opts: RunOptions) => {
        if (opts.latency !== 'realistic' && opts.latency !== 'zero') {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--latency',
            reason: `"${opts.latency}"`,
            fix: 'use realistic or zero',
          });
        }
        if (!(SIMULATORS_MODES as readonly string[]).includes(opts.simulators)) {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--simulators',
            reason: `"${opts.simulators}"`,
            fix: `use ${SIMULATORS_MODES.join(' or ')}`,
          });
        }
        if (!(CALLER_AUDIO_MODES as readonly string[]).includes(opts.callerAudio)) {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--caller-audio',
            reason: `"${opts.callerAudio}"`,
            fix: `use ${CALLER_AUDIO_MODES.join(' or ')}`,
          });
        }
        const drill = opts.drill ? loadDrill(opts.drill) : null;
        const seed = parseSeed(opts.seed);
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const progress = opts.progress ? progressPrinter() : null;
        try {
          const result = await executeRun({
            vertical: opts.vertical,
            stage: opts.stage,
            window: opts.window,
            speed: parseSpeed(opts.speed),
            seed,
            agent: opts.agent,
            ...(drill ? { drill: drill.name, chaos: (ctx) => createRunChaos({ drill, seed, ...ctx }) } : {}),
            ...(opts.out ? { out: opts.out } : {}),
            latency: opts.latency,
            simulators: opts.simulators as SimulatorsMode,
            callerAudio: opts.callerAudio as CallerAudioMode,
            signal: controller.signal,
            ...(progress ? { onProgress: progress.onProgress, progressEveryMs: progress.everyMs } : {}),
          });
          progress?.done();
          const m = result.manifest;
          const c = m.counts;
          process.stdout.write(
            `${m.status}${m.invalid ? ' (INVALID: ' + m.invalid + ')' : ''}: ${c['call.finished'] ?? 0} calls — resolved ${c['call.outcome.resolved'] ?? 0}, false containment ${c['call.outcome.false-containment'] ?? 0}, escalated ${c['call.outcome.escalated'] ?? 0}, abandoned ${c['call.outcome.abandoned'] ?? 0}, failed ${c['call.outcome.failed'] ?? 0}\n→ ${result.dir}\n`,
          );
          return m.status === 'complete' && !m.invalid ? 0 : m.status === 'interrupted' ? 130 : 1;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
