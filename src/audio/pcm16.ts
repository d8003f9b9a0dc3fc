/** 16-bit little-endian linear PCM as bytes, and the float view the DSP code works in. */

/** Samples of PCM16 LE bytes (an odd trailing byte is dropped). */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function pcm16ToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return out;
}

/** Float samples in [-1, 1) to PCM16, clipped and rounded. */
export function floatToPcm16(samples: Float32Array | readonly number[]): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] ?? 0) * 32_768);
    out[i] = v > 32_767 ? 32_767 : v < -32_768 ? -32_768 : v;
  }
  return out;
}

export function pcm16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32_768;
  return out;
}

/** Root-mean-square level of PCM16 samples in dBFS (−Infinity for digital silence). */
export function rmsDbfs(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  const n = Math.max(1, to - from);
  const rms = Math.sqrt(sum / n) / 32_768;
  return rms === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(rms);
}
