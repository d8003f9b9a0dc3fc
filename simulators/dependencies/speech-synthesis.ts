import { hash32, type Random, seeded } from '../seeded-random.ts';

/**
 * A cheap, deterministic speech-like voice for the TTS simulator: voiced harmonics shaped by five
 * vowel formant sets, a pitch contour (declination, word accents, jitter), syllable-rate amplitude
 * modulation and breathy onsets, band-limited below 3.8 kHz so it is clean at every rate from
 * 8 kHz up. Nobody is meant to understand it; a listener, a level meter or a VAD hears a voice:
 * while it speaks, every 20 ms stays well above −40 dBFS, and it is exactly silent only where a
 * real voice pauses (commas, ends of sentences). Rendering costs about a millisecond per second of
 * 48 kHz audio — espeak-ng costs ~20 ms of CPU per sentence plus a process, too much at the
 * request rates of a scale run.
 */
export interface SpeechOptions {
  readonly sampleRate: number;
  /** Total duration, pauses included (the TTS model decides it from the words). */
  readonly audioMs: number;
  /** Seeds the pitch jitter and breath noise. */
  readonly seed: string | number;
  /** Names the voice (a TTS model or voice name): its pitch and timbre. */
  readonly voice?: string;
  /** RMS level of the loudest syllables (default −16 dBFS). */
  readonly levelDbfs?: number;
}

const TABLE = 2048;
const MAX_FREQ_HZ = 3800;
const COMMA_PAUSE_MS = 180;
const SENTENCE_PAUSE_MS = 320;
const EDGE_RAMP_MS = 12;
/** Envelope floor between syllables and between words inside a phrase (never silent). */
const SYLLABLE_DIP = 0.42;
const WORD_DIP = 0.36;

/** F1, F2, F3 (Hz) of five vowels. */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440], // a
  [530, 1840, 2480], // e
  [300, 2200, 2900], // i
  [570, 840, 2410], // o
  [325, 870, 2250], // u
];
const VOWEL_OF: Record<string, number> = { a: 0, e: 1, i: 2, y: 2, o: 3, u: 4 };

interface Voice {
  readonly f0: number;
  readonly tables: readonly Float32Array[];
}

const voices = new Map<string, Voice>();

function voiceOf(name: string): Voice {
  const known = voices.get(name);
  if (known) return known;
  const h = hash32(name);
  const f0 = [108, 122, 196, 214][h % 4]!;
  const tilt = 0.8 + ((h >>> 3) % 5) * 0.1;
  // Highest harmonic stays below MAX_FREQ_HZ even at the top of the pitch range.
  const harmonics = Math.max(4, Math.floor(MAX_FREQ_HZ / (f0 * 1.4)));
  const tables = VOWELS.map((formants) => {
    const table = new Float32Array(TABLE);
    for (let k = 1; k <= harmonics; k++) {
      const f = k * f0;
      let amp = 0;
      for (const [i, fc] of formants.entries()) {
        const bw = 80 + fc * 0.06;
        amp += (i === 0 ? 1 : i === 1 ? 0.7 : 0.35) * Math.exp(-(((f - fc) / bw) ** 2));
      }
      amp = (amp + 0.04) / k ** (0.3 * tilt);
      for (let n = 0; n < TABLE; n++) table[n]! += amp * Math.sin((2 * Math.PI * k * n) / TABLE);
    }
    let peak = 0;
    for (const v of table) peak = Math.max(peak, Math.abs(v));
    let sum = 0;
    for (let n = 0; n < TABLE; n++) {
      table[n]! /= peak || 1;
      sum += table[n]! * table[n]!;
    }
    // Scale to RMS 1 so every vowel is as loud as the others.
    const rms = Math.sqrt(sum / TABLE) || 1;
    for (let n = 0; n < TABLE; n++) table[n]! /= rms;
    return table;
  });
  const voice = { f0, tables };
  voices.set(name, voice);
  return voice;
}

interface Syllable {
  readonly vowel: number;
  /** First syllable of its word (accented, and a deeper dip before it). */
  readonly wordStart: boolean;
  readonly weight: number;
}

interface Phrase {
  readonly syllables: Syllable[];
  /** Silence after the phrase. */
  readonly pauseMs: number;
}

