import { expect, test } from 'vitest';
import { compareCharts } from '../../src/report/compare-charts.ts';
import { fallbackTiersChart } from '../../src/report/fallback-tiers-chart.ts';
import { MIN_SLIDE_ZOOM, renderSvg, SLIDE, svgSize, svgToPng } from '../../src/report/render-chart.ts';
import { type ChartOrOmitted, isOmitted } from '../../src/report/report-chart.ts';
import { runCharts } from '../../src/report/run-charts.ts';
import { keyText } from '../../src/report/slo-adherence-chart.ts';
import type { RunEvaluation } from '../../src/slo/run-evaluation.ts';
import { decodePng, inkPixels } from './decode-png.ts';
import { hardeningEvaluation, pilotEvaluation, scaleEvaluation } from './fixtures/run-evaluations.ts';

/** The title and subtitle, top left, at the smallest zoom a chart is drawn at. */
const TITLE_AREA = { x: 0, y: 0, width: 500, height: 60 };

/** Renders each chart drawn and checks it as a slide would show it: fits 1920 × 1080, text readable. */
async function checkSlides(charts: readonly ChartOrOmitted[]): Promise<string[]> {
  const drawn: string[] = [];
  for (const chart of charts) {
    if (isOmitted(chart)) continue;
    const svg = await renderSvg(chart.spec);
    const png = decodePng(svgToPng(svg));
    const zoom = png.width / svgSize(svg).width;
    expect(png.width, chart.name).toBeLessThanOrEqual(SLIDE.width);
    expect(png.height, chart.name).toBeLessThanOrEqual(SLIDE.height);
    // 11 px labels at ≥ 1.5× stand ≥ 16 px tall on the slide.
    expect(zoom, chart.name).toBeGreaterThanOrEqual(MIN_SLIDE_ZOOM - 0.01);
    expect(inkPixels(png, TITLE_AREA), `${chart.name}: text in the title area`).toBeGreaterThan(800);
    drawn.push(chart.name);
  }
  return drawn;
}

/** Nine runs as the promotion review compares them: pilot, hardening, a scale baseline, six drills. */
function nineRuns(): RunEvaluation[] {
  const drills = ['llm-regional-outage', 'crm-rate-limiting', 'asr-confidence-collapse'];
  const scale = (i: number): RunEvaluation => ({
    ...scaleEvaluation,
    runId: `20260412T101500.123Z_collections_scale_${i === 0 ? 'baseline' : drills[(i - 1) % 3]}_${i > 3 ? 'pilot' : 'production'}_s1_a1b2c${i}`,
    drill: i === 0 ? null : drills[(i - 1) % 3]!,
    agent: i > 3 ? 'reference:pilot' : 'reference:production',
  });
  return [pilotEvaluation, hardeningEvaluation, ...Array.from({ length: 7 }, (_, i) => scale(i))];
}

test('every chart of a run report fits a 1920 × 1080 slide at a readable size, with its text drawn', async () => {
  for (const e of [pilotEvaluation, hardeningEvaluation, scaleEvaluation]) {
    expect((await checkSlides(runCharts(e))).length).toBeGreaterThanOrEqual(6);
  }
});

test('a run id that says stage, drill and agent is the key; another one gets them beside it', () => {
  const e = {
    runId: '20260412T101500.123Z_collections_scale_baseline_production_s1_a1b2c3',
    stage: 'scale',
    drill: null,
    agent: 'reference:production',
  };
  expect(keyText(e)).toBe(e.runId);
  expect(keyText({ ...e, runId: 'k6-ingest-7' })).toBe(
    'k6-ingest-7 (scale · baseline · reference:production)',
  );
});

test('the comparison charts fit a slide however many runs it holds: short column labels and a key', async () => {
  for (const runs of [[pilotEvaluation, scaleEvaluation], nineRuns()]) {
    const charts = compareCharts(runs);
    expect(await checkSlides(charts)).toEqual(['slo-adherence', 'distribution-shift']);
    const grid = charts[0]!;
    if (isOmitted(grid)) throw new Error('drawn above');
    const svg = await renderSvg(grid.spec);
    // Columns are `#1 pilot`, …; the run ids are in the key only, and nowhere in the title.
    for (const [i, e] of runs.entries()) {
      expect(svg).toContain(`#${i + 1} ${e.stage}`);
      expect(svg).toContain(`#${i + 1}  ${keyText(e)}`);
    }
    expect(JSON.stringify((grid.spec as { title?: unknown }).title)).not.toContain(runs[0]!.runId);
  }
});

test('an agent that invents a reason per call still gets an escalation chart of a slide’s height', async () => {
  const reasons = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`reason-${i}`, 60 - i]));
  const e: RunEvaluation = { ...scaleEvaluation, escalationReasons: reasons };
  const chart = runCharts(e).find((c) => c.name === 'escalation-reasons')!;
  await checkSlides([chart]);
  if (isOmitted(chart)) throw new Error('drawn');
  expect(JSON.stringify(chart.spec)).toContain('49 other reasons');
});

test('a drill whose turns carry no tier still shows its fault in the fallback-tiers chart', async () => {
  const e: RunEvaluation = {
    ...scaleEvaluation,
    fallbackDuringFaults: [{ fault: 'llm-outage', tiers: {}, unreported: 58 }],
  };
  const chart = fallbackTiersChart(e);
  expect(isOmitted(chart)).toBe(false);
  await checkSlides([chart]);
  expect(JSON.stringify(isOmitted(chart) ? null : chart.spec)).toContain('no reply or no tier reported');
  // Only a run with no fault applied at all has nothing to show.
  expect(fallbackTiersChart({ ...scaleEvaluation, fallbackDuringFaults: [] })).toMatchObject({
    omitted: 'faults.jsonl records no fault applied during this run',
  });
});

test('whenever faults.jsonl says a fault was applied, every time chart of the drill shades its window and the tier chart is drawn', () => {
  expect(scaleEvaluation.faults.length).toBeGreaterThan(0);
  // The busy review's drill: the fault applied, and no turn under it reported a tier.
  const e: RunEvaluation = {
    ...scaleEvaluation,
    fallbackDuringFaults: scaleEvaluation.faults.map((f) => ({ fault: f.id, tiers: {}, unreported: 58 })),
  };
  const charts = runCharts(e);
  const drawn = (name: string) => {
    const c = charts.find((x) => x.name === name);
    if (c === undefined || isOmitted(c)) throw new Error(`${name} not drawn`);
    return JSON.stringify(c.spec);
  };
  for (const name of ['latency', 'outcomes']) {
    for (const f of e.faults) expect(drawn(name), name).toContain(`${f.id} (${f.target})`);
  }
  for (const f of e.faults) expect(drawn('fallback-tiers')).toContain(f.id);
});
