import type { Results } from '@flux-gate/run-format';
import type { Experiment } from '../experiment/experimentSchema.ts';
import { checkRun } from './checkRun.ts';
import { finishRun, stopEverything } from './finishRun.ts';
import { healAndDrain } from './healAndDrain.ts';
import { prepareRun } from './prepareRun.ts';
import { resolveExperiment } from '../experiment/resolveExperiment.ts';
import { refuseHostNodesInPartitions } from '../experiment/hostNodesInPartitions.ts';
import type { RunOptions } from './RunContext.ts';
import { runRound } from './runRound.ts';
import { startStackAndSystem } from './startStackAndSystem.ts';

export type { RunOptions } from './RunContext.ts';

export interface RunOutcome {
  runDir: string;
  results: Results;
  /** The stack, the system or the load engine could not start. */
  startFailed: boolean;
}

/**
 * Runs one experiment end to end, in phases over one run context: prepare → stack and system →
 * rounds (arm, steady state, load and faults) → heal and drain → steady state again, snapshot and
 * checks → finish. Generated faults are drawn from the seed first (a spec no schedule satisfies
 * throws before anything starts, as does a network fault on a node run on the host). Healing and stopping always run; the run folder is always kept.
 */
export async function runExperiment(experiment: Experiment, opts: RunOptions): Promise<RunOutcome> {
  const resolved = resolveExperiment(experiment, opts.seed);
  refuseHostNodesInPartitions(resolved.faults);
  const ctx = await prepareRun(resolved, opts);
  try {
    await startStackAndSystem(ctx);
    for (let round = 0; round < experiment.load.rounds && !opts.signal.aborted && !ctx.guards?.tripped; round++) await runRound(ctx, round);
    if (opts.signal.aborted) throw new Error('interrupted');
    await healAndDrain(ctx);
    await checkRun(ctx);
  } catch (err) {
    ctx.error = opts.signal.aborted ? 'interrupted (Ctrl-C)' : err instanceof Error ? err.message : String(err);
    ctx.log(`error: ${ctx.error}`);
  } finally {
    await stopEverything(ctx);
  }
  const results = await finishRun(ctx);
  return { runDir: ctx.runDir, results, startFailed: ctx.startFailed && !!ctx.error };
}
