import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadSummary } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';
import { LineMerger } from '../src/load/LineMerger.ts';
import { mergeSummaries } from '../src/load/mergeSummaries.ts';

describe('merging the load processes\' output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-merge-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends each source\'s complete lines once, and keeps a line still being written for later', () => {
    const [a, b, target] = ['a.ndjson', 'b.ndjson', 'merged.ndjson'].map((f) => join(dir, f)) as [string, string, string];
    writeFileSync(a, '');
    writeFileSync(b, '');
    const merger = new LineMerger([a, b], target);
    appendFileSync(a, '{"n":0}\n{"n":2}\n{"n":4');
    appendFileSync(b, '{"n":1}\n');
    expect(merger.drain()).toBe(24);
    expect(readFileSync(target, 'utf8')).toBe('{"n":0}\n{"n":2}\n{"n":1}\n');
    expect(merger.drain()).toBe(0);
    appendFileSync(a, '}\n');
    appendFileSync(b, '{"n":3}\n');
    merger.close();
    const lines = readFileSync(target, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { n: number }).n).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('adds the processes\' counts and CPU, keeps the longest wall time, and says how many there were', () => {
    const part = (over: Partial<LoadSummary>): LoadSummary => ({ engine: 'builtin', workload: 'http', offered: 10, started: 9, dropped: 1, retries: 2, cpuMs: 100, wallMs: 1000, aborted: false, ...over });
    const one = part({});
    expect(mergeSummaries([one])).toEqual(one);
    const merged = mergeSummaries([
      part({ presale: { startedAt: 5, endedAt: 50, requests: 20, errors: 1, p50Ms: 1, p99Ms: 9, connectionsOpened: 3 } }),
      part({ wallMs: 1200, aborted: true, presale: { startedAt: 4, endedAt: 60, requests: 21, errors: 0, p50Ms: 2, p99Ms: 7, connectionsOpened: 2 } }),
      part({ offered: 11, started: 11, dropped: 0 }),
    ]);
    expect(merged).toEqual({
      engine: 'builtin',
      workload: 'http',
      offered: 31,
      started: 29,
      dropped: 2,
      retries: 6,
      cpuMs: 300,
      wallMs: 1200,
      aborted: true,
      processes: 3,
      presale: { startedAt: 4, endedAt: 60, requests: 41, errors: 1, p50Ms: 2, p99Ms: 9, connectionsOpened: 5 },
    });
  });
});
