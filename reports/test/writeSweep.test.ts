import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSweep } from '../src/index.ts';
import { writeSyntheticRun } from './writeSyntheticRun.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-sweep-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeSweep', () => {
  it('lists each run with its seed, verdict, failing checkers and faults, linked to its report', async () => {
    const failed = await writeSyntheticRun(join(tmp, 'runs', 'chaos-mix', 'run a'), { seed: 3, requests: 2_000 });
    const crashed = await writeSyntheticRun(join(tmp, 'runs', 'chaos-mix', 'run-b'), { seed: 4, requests: 2_000, complete: false });
    const page = join(tmp, 'runs', 'sweeps', 'chaos-mix', 'now', 'sweep.html');
    const rows = await writeSweep(page, 'Sweep of <chaos-mix>', [failed, crashed]);

    expect(rows.map((r) => [r.seed, r.verdict, r.failedCheckers])).toEqual([
      [3, 'fail', ['no lost orders']],
      [4, 'unknown', []],
    ]);
    expect(rows[0]!.faults.map((f) => f.label)).toEqual(['kill worker', 'latency 200ms±50 on api-redis', 'down api-kafka']);
    expect(rows[1]!.error).toMatch(/no results\.json/);

    const html = await readFile(page, 'utf8');
    expect(html).toContain('2 run(s): 0 pass, 1 fail, 1 unknown');
    expect(html).toContain('Sweep of &lt;chaos-mix&gt;');
    expect(html).not.toContain('<script>alert(3)');
    expect(html).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => resolve(dirname(page), decodeURIComponent(m[1]!)));
    expect(links).toEqual([join(failed, 'report.html'), join(crashed, 'report.html')]);
  });
});
