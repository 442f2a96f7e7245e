import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type CpuSnapshot, cpuSnapshot, cpuUseBetween } from '../src/bench/cpuUse.ts';

const started: ChildProcess[] = [];
const node = (code: string) => {
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  started.push(child);
  return child;
};

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

describe('cpuUse', () => {
  it('turns counters into cores, run-queue shares and the machine load', () => {
    const before: CpuSnapshot = { atMs: 0, processTicks: { api: 100, gone: 5 }, mainThreadWaitNs: { api: 1e9 }, childTicks: 10, machineBusy: 1_000, machineTotal: 4_000 };
    const after: CpuSnapshot = { atMs: 2_000, processTicks: { api: 250, late: 30 }, mainThreadWaitNs: { api: 1.4e9 }, childTicks: 70, machineBusy: 1_300, machineTotal: 4_400 };
    const use = cpuUseBetween(before, after);
    expect(use.seconds).toBe(2);
    // 150 ticks of 1/100 s in 2 s; a process missing from either side is left out.
    expect(use.cores).toEqual({ api: 0.75, generator: 0.3 });
    expect(use.mainThreadRunQueueWait.api).toBeCloseTo(0.2);
    expect(use.machineBusyCores / use.machineCores).toBeCloseTo(0.75);
  });

  it('reads a busy process as busier than a sleeping one, and counts finished children', async () => {
    if (!cpuSnapshot({})) return; // not Linux: nothing to read
    const busy = node('const end = Date.now() + 5000; while (Date.now() < end);');
    const idle = node('setTimeout(() => {}, 5000);');
    const before = cpuSnapshot({ busy: busy.pid, idle: idle.pid })!;
    await new Promise((resolve) => setTimeout(resolve, 600));
    execFileSync(process.execPath, ['-e', 'const end = Date.now() + 300; while (Date.now() < end);']);
    const use = cpuUseBetween(before, cpuSnapshot({ busy: busy.pid, idle: idle.pid })!);
    expect(use.cores.busy).toBeGreaterThan(use.cores.idle! + 0.2);
    expect(use.cores.idle).toBeLessThan(0.1);
    // The finished child ran for 300 ms of the window's ~1 s.
    expect(use.cores.generator).toBeGreaterThan(0.05);
    expect(use.mainThreadRunQueueWait.busy).toBeGreaterThanOrEqual(0);
  });
});
