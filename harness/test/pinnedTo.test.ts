import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuListPattern, pinnedTo } from '../src/load/pinnedTo.ts';

describe('pinnedTo', () => {
  it('runs the command on the given CPUs only, through taskset', async () => {
    const line = await pinnedTo('0', 'grep', ['Cpus_allowed_list', '/proc/self/status']);
    expect(line.command).toMatch(/taskset$/);
    expect(execFileSync(line.command, line.args, { encoding: 'utf8' }).trim()).toBe('Cpus_allowed_list:\t0');
  });

  it('leaves the command as it is without CPUs', async () => {
    expect(await pinnedTo(undefined, 'node', ['a.js'])).toEqual({ command: 'node', args: ['a.js'] });
  });

  it('takes the CPU lists taskset -c takes, and nothing else', () => {
    for (const ok of ['0', '1', '0,2-3', '4-7,9']) expect(cpuListPattern.test(ok)).toBe(true);
    for (const bad of ['', 'first', '0,', '-1', '0 1', '1-']) expect(cpuListPattern.test(bad)).toBe(false);
  });
});
