import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux's USER_HZ: /proc reports CPU times in these ticks. */
const ticksPerSecond = 100;

/** CPU counters of some processes and of the machine, read from /proc at one moment. */
export interface CpuSnapshot {
  atMs: number;
  /** user + system ticks of each named process, all its threads. */
  processTicks: Record<string, number>;
  /** Nanoseconds each named process's main thread spent runnable but waiting for a CPU. */
  mainThreadWaitNs: Record<string, number>;
  /** user + system ticks of this process's finished and waited-for children (wrk, oha). */
  childTicks: number;
  /** Busy and total ticks of the whole machine. */
  machineBusy: number;
  machineTotal: number;
}

/** What a stretch of time cost, in cores (1 = one core busy all along). */
export interface CpuUse {
  seconds: number;
  /** Per named process, including the harness's finished children under `generator`. */
  cores: Record<string, number>;
  machineBusyCores: number;
  machineCores: number;
  /** Per named process: the share of the time its main thread was runnable but not running. */
  mainThreadRunQueueWait: Record<string, number>;
}

/** Reads the counters of the given processes (name → pid); a process that is gone is left out. Undefined off Linux. */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot | undefined {
  let self: string[];
  let machine: number[];
  try {
    self = statFields(readFileSync('/proc/self/stat', 'utf8'));
    machine = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
  const processTicks: Record<string, number> = {};
  const mainThreadWaitNs: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    if (pid === undefined) continue;
    try {
      const f = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      processTicks[name] = Number(f[11]) + Number(f[12]);
      mainThreadWaitNs[name] = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    } catch {
      // Gone, or schedstat not kept by this kernel.
    }
  }
  // user nice system idle iowait irq softirq steal: idle, iowait and the hypervisor's steal are not
  // this machine's work; guest time is already inside user.
  const total = machine.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    atMs: performance.now(),
    processTicks,
    mainThreadWaitNs,
    childTicks: Number(self[13]) + Number(self[14]),
    machineBusy: total - machine[3]! - machine[4]! - (machine[7] ?? 0),
    machineTotal: total,
  };
}

/** The CPU used between two snapshots; the children's ticks are named `generator`. */
export function cpuUseBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const seconds = (after.atMs - before.atMs) / 1000;
  const cores: Record<string, number> = {};
  const mainThreadRunQueueWait: Record<string, number> = {};
  for (const [name, ticks] of Object.entries(after.processTicks)) {
    const start = before.processTicks[name];
    if (start === undefined) continue;
    cores[name] = (ticks - start) / ticksPerSecond / seconds;
    const [waitStart, waitEnd] = [before.mainThreadWaitNs[name], after.mainThreadWaitNs[name]];
    if (waitStart !== undefined && waitEnd !== undefined) mainThreadRunQueueWait[name] = (waitEnd - waitStart) / 1e9 / seconds;
  }
  cores.generator = (after.childTicks - before.childTicks) / ticksPerSecond / seconds;
  const machineCores = cpus().length;
  const machineBusyCores = ((after.machineBusy - before.machineBusy) / (after.machineTotal - before.machineTotal)) * machineCores;
  return { seconds, cores, machineBusyCores, machineCores, mainThreadRunQueueWait };
}

/** The fields after the command name, which may hold spaces and parentheses: field 3 (state) is [0]. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
