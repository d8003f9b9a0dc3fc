import { inflateSync } from 'node:zlib';

/** Decodes an 8-bit RGBA or RGB, non-interlaced PNG (what resvg writes) into RGBA pixels. */
export function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      if (depth !== 8 || data[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs');
      channels = colour === 6 ? 4 : colour === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`unsupported colour type ${colour}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? cur[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[x] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) out[(y * width + x) * 4 + k] = k < channels ? cur[x * channels + k]! : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Pixels in a rectangle that are not (near) white: ink, i.e. text or marks. */
export function inkPixels(
  img: { width: number; height: number; rgba: Uint8Array },
  box: { x: number; y: number; width: number; height: number },
): number {
  let n = 0;
  for (let y = box.y; y < Math.min(img.height, box.y + box.height); y++) {
    for (let x = box.x; x < Math.min(img.width, box.x + box.width); x++) {
      const i = (y * img.width + x) * 4;
      if (img.rgba[i]! < 200 || img.rgba[i + 1]! < 200 || img.rgba[i + 2]! < 200) n++;
    }
  }
  return n;
}
