import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStat, running } from '../src/childProcesses.ts';
import { localProvider, type Owned, ownedRoot, recordOwned, stopLeftovers, waitFor } from '../src/index.ts';

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
      // The kernel kills each with its harness (setpriv --pdeathsig); the folder stays for the next start.
      await waitFor(async () => {
        if (pids.some((p) => running(p))) throw new Error('still running');
      }, { timeoutMs: 10_000, intervalMs: 50 });
      expect(existsSync(info.dir)).toBe(true);

      const next = await localProvider.start({ log: quiet });
      await next.stop();
      expect(pids.filter((p) => running(p))).toEqual([]);
      expect(existsSync(info.dir)).toBe(false);
    } finally {
      killGroups(pids);
    }
  });
});

describe('stopLeftovers', () => {
  it("stops a dead harness's process and folder, never a reused pid, never a live harness's", async () => {
    const env = { ...process.env, FLUXGATE_CACHE: mkdtempSync(join(tmpdir(), 'fg-leftovers-')) };
    const gone = spawn('true');
    await once(gone, 'exit');
    const sleeper = () => {
      const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
      child.unref();
      return { pid: child.pid!, start: processStat(child.pid!)!.start };
    };
    const orphan = sleeper();
    const reused = sleeper();
    const kept = sleeper();
    const folder = mkdtempSync(join(tmpdir(), 'fg-leftover-folder-'));
    const record = (owner: string, owned: Owned) => {
      mkdirSync(join(ownedRoot(env), owner), { recursive: true });
      writeFileSync(join(ownedRoot(env), owner, `${owned.kind}-${owned.name}-${owned.kind === 'process' ? owned.pid : 'f'}.json`), JSON.stringify(owned));
    };
    try {
      const deadOwner = `${gone.pid}-${processStat(process.pid)!.start}`;
      record(deadOwner, { kind: 'process', name: 'orphan', ...orphan });
      // The pid of a process that ended, now another's: its start time differs.
      record(deadOwner, { kind: 'process', name: 'reused', pid: reused.pid, start: reused.start - 1 });
      record(deadOwner, { kind: 'folder', name: 'stack', path: folder });
      // This test process is a live harness.
      record(`${process.pid}-${processStat(process.pid)!.start}`, { kind: 'process', name: 'live', ...kept });
      // A pid that is alive but started later than its recorded owner is another process: the owner is gone.
      record(`${process.pid}-${processStat(process.pid)!.start - 1}`, { kind: 'folder', name: 'stack', path: join(folder, 'absent') });

      const stopped = await stopLeftovers({ env });
      expect(stopped.map((s) => s.name).sort()).toEqual(['orphan', 'stack']);
      expect(running(orphan.pid)).toBe(false);
      expect(existsSync(folder)).toBe(false);
      expect(running(reused.pid, reused.start)).toBe(true);
      expect(running(kept.pid, kept.start)).toBe(true);
      expect(readdirSync(ownedRoot(env))).toEqual([`${process.pid}-${processStat(process.pid)!.start}`]);
    } finally {
      for (const { pid } of [orphan, reused, kept]) if (running(pid)) process.kill(pid, 'SIGKILL');
      rmSync(env.FLUXGATE_CACHE, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('forgets what was stopped normally', () => {
    const forget = recordOwned({ kind: 'folder', name: 'forgotten', path: '/nonexistent' });
    const own = join(ownedRoot(), `${process.pid}-${processStat(process.pid)!.start}`);
    expect(readdirSync(own).filter((f) => f.includes('forgotten'))).toHaveLength(1);
    forget();
    expect(readdirSync(own).filter((f) => f.includes('forgotten'))).toHaveLength(0);
  });
});
