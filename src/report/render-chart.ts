import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { REPORT_FONT } from './chart-config.ts';

/** Where Debian's fonts-dejavu-core puts the font the charts are drawn in. */
const DEJAVU_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
];

/** Renders a Vega-Lite spec to SVG with vega's headless view (no DOM, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontOptions: { fontFiles: string[]; loadSystemFonts: boolean } | undefined;

/** The slide every PNG chart must fit, in pixels. */
export const SLIDE = { width: 1920, height: 1080 } as const;

/**
 * The fewest PNG pixels per SVG pixel a chart is drawn at: its 11 px labels then stand at least
 * 16 px tall on a 1920 × 1080 slide. Charts are sized so that they fit at this zoom.
 */
export const MIN_SLIDE_ZOOM = 1.5;

/** An SVG's own width and height (vega writes them on the root element). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const num = (name: string) => Number(new RegExp(`\\b${name}="([\\d.]+)"`).exec(root)?.[1] ?? Number.NaN);
  return { width: num('width'), height: num('height') };
}

/** The PNG zoom for a chart: 2× (crisp), or less for a large chart so the PNG fits the slide. */
export function slideZoom(svg: string): number {
  const { width, height } = svgSize(svg);
  if (!(width > 0 && height > 0)) return 2;
  return Math.min(2, SLIDE.width / width, SLIDE.height / height);
}

/**
 * Rasterises a chart's SVG with resvg at `scale` × its size (default: 2×, or what fits a
 * 1920 × 1080 slide). Text is drawn
 * in DejaVu Sans: loaded from its file when present (fast), else from the system's fonts. Without
 * the font installed resvg silently drops text, so `scripts/setup-browser.sh` installs it
 * (Debian fonts-dejavu-core).
 */
export function svgToPng(svg: string, scale = slideZoom(svg)): Buffer {
  fontOptions ??= (() => {
    const files = DEJAVU_FILES.filter((f) => existsSync(f));
    return { fontFiles: files, loadSystemFonts: files.length === 0 };
  })();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { ...fontOptions, defaultFontFamily: REPORT_FONT, sansSerifFamily: REPORT_FONT },
  });
  return resvg.render().asPng();
}

/**
 * Makes a chart's SVG safe to inline next to others in one HTML page: vega numbers its clip
 * paths and gradients per view (`clip1`, …), so two inlined charts would share ids and one would
 * clip with the other's rectangle. Every id and reference gets the chart's name as prefix.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}
