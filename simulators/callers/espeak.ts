import { execFile } from 'node:child_process';
import { CallstormError } from '../../src/errors/callstorm-error.ts';

/**
 * espeak-ng, the synthesiser caller speech starts from (Debian package, `scripts/setup-speech.sh`).
 * One process per utterance: `espeak-ng -v <voice>[+<variant>] -s <wpm> -p <pitch> --stdout <text>`
 * writes a 22,050 Hz PCM16 WAV. `CALLSTORM_ESPEAK` names another binary (default `espeak-ng` on
 * the PATH).
 */
export interface EspeakRequest {
  /** Language voice, e.g. `en-gb-scotland`. */
  readonly voice: string;
  /** Voice variant (`m3`, `f2`, … from `espeak-ng --voices=variant`), or null for the voice's own. */
  readonly variant: string | null;
  /** Words per minute (espeak's `-s`, 80–450). */
  readonly rate: number;
  /** Pitch 0–99 (espeak's `-p`, 50 is the voice's own). */
  readonly pitch: number;
  readonly text: string;
}

export function espeakBinary(): string {
  return process.env['CALLSTORM_ESPEAK'] || 'espeak-ng';
}

function unavailable(reason: string, cause?: unknown): CallstormError {
  return new CallstormError('CS_ERR_SPEECH_UNAVAILABLE', { reason }, { cause });
}

function run(args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      espeakBinary(),
      args,
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(unavailable(`${espeakBinary()} is not installed`, error));
        const detail = Buffer.from(stderr).toString('utf8').trim().split('\n')[0] ?? '';
        reject(
          unavailable(
            `${espeakBinary()} ${args.slice(0, 6).join(' ')} … failed: ${detail || error.message}`,
            error,
          ),
        );
      },
    );
  });
}

let version: Promise<string> | undefined;
let voices: Promise<ReadonlySet<string>> | undefined;

/** `1.51` (from `espeak-ng --version`); part of every cache key. */
export function espeakVersion(): Promise<string> {
  version ??= run(['--version']).then((out) => {
    const m = /text-to-speech:\s*([^\s]+)/.exec(out.toString('utf8'));
    return m?.[1] ?? out.toString('utf8').trim();
  });
  version.catch(() => {
    version = undefined;
  });
  return version;
}

/** Language voices this espeak-ng has (`espeak-ng --voices`, second column), e.g. `en-gb-x-rp`. */
export function espeakVoices(): Promise<ReadonlySet<string>> {
  voices ??= run(['--voices']).then((out) => {
    const names = new Set<string>();
    for (const line of out.toString('utf8').split('\n').slice(1)) {
      const name = line.trim().split(/\s+/)[1];
      if (name) names.add(name);
    }
    return names;
  });
  voices.catch(() => {
    voices = undefined;
  });
  return voices;
}

/** Whether espeak-ng can run here (tests skip or fail on this). */
export async function espeakAvailable(): Promise<boolean> {
  try {
    await espeakVersion();
    return true;
  } catch {
    return false;
  }
}

/** The WAV espeak-ng writes for one request (22,050 Hz mono PCM16; streamed header sizes). */
export function espeakWav(request: EspeakRequest): Promise<Buffer> {
  const voice = request.variant ? `${request.voice}+${request.variant}` : request.voice;
  // `--` ends the options: a text starting with "-" is still text.
  return run([
    '-v',
    voice,
    '-s',
    String(request.rate),
    '-p',
    String(request.pitch),
    '--stdout',
    '--',
    request.text,
  ]);
}
