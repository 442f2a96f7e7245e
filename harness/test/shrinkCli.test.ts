import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeRunFile } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repo, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('npm run shrink', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'flux-shrink-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('shrinks a failing run with a broken mode to the fault that matters, within its tries, and saves a runnable experiment', async () => {
    const file = join(tmp, 'tiny-lost.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'tiny-lost',
        // The cut counts from the load engine's start and outlasts the whole sale, so a slow engine start on a busy machine cannot move the sale out of it.
        description: 'orders acked before Kafka, a latency that does not matter and a cut api-kafka, longer than the API\'s 2 s Kafka timeout, that does',
        system: { products: [{ productId: 'tl', stock: 150 }] },
        load: { rate: 60, duration: '4s', users: 300 },
        faults: [
          { when: { at: '200ms' }, for: '1s', fault: { id: 'slow-redis', kind: 'latency', link: 'api-redis', latencyMs: 20 } },
          { when: { at: '1200ms' }, for: '8s', fault: { id: 'cut-kafka', kind: 'down', link: 'api-kafka' } },
        ],
        drainTimeout: '20s',
        thresholds: { errorRate: 1, p99Ms: 10000 },
      }),
    );
    const runsDir = join(tmp, 'runs');
    const failing = await cli(['harness/src/cli/experiment.ts', file, '--broken', 'ack-before-kafka', '--seed', '4', '--ci', '--runs-dir', runsDir]);
    expect(failing.stdout).toMatch(/no_lost_orders +FAIL/);
    const run = join(runsDir, 'tiny-lost', readdirSync(join(runsDir, 'tiny-lost'))[0]!);

    const shrink = await cli(['harness/src/cli/shrink.ts', run, '--tries', '3', '--ci', '--runs-dir', runsDir]);
    expect(shrink.code).toBe(0);
    expect(shrink.stderr).toContain('shrink tiny-lost with ack-before-kafka on: 2 fault(s), seed 4, keeping no_lost_orders failing; at most 3 re-run(s)');
    expect(shrink.stderr).toContain('try 1 of at most 3: no fault at all → no_lost_orders holds');
    expect(shrink.stderr).toMatch(/try 2 of at most 3: keep slow-redis \(1 of 2\) → no_lost_orders holds/);
    expect(shrink.stderr).toMatch(/try 3 of at most 3: keep cut-kafka \(1 of 2\) → FAILS no_lost_orders/);
    expect(shrink.stdout).toContain('2 → 1 fault(s)');
    expect(shrink.stdout).toContain('3 re-run(s) of at most 3 (tries ran out');

    const saved = JSON.parse(readFileSync(join(run, 'shrunk-experiment.json'), 'utf8')) as { name: string; faults: { fault: { id: string } }[]; system: { brokenModes: string[] } };
    expect(saved.name).toBe('tiny-lost-shrunk');
    expect(saved.faults.map((f) => f.fault.id)).toEqual(['cut-kafka']);
    expect(saved.system.brokenModes).toEqual(['ack-before-kafka']);
    // Every re-run kept the broken mode and the seed.
    for (const stamp of readdirSync(join(runsDir, 'tiny-lost'))) {
      const dir = join(runsDir, 'tiny-lost', stamp);
      expect((JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8')) as { system: { brokenModes: string[] } }).system.brokenModes).toEqual(['ack-before-kafka']);
      expect((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { seed: number }).seed).toBe(4);
    }
  }, 300_000);

  it('refuses a run that did not fail', async () => {
    const dir = join(tmp, 'passed');
    mkdirSync(dir);
    writeRunFile(dir, 'experiment.json', { name: 'x', description: 'x', system: { products: [{ productId: 'x', stock: 1 }] }, load: { rate: 1, duration: '1s', users: 1 } });
    writeRunFile(dir, 'manifest.json', { seed: 1 });
    writeRunFile(dir, 'results.json', { verdict: 'pass', checks: [{ name: 'no_oversell', verdict: 'pass', summary: '', counts: {}, witnesses: [] }], figures: {} });
    const shrink = await cli(['harness/src/cli/shrink.ts', dir]);
    expect(shrink.code).toBe(3);
    expect(shrink.stderr).toMatch(/did not fail \(verdict pass\)/);
  });
});
