import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSnapshot, cpuUseBetween } from './cpuUse.ts';
import { type BuiltinFigures, measureBuiltin } from './measureBuiltin.ts';
import { soldOutAnswerServer } from './soldOutAnswerServer.ts';

/** The built-in engine in `processes` processes at one fixed rate. */
export interface ProcessesRun extends BuiltinFigures {
  processes: number;
  rate: number;
  /** The target's (nginx's) CPU in cores over the load's wall time: near 1 means the target, not the engine, was the limit. */
  targetCores: number;
  /** The whole machine's busy cores while this run lasted (its processes' start and end included). */
  machineBusyCores: number;
  machineCores: number;
  /** Against the run with one process, taken in the same bench run. */
  vsOne: { achieved: number; cpuPerRequest: number };
}

/**
 * (i) The built-in engine as 1, 2 and 4 processes (or `counts`) at one fixed rate, in turns, against
 * nginx answering the sold-out 409 from its configuration (soldOutAnswerServer): the rate kept, the
 * latency from due and the engine's lag, its CPU per request and in cores, each against one process.
 */
export async function processesPhase(opts: { rate: number; counts: number[]; durationS: number; warmupS: number; connections: number; dir: string; log: (line: string) => void }): Promise<ProcessesRun[]> {
  const target = await soldOutAnswerServer(opts.dir, opts.log);
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-processes-'));
  try {
    const runs: Omit<ProcessesRun, 'vsOne'>[] = [];
    for (const processes of opts.counts) {
      opts.log(`  built-in engine in ${processes} process${processes === 1 ? '' : 'es'} at ${opts.rate.toLocaleString('en-US')} req/s`);
      const before = cpuSnapshot({ target: target.process.pid });
      const figures = await measureBuiltin({ url: target.url, productId: 'sold-out', rate: opts.rate, processes, durationS: opts.durationS, warmupS: opts.warmupS, connections: opts.connections, dir });
      const after = cpuSnapshot({ target: target.process.pid });
      const use = before && after ? cpuUseBetween(before, after) : undefined;
      const targetCpuMs = use ? (use.cores.target ?? Number.NaN) * use.seconds * 1000 : Number.NaN;
      runs.push({ processes, rate: opts.rate, ...figures, targetCores: targetCpuMs / Math.max(1, figures.wallMs), machineBusyCores: use?.machineBusyCores ?? Number.NaN, machineCores: use?.machineCores ?? Number.NaN });
    }
    const one = runs.find((r) => r.processes === 1);
    return runs.map((r) => ({
      ...r,
      vsOne: one ? { achieved: r.achievedPerSec / one.achievedPerSec, cpuPerRequest: r.cpuMsPer1000 / one.cpuMsPer1000 } : { achieved: Number.NaN, cpuPerRequest: Number.NaN },
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await target.process.stop();
  }
}
