import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultRecord } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { runExperiment } from '../src/runner/runExperiment.ts';
import type { Experiment } from '../src/experiment/experimentSchema.ts';
import { childPids } from '@flux-gate/stack';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function experiment(raw: Record<string, unknown>): Experiment {
  const d = parseDefinition(
    {
      name: 'tiny',
      description: 'a tiny sale',
      system: { products: [{ productId: 'tiny', stock: 20 }] },
      load: { rate: 50, duration: '2s', users: 100 },
      drainTimeout: '20s',
      ...raw,
    },
    'test',
  );
  if (d.kind !== 'experiment') throw new Error('expected an experiment');
  return d.experiment;
}

describe('runExperiment', () => {
  const made: string[] = [];
  const runsFolder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'flux-runs-'));
    made.push(dir);
    return dir;
  };
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('runs the whole loop and keeps every file of the run', async () => {
    const runsDir = runsFolder();
    const { runDir, results } = await runExperiment(experiment({}), { seed: 5, runsDir, ci: true, signal: new AbortController().signal, repo });
    expect(results.verdict).toBe('pass');
    expect(results.figures.accepted).toBe(20);
    expect(results.figures.sold).toBe(20);
    for (const file of ['experiment.json', 'manifest.json', 'history.ndjson', 'faults.json', 'samples.ndjson', 'load.json', 'final-state.json', 'results.json', 'report.html', 'logs/api-1.log', 'logs/worker-1.log', 'logs/kafka.log', 'logs/load-builtin.log']) {
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { seed: number; gitSha: string; toolVersions: Record<string, string> };
    expect(manifest.seed).toBe(5);
    expect(manifest.toolVersions.loadEngine).toMatch(/^builtin \(undici \d+\.\d+\.\d+\)$/);
    const load = JSON.parse(readFileSync(join(runDir, 'load.json'), 'utf8')) as { offered: number; started: number; dropped: number; cpuMs: number };
    expect(load.offered).toBe(100);
    expect(load.started).toBe(100);
    expect(load.dropped).toBe(0);
    expect(load.cpuMs).toBeGreaterThan(0);
    expect(results.checks.find((c) => c.name === 'thresholds')?.verdict).toBe('pass');
    expect(results.checks.find((c) => c.name === 'steady_state_after_heal')?.verdict).toBe('pass');
    expect(await childPids()).toEqual([]);
  });

  it('interrupted mid-fault still heals, stops every process and keeps the files', async () => {
    const runsDir = runsFolder();
    const abort = new AbortController();
    const run = runExperiment(
      experiment({
        load: { rate: 50, duration: '20s', users: 2000 },
        system: { products: [{ productId: 'tiny', stock: 2000 }] },
        faults: [{ when: { at: '1s' }, for: '30s', fault: { kind: 'down', link: 'api-kafka' } }],
      }),
      { seed: 6, runsDir, ci: true, signal: abort.signal, repo },
    );
    // The fault is in from 1 s of load on. Load starts when the engine opens its log, however long the
    // stack and the system took to start on a busy machine; abort 4 s after that.
    const loadStarted = () => readdirSync(runsDir, { recursive: true }).some((f) => String(f).endsWith('load-builtin.log'));
    for (const deadline = Date.now() + 90_000; !loadStarted() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    abort.abort();
    const { runDir, results } = await run;
    expect(results.verdict).toBe('unknown');
    expect(results.error).toMatch(/interrupted/);
    const faults = JSON.parse(readFileSync(join(runDir, 'faults.json'), 'utf8')) as FaultRecord[];
    expect(faults).toHaveLength(1);
    expect(faults[0]!.healedAt).toBeGreaterThan(faults[0]!.injectedAt);
    expect(existsSync(join(runDir, 'history.ndjson'))).toBe(true);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    expect(await childPids()).toEqual([]);
  });

  it('a system that does not come back after the heal fails the steady state checked after it', async () => {
    // Redis restarts empty and nothing reseeds it: the API refuses until the sale is re-armed.
    const { results } = await runExperiment(
      experiment({ faults: [{ when: { at: '500ms' }, for: '500ms', fault: { kind: 'redis-restart' } }], unknownBudget: 1 }),
      { seed: 8, runsDir: runsFolder(), ci: true, signal: new AbortController().signal, repo },
    );
    const afterHeal = results.checks.find((c) => c.name === 'steady_state_after_heal');
    expect(afterHeal).toMatchObject({ verdict: 'fail', summary: expect.stringMatching(/no stock for tiny/) });
    expect(results.verdict).toBe('fail');
    expect(await childPids()).toEqual([]);
  });

  it('a load engine that cannot start heals and cancels the fault schedule, and says why', async () => {
    const runsDir = runsFolder();
    const previous = process.env.K6_BIN;
    process.env.K6_BIN = join(runsDir, 'no-k6-here');
    try {
      const { results, startFailed } = await runExperiment(
        experiment({
          load: { engine: 'k6', rate: 50, duration: '5s', users: 100 },
          faults: [{ when: { at: '0s' }, for: '10s', fault: { kind: 'down', link: 'api-kafka' } }],
        }),
        { seed: 7, runsDir, ci: true, signal: new AbortController().signal, repo },
      );
      expect(startFailed).toBe(true);
      expect(results.error).toMatch(/K6_BIN/);
    } finally {
      if (previous === undefined) delete process.env.K6_BIN;
      else process.env.K6_BIN = previous;
    }
    expect(await childPids()).toEqual([]);
  });
});
