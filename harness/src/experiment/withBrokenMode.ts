import type { BrokenMode } from '../services/startSystem.ts';
import type { Experiment } from './experimentSchema.ts';

/** The experiment with one more deliberately broken mode on (for sweeps and shrinks of a planted bug); stored in its experiment.json. */
export function withBrokenMode(experiment: Experiment, mode: BrokenMode | undefined): Experiment {
  if (!mode || experiment.system.brokenModes.includes(mode)) return experiment;
  return { ...experiment, system: { ...experiment.system, brokenModes: [...experiment.system.brokenModes, mode] } };
}
