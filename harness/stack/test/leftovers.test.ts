import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { running } from '../src/childProcesses.ts';
import { localProvider } from '../src/index.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const quiet = () => {};

/** The first line of a child's stdout that matches, or a rejection with what it printed when it exits first. */
const lineOf = (child: ChildProcessWithoutNullStreams, match: RegExp) =>
  new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => match.test(l));
      if (line) resolve(line);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing ${match}: ${out}${err}`)));
  });

/** Ends what a failed test left, by the pids it printed: each leads its own process group. */
const killGroups = (pids: number[]) => {
  for (const pid of pids.filter((p) => running(p))) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
};

describe('a local stack whose harness was killed (kill -9)', () => {
  it('is gone once the next stack has started: every process and its folder', async () => {
    const harness = spawn(process.execPath, ['--import', 'tsx', 'harness/src/cli/stack.ts', 'up', '--json'], { cwd: repo, stdio: 'pipe' });
    const info = JSON.parse(await lineOf(harness, /^\{/)) as { dir: string; pids: Record<string, number> };
    const pids = Object.values(info.pids);
    try {
      expect(pids).toHaveLength(4);
      expect(pids.filter((p) => running(p))).toEqual(pids);
      harness.kill('SIGKILL');
      await once(harness, 'exit');

      const next = await localProvider.start({ log: quiet });
      await next.stop();
      expect(pids.filter((p) => running(p))).toEqual([]);
      expect(existsSync(info.dir)).toBe(false);
    } finally {
      killGroups(pids);
    }
  });
});
