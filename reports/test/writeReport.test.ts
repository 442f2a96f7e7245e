import { existsSync, statSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRun, RunFolderError } from '@flux-gate/run-format';
import { writeReport } from '../src/index.ts';
import { evilExperiment, evilUserId, writeSyntheticRun } from './writeSyntheticRun.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-report-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes a report that shows the verdict and escapes every string from the run', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'evil'), { seed: 1, requests: 20_000, experiment: evilExperiment });
    const html = await readFile(await writeReport(dir), 'utf8');
    expect(html).toContain('class="verdict fail">FAIL');
    expect(html).not.toContain('<script>alert(');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>run</b>');
    expect(html).not.toContain('worker<&>');
    expect(evilUserId).toBe('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt; flash &quot;sale&quot; &amp; more');
    expect(html).toContain('href="logs/worker%3C%26%3E.log"');
    expect(html).toContain('href="logs/api-1.log"');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="?https?:/i);
    // Each witness field is present, escaped.
    for (const field of ['order id', 'HTTP outcome', 'Kafka offset', 'DB row']) expect(html).toContain(`<th>${field}</th>`);
    expect(html).toContain('&lt;none&gt;');
  });

  it('reports a crashed run (no results, no final state, torn last line) as unknown and says what is missing', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'crashed'), { seed: 2, requests: 2_000, complete: false });
    await appendFile(join(dir, 'history.ndjson'), '{"ts":12');
    const html = await readFile(await writeReport(dir), 'utf8');
    expect(html).toContain('class="verdict unknown">UNKNOWN');
    expect(html).toContain('results.json is missing');
    expect(html).toContain('final-state.json is missing');
    expect(html).toContain('1 unreadable line(s) of history.ndjson skipped');
    expect(html).toContain('Computed from history.ndjson');
  });

  it('refuses a path that is not a run folder, naming it and the next command', async () => {
    await expect(readRun(join(tmp, 'nope'))).rejects.toThrow(RunFolderError);
    await expect(readRun(tmp)).rejects.toThrow(/fg-report-.*not a run folder[\s\S]*npm run experiment/);
  });

  it('keeps a 1,000,000-request run under 5 MB', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'big'), { seed: 3, requests: 1_000_000, durationS: 300 });
    const started = Date.now();
    const file = await writeReport(dir);
    const seconds = (Date.now() - started) / 1000;
    const size = statSync(file).size;
    console.log(`1M-request report: ${(size / 1024).toFixed(0)} KiB in ${seconds.toFixed(1)} s`);
    expect(existsSync(file)).toBe(true);
    expect(size).toBeLessThan(5 * 1024 * 1024);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('1,000,000 requests');
  });
});
