import type { Experiment, ScheduledFault } from './experimentSchema.ts';
import { generateFaults } from './generateFaults.ts';

/** An experiment whose fault schedule is a plain list: what a run executes and stores as experiment.json. */
export type ResolvedExperiment = Omit<Experiment, 'faults'> & { faults: ScheduledFault[] };

/**
 * The experiment with its generated faults drawn from the seed and written out as a plain schedule
 * (recording the spec and seed in `generatedFaults`); a hand-written schedule is kept as it is.
 * The stored result loads again unchanged, so a replay runs exactly the same faults.
 */
export function resolveExperiment(experiment: Experiment, seed: number): ResolvedExperiment {
  if (Array.isArray(experiment.faults)) return { ...experiment, faults: experiment.faults };
  const { random } = experiment.faults;
  const faults = generateFaults(random, { apiInstances: experiment.system.apiInstances, workers: experiment.system.workers, topology: experiment.topology === 'cluster' ? 'replicated' : experiment.topology }, seed);
  return { ...experiment, faults, generatedFaults: { random, seed } };
}
