import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedChart } from './html-parts.ts';
import { renderSvg, scopeSvgIds, svgToPng } from './render-chart.ts';
import { type ChartOrOmitted, isOmitted } from './report-chart.ts';

/**
 * Renders each chart to `<outDir>/charts/<name>.svg` and `.png` and returns the SVGs ready to
 * inline (ids scoped per chart). Omitted charts are passed through without files.
 */
export async function renderChartsTo(
  charts: readonly ChartOrOmitted[],
  outDir: string,
): Promise<RenderedChart[]> {
  const dir = join(outDir, 'charts');
  await mkdir(dir, { recursive: true });
  const out: RenderedChart[] = [];
  for (const chart of charts) {
    if (isOmitted(chart)) {
      out.push({ chart, svg: null });
      continue;
    }
    const svg = await renderSvg(chart.spec);
    await writeFile(join(dir, `${chart.name}.svg`), svg);
    await writeFile(join(dir, `${chart.name}.png`), svgToPng(svg));
    await writeFile(join(dir, `${chart.name}.vl.json`), `${JSON.stringify(chart.spec, null, 2)}\n`);
    out.push({ chart, svg: scopeSvgIds(svg, `chart-${chart.name}`) });
  }
  return out;
}
