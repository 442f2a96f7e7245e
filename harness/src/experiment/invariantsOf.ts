import { type CheckerName, defaultInvariants } from '../checkers/index.ts';
import type { Experiment } from './experimentSchema.ts';

/** The checkers an experiment runs: its own list, else the defaults for its workload (buyers who follow the waiting room add the waiting room's). */
export function invariantsOf(experiment: Pick<Experiment, 'invariants' | 'load'>): CheckerName[] {
  if (experiment.invariants) return experiment.invariants;
  return defaultInvariants[experiment.load.waitingRoom === 'follow' ? 'waitingRoom' : experiment.load.workload];
}
