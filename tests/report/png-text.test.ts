import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { expect, test } from 'vitest';
import { escalationReasonsChart } from '../../src/report/escalation-reasons-chart.ts';
import { renderSvg, svgToPng } from '../../src/report/render-chart.ts';
import { isOmitted } from '../../src/report/report-chart.ts';
import { writeRunReport } from '../../src/report/write-run-report.ts';
import { decodePng, inkPixels } from './decode-png.ts';
import { scaleEvaluation } from './fixtures/run-evaluations.ts';

// Chart titles sit at the top left: padding 8 px, title 15 px and subtitle 11 px, drawn at 2×.
const TITLE_AREA = { x: 0, y: 0, width: 700, height: 80 };

async function titledChartSvg(): Promise<string> {
  const chart = escalationReasonsChart(scaleEvaluation);
  if (isOmitted(chart)) throw new Error('fixture has escalations');
  return renderSvg(chart.spec);
}

test('PNG charts carry visible text: the title area is not blank', async () => {
  const png = decodePng(svgToPng(await titledChartSvg()));
  expect(png.width).toBeGreaterThan(800);
  expect(inkPixels(png, TITLE_AREA)).toBeGreaterThan(1_000);
});

test('the check notices vanished text: the same SVG rasterised without a font has a blank title area', async () => {
  const svg = await titledChartSvg();
  const fontless = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: false, fontFiles: [], defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  expect(inkPixels(decodePng(fontless), TITLE_AREA)).toBe(0);
});

test('every PNG a run report writes has text in its title area', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callstorm-png-'));
  try {
    const report = await writeRunReport(scaleEvaluation, { outDir: dir });
    const pngs = report.files.filter((f) => f.endsWith('.png'));
    expect(pngs).toHaveLength(8);
    for (const f of pngs) {
      const img = decodePng(await readFile(join(dir, f)));
      expect(inkPixels(img, TITLE_AREA), f).toBeGreaterThan(1_000);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
