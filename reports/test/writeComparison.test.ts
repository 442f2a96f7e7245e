import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '@flux-gate/run-format';
import { writeComparison } from '../src/index.ts';
import { writeSyntheticRun } from './writeSyntheticRun.ts';

const run = promisify(execFile);
const compareCli = join(import.meta.dirname, '../src/cli/compare.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

let tmp: string;
let a: string;
let noise: string;
let slower: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-compare-'));
  [a, noise, slower] = await Promise.all([
    writeSyntheticRun(join(tmp, 'a'), { seed: 1, requests: 60_000 }),
    writeSyntheticRun(join(tmp, 'noise'), { seed: 2, requests: 60_000 }),
    writeSyntheticRun(join(tmp, 'slower'), { seed: 3, requests: 60_000, latencyScale: 2 }),
  ]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeComparison', () => {
  it('flags a real regression: every latency doubled', async () => {
    const { file, comparison } = await writeComparison(a, slower);
    expect(file).toBe(join(slower, 'comparison.html'));
    expect(comparison.regressions.join('\n')).toMatch(/latency p50[\s\S]*latency p99/);
    const p99 = comparison.latency.find((d) => d.q === 0.99)!;
    expect(p99.low).toBeGreaterThan(0);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('REGRESSION');
    expect(html).toContain('href="../a/report.html"');
  });

  it('does not flag noise: the same load drawn with another seed', async () => {
    const { comparison } = await writeComparison(a, noise, { out: join(tmp, 'noise.html') });
    expect(comparison.regressions).toEqual([]);
    for (const d of comparison.latency) expect(d.low).toBeLessThanOrEqual(0);
  });

  it('is reproducible: the same seed gives the same intervals', async () => {
    const one = await writeComparison(a, slower, { out: join(tmp, 'one.html'), seed: 7 });
    const two = await writeComparison(a, slower, { out: join(tmp, 'two.html'), seed: 7 });
    expect(two.comparison.latency).toEqual(one.comparison.latency);
  });

  it('flags an invariant that passed in A and fails in B', async () => {
    const broken = await writeSyntheticRun(join(tmp, 'broken'), { seed: 1, requests: 60_000 });
    const results = JSON.parse(await readFile(join(broken, 'results.json'), 'utf8')) as Results;
    results.checks[0]!.verdict = 'fail';
    await writeFile(join(broken, 'results.json'), JSON.stringify(results));
    const { comparison } = await writeComparison(a, broken);
    expect(comparison.regressions).toEqual(['invariant no oversell: pass → fail']);
  });
});

describe('npm run compare', () => {
  it('prints the table and exits 1 on a regression with --fail-on-regression', async () => {
    const err = await run(tsx, [compareCli, a, slower, '--fail-on-regression', '--out', join(tmp, 'cli.html')]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stdout: string }).stdout).toMatch(/latency p99 .*REGRESSION/);
    const ok = await run(tsx, [compareCli, a, noise, '--fail-on-regression', '--out', join(tmp, 'cli2.html')]);
    expect(ok.stdout).toContain('no regression beyond noise');
  });

  it('exits 3 naming the path when a folder is not a run', async () => {
    const err = await run(tsx, [compareCli, a, join(tmp, 'missing')]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 3 });
    expect((err as { stderr: string }).stderr).toContain(join(tmp, 'missing'));
    expect((err as { stderr: string }).stderr).toContain('npm run experiment');
  });
});
