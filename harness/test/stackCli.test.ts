import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive } from '@flux-gate/stack';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function stackUp(args: string[] = []): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'harness/src/cli/stack.ts', 'up', '--json', ...args], { cwd: repo, stdio: 'pipe' });
}

function firstLine(child: ChildProcessWithoutNullStreams, stream: 'stdout' | 'stderr', match: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child[stream].on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => match.test(l));
      if (line) resolve(line);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing ${match}: ${buffer}`)));
  });
}

describe('npm run stack -- up', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`stops every process and removes its folder on ${signal}`, async () => {
      const child = stackUp();
      const info = JSON.parse(await firstLine(child, 'stdout', /^\{/)) as { dir: string; pids: Record<string, number> };
      const pids = Object.values(info.pids);
      expect(pids).toHaveLength(4);
      expect(pids.every(alive)).toBe(true);
      child.kill(signal);
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(code);
      expect(pids.filter(alive)).toEqual([]);
      expect(existsSync(info.dir)).toBe(false);
    });
  }

  it('leaves nothing behind when interrupted during start', async () => {
    const child = stackUp();
    const line = await firstLine(child, 'stderr', /^stack \(local, /);
    const dir = /stack \(local, (.*)\)/.exec(line)![1]!;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.kill('SIGINT');
    const [exitCode] = await once(child, 'exit');
    expect(exitCode, stderr).toBe(130);
    expect(existsSync(dir)).toBe(false);
    // Every part's command line names the stack folder or a port in it; none may survive.
    const { execFileSync } = await import('node:child_process');
    const survivors = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(dir));
    expect(survivors).toEqual([]);
  });

  it('refuses a bad option with exit code 3', async () => {
    const child = stackUp(['--ready-timeout', 'soon']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(3);
    expect(stderr).toContain('--ready-timeout');
  });
});