function phrasesOf(text: string): Phrase[] {
  const phrases: Phrase[] = [];
  let current: Syllable[] = [];
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  words.forEach((word, i) => {
    const letters = word.toLowerCase().replace(/[^a-z0-9]/g, '');
    const groups = letters.match(/[aeiouy]+/g) ?? [];
    const digits = letters.replace(/[^0-9]/g, '').length;
    const count = Math.max(1, groups.length + digits);
    const weight = Math.max(1, letters.length) / count;
    for (let s = 0; s < count; s++) {
      const g = groups[s % Math.max(1, groups.length)] ?? 'a';
      current.push({
        vowel: VOWEL_OF[g[0]!] ?? 0,
        wordStart: s === 0,
        weight: 0.6 + 0.4 * Math.min(weight, 3),
      });
    }
    const last = i === words.length - 1;
    const pause = last
      ? 0
      : /[.!?]["')\]]*$/.test(word)
        ? SENTENCE_PAUSE_MS
        : /[,;:]["')\]]*$/.test(word)
          ? COMMA_PAUSE_MS
          : 0;
    if (pause > 0 || last) {
      phrases.push({ syllables: current, pauseMs: pause });
      current = [];
    }
  });
  return phrases.filter((p) => p.syllables.length > 0);
}

/** Speech-like audio of `text`, mono PCM16 at `sampleRate`, exactly `audioMs` long. */
export function renderSpeech(text: string, options: SpeechOptions): Int16Array {
  const rate = options.sampleRate;
  const total = Math.max(1, Math.round((options.audioMs * rate) / 1000));
  const out = new Int16Array(total);
  const phrases = phrasesOf(text);
  if (phrases.length === 0) return out;
  const voice = voiceOf(options.voice ?? 'default');
  const rng = seeded(options.seed, 'speech', text.length);
  const amplitude = 32_767 * 10 ** ((options.levelDbfs ?? -16) / 20);

  // Pauses take at most 30 % of the time; the syllables share the rest by weight.
  let pauses = phrases.reduce((n, p) => n + p.pauseMs, 0);
  pauses = Math.min(pauses, options.audioMs * 0.3);
  const pauseScale = pauses === 0 ? 0 : pauses / phrases.reduce((n, p) => n + p.pauseMs, 0);
  const weights = phrases.reduce((n, p) => n + p.syllables.reduce((m, s) => m + s.weight, 0), 0);
  const speechSamples = total - Math.round((pauses * rate) / 1000);
  const perWeight = speechSamples / weights;

  let at = 0;
  let phase = 0;
  for (const phrase of phrases) {
    const phraseStart = at;
    const phraseLength = Math.round(phrase.syllables.reduce((n, s) => n + s.weight, 0) * perWeight);
    const phraseEnd = Math.min(total, phraseStart + phraseLength);
    let sylStart = phraseStart;
    phrase.syllables.forEach((syl, i) => {
      const last = i === phrase.syllables.length - 1;
      const sylEnd = last ? phraseEnd : Math.min(phraseEnd, Math.round(sylStart + syl.weight * perWeight));
      const next = phrase.syllables[i + 1];
      phase = renderSyllable(out, {
        from: sylStart,
        to: sylEnd,
        phraseStart,
        phraseEnd,
        startDip: i === 0 ? 0 : dipBefore(syl),
        endDip: next ? dipBefore(next) : 0,
        accent: syl.wordStart ? 1.08 : 1,
        table: voice.tables[syl.vowel]!,
        f0: voice.f0,
        rate,
        amplitude,
        rng,
        phase,
      });
      sylStart = sylEnd;
    });
    at = phraseEnd + Math.round((phrase.pauseMs * pauseScale * rate) / 1000);
  }
  return out;
}

const dipBefore = (syl: Syllable): number => (syl.wordStart ? WORD_DIP : SYLLABLE_DIP);

/** Raised cosine from 0 to 1 over RISE entries: the syllable's rise and fall. */
const RISE = 512;
const RAISED = Float32Array.from({ length: RISE + 1 }, (_, i) => 0.5 - 0.5 * Math.cos((Math.PI * i) / RISE));
/** Pitch is updated every this many samples. */
const PITCH_BLOCK = 32;

function renderSyllable(
  out: Int16Array,
  s: {
    from: number;
    to: number;
    phraseStart: number;
    phraseEnd: number;
    startDip: number;
    endDip: number;
    accent: number;
    table: Float32Array;
    f0: number;
    rate: number;
    amplitude: number;
    rng: Random;
    phase: number;
  },
): number {
  const length = s.to - s.from;
  if (length <= 0) return s.phase;
  const table = s.table;
  const phraseLength = Math.max(1, s.phraseEnd - s.phraseStart);
  const ramp = Math.max(1, Math.round((EDGE_RAMP_MS * s.rate) / 1000));
  const base = s.f0 * s.accent * (1 + (s.rng() - 0.5) * 0.06);
  const breath = Math.round(length * 0.12);
  const riseEnd = Math.max(1, Math.round(length * 0.25));
  const fallStart = Math.round(length * 0.67);
  const fallLength = Math.max(1, length - fallStart);
  const gain = s.amplitude * 0.7;
  let phase = s.phase;
  let step = 0;
  for (let n = 0; n < length; n++) {
    const i = s.from + n;
    if (n % PITCH_BLOCK === 0) {
      // Declination across the phrase, an accent on word starts.
      const f0 = base * (1.12 - 0.22 * ((i - s.phraseStart) / phraseLength));
      step = (f0 * TABLE) / s.rate;
    }
    let env: number;
    if (n < riseEnd) env = s.startDip + (1 - s.startDip) * RAISED[((n * RISE) / riseEnd) | 0]!;
    else if (n >= fallStart)
      env = s.endDip + (1 - s.endDip) * RAISED[(((length - n) * RISE) / fallLength) | 0]!;
    else env = 1;
    const fromStart = i - s.phraseStart;
    const toEnd = s.phraseEnd - i;
    if (fromStart < ramp) env *= fromStart / ramp;
    if (toEnd < ramp) env *= toEnd / ramp;
    phase += step;
    if (phase >= TABLE) phase -= TABLE;
    let v = table[phase | 0]! * env;
    if (n < breath) v += (s.rng() - 0.5) * 0.5 * env * (1 - n / breath);
    const sample = Math.round(v * gain);
    out[i] = sample > 32_767 ? 32_767 : sample < -32_768 ? -32_768 : sample;
  }
  return phase;
}
