import { runFileNames as files, writeRunFile } from '@flux-gate/run-format';
import { GuardMonitor } from '../guards/GuardMonitor.ts';
import type { RunContext } from './RunContext.ts';

/** A round's abort guards, started with its load. */
export interface RoundGuards {
  /** The signal the load engine runs under: the run's own, aborted too when a guard trips. */
  signal: AbortSignal;
  /** Ends the evaluations and writes guards.json. */
  stop(): void;
}

/**
 * Starts evaluating the experiment's guards over this round's load. When one trips, the load stops
 * and `healFaults` heals every active fault at once (reseeding after a Redis restart as usual); the
 * run then drains, snapshots and checks, and the guards checker fails naming the guard.
 */
export function roundGuards(ctx: RunContext, round: number, roundFile: string, healFaults: () => void): RoundGuards {
  const { experiment, opts, log } = ctx;
  if (experiment.guards.length === 0) return { signal: opts.signal, stop: () => {} };
  const monitor = (ctx.guards ??= new GuardMonitor(experiment.guards));
  const stopLoad = new AbortController();
  const watch = monitor.watch({
    round,
    file: roundFile,
    workload: experiment.load.workload,
    sample: () => ctx.sampler?.latest,
    onTrip: (trip) => {
      log(`${trip.label} tripped ${(trip.afterLoadStartMs / 1000).toFixed(1)} s into the load (${trip.observed}): stopping the load and healing every fault`);
      stopLoad.abort();
      healFaults();
    },
  });
  return {
    signal: AbortSignal.any([opts.signal, stopLoad.signal]),
    stop: () => {
      watch.stop();
      writeRunFile(ctx.runDir, files.guards, monitor.log);
    },
  };
}
