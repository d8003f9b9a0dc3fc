/**
 * G.711 μ-law and A-law (ITU-T G.711), the telephone codecs: 8-bit companded samples to and from
 * 16-bit linear PCM. Table-driven both ways (decode: 256 entries; encode: 65,536), built once.
 */

const MULAW_BIAS = 0x84;
/** Segment ends of the 14-bit μ-law encoder (the CCITT/Sun reference `linear2ulaw`). */
const MULAW_SEGMENT_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];

function mulawEncodeSample(sample: number): number {
  let s = sample >> 2;
  let mask = 0xff;
  if (s < 0) {
    s = -s;
    mask = 0x7f;
  }
  if (s > 8159) s = 8159;
  s += MULAW_BIAS >> 2;
  let segment = 0;
  while (segment < 8 && s > MULAW_SEGMENT_END[segment]!) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  return ((segment << 4) | ((s >> (segment + 1)) & 0x0f)) ^ mask;
}

function mulawDecodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return sign ? -magnitude : magnitude;
}

function alawEncodeSample(sample: number): number {
  let s = sample >> 3; // A-law works on 13-bit magnitudes
  let sign = 0x80;
  if (s < 0) {
    sign = 0;
    s = -s - 1;
  }
  if (s > 0x0fff) s = 0x0fff;
  let byte: number;
  if (s < 32) byte = s >> 1;
  else {
    let exponent = 1;
    for (let v = s >> 5; v > 1; v >>= 1) exponent++;
    byte = (exponent << 4) | ((s >> exponent) & 0x0f);
  }
  return (byte | sign) ^ 0x55;
}

function alawDecodeSample(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if ((a & 0x80) === 0) magnitude = -magnitude;
  return magnitude;
}

const MULAW_DECODE = Int16Array.from({ length: 256 }, (_, b) => mulawDecodeSample(b));
const ALAW_DECODE = Int16Array.from({ length: 256 }, (_, b) => alawDecodeSample(b));
let mulawEncodeTable: Uint8Array | undefined;
let alawEncodeTable: Uint8Array | undefined;

function encodeTable(encode: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65_536);
  for (let i = 0; i < 65_536; i++) table[i] = encode(i - 32_768);
  return table;
}

/** μ-law byte of silence (0 linear). */
export const MULAW_SILENCE = 0xff;
/** A-law byte of silence (0 linear). */
export const ALAW_SILENCE = 0xd5;

export function mulawToPcm(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_DECODE[bytes[i]!]!;
  return out;
}

export function pcmToMulaw(samples: Int16Array): Uint8Array {
  mulawEncodeTable ??= encodeTable(mulawEncodeSample);
  const t = mulawEncodeTable;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = t[samples[i]! + 32_768]!;
  return out;
}

export function alawToPcm(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW_DECODE[bytes[i]!]!;
  return out;
}

export function pcmToAlaw(samples: Int16Array): Uint8Array {
  alawEncodeTable ??= encodeTable(alawEncodeSample);
  const t = alawEncodeTable;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = t[samples[i]! + 32_768]!;
  return out;
}
