/**
 * Utterance audio: μ-law, 8 kHz, mono (8 bytes per millisecond), of the utterance's real duration.
 * The first bytes carry the utterance id so the ASR simulator can recognise what was "said", the way
 * a real recogniser would recognise speech. Layout: "CSU1" · length (1 byte) · id (UTF-8) · μ-law
 * silence (0xFF) to the full duration. The header is padded to a multiple of 3 bytes so the base64
 * of the silence can be cut from one precomputed string.
 */
const MAGIC = 'CSU1';
export const BYTES_PER_MS = 8;
const SILENCE = 0xff;
const MAX_CACHED_MS = 120_000;

let silenceBase64 = '';

function silenceOf(bytes: number): string {
  const chars = (bytes / 3) * 4;
  if (silenceBase64.length < chars) {
    const size = Math.max(bytes, Math.min(MAX_CACHED_MS * BYTES_PER_MS, bytes * 2));
    silenceBase64 = Buffer.alloc(size - (size % 3), SILENCE).toString('base64');
  }
  return silenceBase64.slice(0, chars);
}

function header(utteranceId: string): Buffer {
  const id = Buffer.from(utteranceId, 'utf8');
  if (id.length > 255) throw new RangeError('utterance id longer than 255 bytes');
  const raw = Buffer.concat([Buffer.from(MAGIC, 'ascii'), Buffer.from([id.length]), id]);
  const padded = Buffer.alloc(Math.ceil(raw.length / 3) * 3, SILENCE);
  raw.copy(padded);
  return padded;
}

/** Base64 μ-law audio of `speechMs` carrying the utterance id. */
export function encodeUtteranceAudio(utteranceId: string, speechMs: number): string {
  const head = header(utteranceId);
  let total = Math.max(Math.round(speechMs * BYTES_PER_MS), head.length);
  total += (3 - (total % 3)) % 3;
  return head.toString('base64') + silenceOf(total - head.length);
}

/** Raw μ-law bytes of the same audio (what the agent forwards to an ASR as a request body). */
export function utteranceAudioBytes(utteranceId: string, speechMs: number): Buffer {
  return Buffer.from(encodeUtteranceAudio(utteranceId, speechMs), 'base64');
}

/** The utterance id carried by audio bytes, or null if the audio is not callstorm's. */
export function decodeUtteranceId(audio: Uint8Array): string | null {
  if (audio.length < 5) return null;
  if (String.fromCharCode(audio[0]!, audio[1]!, audio[2]!, audio[3]!) !== MAGIC) return null;
  const length = audio[4]!;
  if (audio.length < 5 + length) return null;
  return Buffer.from(audio.subarray(5, 5 + length)).toString('utf8');
}

/** Duration in ms of μ-law 8 kHz audio. */
export function audioDurationMs(byteLength: number): number {
  return byteLength / BYTES_PER_MS;
}
