import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const runFolders = (runsDir: string) =>
  readdirSync(join(runsDir, 'tiny-mix'))
    .sort()
    .map((stamp) => join(runsDir, 'tiny-mix', stamp));
const faultsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8')) as { faults: unknown[]; generatedFaults?: { seed: number } });

describe('npm run sweep, and replay of a generated schedule', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'flux-sweep-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs each seed with its own drawn faults, tabulates them, writes sweep.html, and replay runs the stored faults', async () => {
    const file = join(tmp, 'tiny-mix.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'tiny-mix',
        description: 'a tiny sale with two generated faults',
        system: { products: [{ productId: 'tm', stock: 20 }] },
        load: { rate: 50, duration: '3s', users: 150, retries: 2 },
        faults: { random: { kinds: ['latency', 'slicer'], count: 2, within: '2s', for: ['300ms', '600ms'] } },
        drainTimeout: '20s',
        thresholds: { p99Ms: 5000 },
      }),
    );
    const runsDir = join(tmp, 'runs');
    const sweep = await cli(['harness/src/cli/sweep.ts', file, '--seeds', '2', '--from', '7', '--ci', '--runs-dir', runsDir]);
    expect(sweep.stderr).toContain('seed 7 (1 of 2) · so far 0 pass, 0 fail, 0 unknown');
    expect(sweep.stderr).toMatch(/seed 8 \(2 of 2\) · so far 1 pass/);
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toMatch(/^seed +verdict +failing checkers +faults +run folder$/m);
    expect(sweep.stdout).toMatch(/^7 +PASS .*latency|^7 +PASS .*slicer/m);
    expect(sweep.stdout).toContain('2 of 2 seed(s) run, 2 pass, 0 fail, 0 unknown');

    const [first, second] = runFolders(runsDir) as [string, string];
    expect(faultsOf(first).generatedFaults?.seed).toBe(7);
    expect(faultsOf(second).generatedFaults?.seed).toBe(8);
    expect(faultsOf(first).faults).toHaveLength(2);
    expect(faultsOf(first).faults).not.toEqual(faultsOf(second).faults);
    const page = readdirSync(join(runsDir, 'sweeps', 'tiny-mix')).map((s) => join(runsDir, 'sweeps', 'tiny-mix', s, 'sweep.html'))[0]!;
    expect(existsSync(page)).toBe(true);
    expect(readFileSync(page, 'utf8').match(/href="[^"]+report\.html"/g)).toHaveLength(2);

    const replay = await cli(['harness/src/cli/experiment.ts', '--runs-dir', runsDir, 'replay', first, '--ci']);
    expect(replay.stderr).toContain('seed 7');
    expect(replay.code).toBe(0);
    const replayed = runFolders(runsDir).at(-1)!;
    expect(replayed).not.toBe(second);
    expect(faultsOf(replayed).faults).toEqual(faultsOf(first).faults);
    const labels = (dir: string) => (JSON.parse(readFileSync(join(dir, 'faults.json'), 'utf8')) as { label: string }[]).map((f) => f.label);
    expect(labels(replayed)).toEqual(labels(first));
  }, 240_000);
});
