import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeComparison, writeReport } from '../src/index.ts';
import { evilExperiment, writeSyntheticRun } from './writeSyntheticRun.ts';

const artifacts = join(import.meta.dirname, 'artifacts');
let tmp: string;
let browser: Browser;
let report: string;
let comparison: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-browser-'));
  await mkdir(artifacts, { recursive: true });
  const a = await writeSyntheticRun(join(tmp, 'a'), { seed: 1, requests: 40_000, experiment: evilExperiment });
  const b = await writeSyntheticRun(join(tmp, 'b'), { seed: 2, requests: 40_000, latencyScale: 2 });
  report = await writeReport(a);
  comparison = (await writeComparison(a, b)).file;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});
afterAll(async () => {
  await browser?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Opens a page from disk and returns, per canvas, how many pixels were painted, plus every URL requested and every page error. */
async function open(file: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => errors.push(`dialog: ${d.message()}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const painted = await page.$$eval('canvas', (canvases) =>
    canvases.map((c) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return { id: c.id, painted: n, total: c.width * c.height };
    }),
  );
  await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });
  await page.close();
  return { painted, requests, errors };
}

describe('pages opened from disk in Chromium', () => {
  it('report.html paints every chart and fetches nothing from the network', async () => {
    const { painted, requests, errors } = await open(report, 'report.png');
    expect(errors).toEqual([]);
    expect(painted.map((p) => p.id)).toEqual(['chart-requests', 'chart-latency', 'chart-conservation', 'chart-worker']);
    for (const p of painted) expect(p.painted, p.id).toBeGreaterThan(p.total * 0.01);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url).toMatch(/^(file|data):/);
  });

  it('comparison.html paints every overlaid chart and fetches nothing from the network', async () => {
    const { painted, requests, errors } = await open(comparison, 'comparison.png');
    expect(errors).toEqual([]);
    expect(painted.map((p) => p.id)).toEqual(['chart-requests', 'chart-latency', 'chart-conservation']);
    for (const p of painted) expect(p.painted, p.id).toBeGreaterThan(p.total * 0.01);
    for (const url of requests) expect(url).toMatch(/^(file|data):/);
  });
});
