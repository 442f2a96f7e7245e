import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultRecord, FinalState, LoadSummary, Results } from '@flux-gate/run-format';
import { childPids } from '@flux-gate/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment } from '../src/experiment/experimentSchema.ts';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { checkStoredRun } from '../src/runner/checkStoredRun.ts';
import { runExperiment } from '../src/runner/runExperiment.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function experiment(raw: Record<string, unknown>): Experiment {
  const d = parseDefinition({ description: 'a tiny sale', system: { products: [{ productId: 'tiny', stock: 20 }] }, load: { rate: 50, duration: '2s', users: 100 }, drainTimeout: '20s', ...raw }, 'test');
  if (d.kind !== 'experiment') throw new Error('expected an experiment');
  return d.experiment;
}

const check = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'harness/src/cli/check.ts', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
const json = <T>(dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

describe('npm run check: every checker again from the stored files, no stack, no system', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'flux-check-'));
  let passing: { runDir: string; results: Results };
  let stopped: { runDir: string; results: Results };
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    const signal = new AbortController().signal;
    // A correct sale, with guards that never trip.
    passing = await runExperiment(experiment({ name: 'tiny', guards: [{ kind: 'redis_stock_below', value: 0 }, { kind: 'error_rate', above: 0.5, for: '2s' }] }), { seed: 11, runsDir: tmp, ci: true, signal, repo });
    // api→kafka down from 1 s for 30 s: answers turn into 503s whose orders stay open, and the error-rate guard stops the 20 s load.
    stopped = await runExperiment(
      experiment({
        name: 'tiny-guard',
        system: { products: [{ productId: 'tiny', stock: 2000 }], kafkaTimeoutMs: 500 },
        load: { rate: 100, duration: '20s', users: 3000, timeout: '1s' },
        faults: [{ when: { at: '1s' }, for: '30s', fault: { kind: 'down', link: 'api-kafka' } }],
        guards: [{ kind: 'error_rate', above: 0.5, for: '1s' }],
      }),
      { seed: 12, runsDir: tmp, ci: true, signal, repo },
    );
  });

  it('a guard that trips stops the load and heals the fault; the run still drains, snapshots and checks, and fails naming the guard', async () => {
    const { runDir, results } = stopped;
    const guards = results.checks.find((c) => c.name === 'guards')!;
    expect(guards.verdict).toBe('fail');
    expect(guards.summary).toMatch(/^guards\[0\]: error rate above 50% for 1s tripped at \d+\.\d s into the load \(\d{4}-\d\d-\d\dT[\d:.]+Z\): error rate \d/);
    const trippedAt = Date.parse(guards.summary.match(/\((\d{4}-[^)]+Z)\)/)![1]!);
    const load = json<LoadSummary>(runDir, 'load.json');
    expect(load.aborted).toBe(true);
    expect(load.wallMs).toBeLessThan(16_000);
    const faults = json<FaultRecord[]>(runDir, 'faults.json');
    expect(faults).toHaveLength(1);
    // Healed when the guard tripped, not after its 30 s.
    expect(faults[0]!.healedAt! - trippedAt).toBeLessThan(3_000);
    expect(faults[0]!.healedAt! - faults[0]!.injectedAt).toBeLessThan(20_000);
    expect(json<FinalState>(runDir, 'final-state.json').drained).toBe(true);
    expect(results.checks.find((c) => c.name === 'no_lost_orders')?.verdict).toBe('pass');
    expect(results.checks.find((c) => c.name === 'steady_state_after_heal')?.verdict).toBe('pass');
    expect(results.verdict).toBe('fail');
    expect(await childPids()).toEqual([]);
  });

  it('gives the same verdicts as the run, for a passing run and a failing one', async () => {
    expect(passing.results.verdict).toBe('pass');
    expect(passing.results.checks.find((c) => c.name === 'guards')).toMatchObject({ verdict: 'pass', counts: { guards: 2, evaluations: expect.any(Number) } });
    for (const { runDir, results } of [passing, stopped]) {
      const again = await checkStoredRun(runDir);
      expect(again.verdict).toBe(results.verdict);
      expect(again.checks).toEqual(results.checks);
    }
  });

  it('the CLI prints the verdicts beside the run\'s, exits as the run did and refreshes junit.xml and summary.md', () => {
    for (const [{ runDir }, code, verdict] of [[passing, 0, 'PASS'], [stopped, 1, 'FAIL']] as const) {
      rmSync(join(runDir, 'junit.xml'));
      const out = check(runDir);
      expect(out.status, out.stderr).toBe(code);
      expect(out.stdout).toContain(`verdict: ${verdict} (the run said ${verdict})`);
      expect(out.stdout).toMatch(/guards +(PASS|FAIL) +(PASS|FAIL) /);
      expect(out.stderr).not.toContain('differs');
      expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toContain('<testcase classname="tiny');
    }
    const out = check(stopped.runDir, '--no-write');
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('left as they were');
  });

  it('in a GitHub Actions job it appends the summary and annotates the failed checks', () => {
    const stepSummary = join(tmp, 'step-summary.md');
    writeFileSync(stepSummary, '');
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'harness/src/cli/check.ts', stopped.runDir], { cwd: repo, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: stepSummary } });
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/^::error title=tiny-guard%3A guards failed::guards\[0\]: error rate above 50%25 for 1s tripped/m);
    expect(out.stdout).toMatch(/^::error title=tiny-guard%3A thresholds failed::/m);
    expect(readFileSync(stepSummary, 'utf8')).toContain('## ❌ FAIL: tiny-guard');
  });

  it('a missing file makes unknown only the checkers that read it, saying which', async () => {
    const copy = join(tmp, 'no-final-state');
    cpSync(passing.runDir, copy, { recursive: true });
    rmSync(join(copy, 'final-state.json'));
    const { verdict, checks } = await checkStoredRun(copy);
    expect(verdict).toBe('unknown');
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    for (const name of ['no_oversell', 'no_lost_orders', 'no_duplicates', 'conservation']) expect(byName[name]).toMatchObject({ verdict: 'unknown', summary: 'Not checked: final-state.json is missing.' });
    for (const name of ['thresholds', 'steady_state_after_heal', 'guards']) expect(byName[name]?.verdict).toBe('pass');
    expect(check(copy, '--no-write').status).toBe(2);

    rmSync(join(copy, 'experiment.json'));
    rmSync(join(copy, 'history.ndjson'));
    const none = await checkStoredRun(copy);
    expect(none.checks.map((c) => c.name)).toEqual(passing.results.checks.map((c) => c.name));
    expect(none.checks.every((c) => c.verdict === 'unknown' && c.summary === 'Not checked: experiment.json is missing.')).toBe(true);
  });

  it('a guard that trips during a Redis restart heals it and still reseeds, so the sale comes back', async () => {
    const { runDir, results } = await runExperiment(
      experiment({
        name: 'tiny-restart',
        system: { products: [{ productId: 'tiny', stock: 2000 }] },
        load: { rate: 100, duration: '20s', users: 3000 },
        faults: [{ when: { at: '1s' }, for: '40s', fault: { kind: 'redis-restart' }, reseedAfterHeal: true }],
        guards: [{ kind: 'error_rate', above: 0.5, for: '1s' }],
        unknownBudget: 1,
        thresholds: { errorRate: 1 },
      }),
      { seed: 13, runsDir: tmp, ci: true, signal: new AbortController().signal, repo },
    );
    expect(results.checks.find((c) => c.name === 'guards')?.verdict).toBe('fail');
    const faults = json<FaultRecord[]>(runDir, 'faults.json');
    expect(faults[0]!.healedAt! - faults[0]!.injectedAt).toBeLessThan(20_000);
    expect(results.checks.find((c) => c.name === 'steady_state_after_heal')?.verdict).toBe('pass');
    expect(results.checks.filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual(['guards']);
    expect(await childPids()).toEqual([]);
  });

  it('refuses a folder that is not a run, exit 3', () => {
    const out = check(join(tmp, 'nothing-here'));
    expect(out.status).toBe(3);
    expect(out.stderr).toMatch(/check refused: .*no such folder/);
    expect(existsSync(join(tmp, 'nothing-here'))).toBe(false);
  });
});
