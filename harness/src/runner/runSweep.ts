import type { Verdict } from '@flux-gate/run-format';
import type { Experiment } from '../experiment/experimentSchema.ts';
import { runExperiment, type RunOptions } from './runExperiment.ts';

/** One seed of a sweep, as it ended. */
export interface SweepRun {
  seed: number;
  runDir: string;
  verdict: Verdict;
  /** The stack, the system or the load engine could not start. */
  startFailed: boolean;
}

export interface SweepOptions extends Omit<RunOptions, 'seed'> {
  seeds: number[];
  /** Called before each seed with the runs done so far. */
  onStart?: (seed: number, done: SweepRun[]) => void;
  onDone?: (run: SweepRun, done: SweepRun[]) => void;
}

/** Runs the experiment once per seed, one after another; stops starting new seeds once the signal aborts. */
export async function runSweep(experiment: Experiment, opts: SweepOptions): Promise<SweepRun[]> {
  const { seeds, onStart, onDone, ...runOpts } = opts;
  const done: SweepRun[] = [];
  for (const seed of seeds) {
    if (runOpts.signal.aborted) break;
    onStart?.(seed, done);
    const outcome = await runExperiment(experiment, { ...runOpts, seed });
    const run = { seed, runDir: outcome.runDir, verdict: outcome.results.verdict, startFailed: outcome.startFailed };
    done.push(run);
    onDone?.(run, done);
  }
  return done;
}
