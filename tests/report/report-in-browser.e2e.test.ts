import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeCompareReport } from '../../src/report/write-compare-report.ts';
import { type ReportResult, writeRunReport } from '../../src/report/write-run-report.ts';
import { scaleEvaluation, scaleGate, stageEvaluations } from './fixtures/run-evaluations.ts';

/**
 * The reports opened in Debian's Chromium through playwright-core, from a file:// URL, the way a
 * reviewer opens them. In CI (CI=true) a missing Chromium fails the suite; elsewhere it skips.
 */
const CHROMIUM = process.env.CALLSTORM_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'report');
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true' || process.env.CI === '1';

test.runIf(inCi)('Chromium is installed for the browser tests (CI)', () => {
  expect(haveChromium, `no Chromium at ${CHROMIUM}: run scripts/setup-browser.sh`).toBe(true);
});

interface Opened {
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly outsideRequests: string[];
}

describe.skipIf(!haveChromium && !inCi)('report in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let run: ReportResult;
  let compare: ReportResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callstorm-report-'));
    run = await writeRunReport(scaleEvaluation, { outDir: join(dir, 'run'), gate: scaleGate });
    compare = await writeCompareReport(stageEvaluations, {
      outDir: join(dir, 'compare'),
      gates: [scaleGate],
    });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const outsideRequests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== pathToFileURL(file).href) outsideRequests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, consoleErrors, outsideRequests };
  }

  /** Per chart figure: drawn marks (paths, rects, symbols inside vega mark groups) and text. */
  function chartInk(page: Page) {
    return page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          name: f.getAttribute('data-chart'),
          marks: f.querySelectorAll(
            'g[class*="mark-"] path, g[class*="mark-"] rect, g[class*="mark-symbol"] path',
          ).length,
          texts: [...f.querySelectorAll('svg text')]
            .map((t) => t.textContent ?? '')
            .filter((t) => t.trim() !== '').length,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        };
      }),
    );
  }

  test('run report: verdict first, every chart drawn, no console errors, no network', async () => {
    const { page, consoleErrors, outsideRequests } = await open(join(run.outDir, 'index.html'));
    // The first thing after the title is the verdict, then the findings.
    const order = await page.$$eval('main > *', (els) => els.map((e) => e.id || e.tagName.toLowerCase()));
    expect(order.slice(0, 4)).toEqual(['h1', 'p', 'verdict', 'findings']);
    expect(await page.textContent('#verdict .label')).toBe('NO-GO');
    const findings = await page.$$eval('#findings li', (li) => li.map((l) => l.textContent ?? ''));
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(findings.length).toBeLessThanOrEqual(5);
    expect(findings.join('\n')).toContain('Voice-to-voice p95 missed: 91.0 %');

    const ink = await chartInk(page);
    const expected = run.charts.filter((c) => c.omitted === null).map((c) => c.name);
    expect(ink.map((c) => c.name)).toEqual(expected);
    expect(expected).toHaveLength(8);
    for (const c of ink) {
      expect(c.marks, `${c.name} marks`).toBeGreaterThan(0);
      expect(c.texts, `${c.name} text`).toBeGreaterThan(3);
      expect(c.width, `${c.name} width`).toBeGreaterThan(200);
      expect(c.height, `${c.name} height`).toBeGreaterThan(80);
    }
    // Inlined SVGs do not share ids (vega numbers clip paths per chart).
    const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await page.$$('script')).toHaveLength(0);

    await page.screenshot({ path: join(ARTIFACTS, 'run-report.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
    await page.context().close();
  });

  test('compare report: SLO adherence and distribution shift drawn, uncovered cohorts flagged', async () => {
    const { page, consoleErrors, outsideRequests } = await open(join(compare.outDir, 'index.html'));
    expect(await page.textContent('#verdict .label')).toBe('NO-GO');
    const ink = await chartInk(page);
    expect(ink.map((c) => c.name)).toEqual(['slo-adherence', 'distribution-shift']);
    for (const c of ink) {
      expect(c.marks, `${c.name} marks`).toBeGreaterThan(0);
      expect(c.texts, `${c.name} text`).toBeGreaterThan(3);
    }
    const shiftText = await page.textContent('#chart-distribution-shift svg');
    expect(shiftText).toContain('never seen in pilot');
    expect(await page.textContent('#findings')).toContain('Distribution shift');
    expect(await page.$$('table.shift tr.uncovered')).toHaveLength(10);
    await page.screenshot({ path: join(ARTIFACTS, 'compare-report.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
    await page.context().close();
  });

  test("junit.xml parses in Chromium's XML parser", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const xml = await readFile(join(run.outDir, 'junit.xml'), 'utf8');
    const parsed = await page.evaluate((text) => {
      // The page's DOM, not Node's: tsconfig has no DOM lib.
      const doc = new (globalThis as any).DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        testcases: doc.querySelectorAll('testcase').length,
        failures: doc.querySelectorAll('testcase > failure').length,
        errors: doc.querySelectorAll('testcase > error').length,
      };
    }, xml);
    expect(parsed.error).toBeNull();
    expect(parsed.testcases).toBe(14 + scaleGate.reasons.length);
    // A failed gate reason is a <failure>, an inconclusive one an <error> (not evidence either way).
    expect(parsed.failures).toBe(5 + scaleGate.reasons.filter((r) => r.outcome === 'failed').length);
    expect(parsed.errors).toBe(scaleGate.reasons.filter((r) => r.outcome === 'inconclusive').length);
    await context.close();
  });
});
