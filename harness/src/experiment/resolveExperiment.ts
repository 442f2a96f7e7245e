import type { Experiment, ScheduledFault } from './experimentSchema.ts';
import { generateFaults } from './generateFaults.ts';
import { expandProductSet } from './productSet.ts';

type Product = { productId: string; stock: number };

/** An experiment whose fault schedule and products are plain lists: what a run executes and stores as experiment.json. */
export type ResolvedExperiment = Omit<Experiment, 'faults' | 'system'> & {
  faults: ScheduledFault[];
  system: Omit<Experiment['system'], 'products' | 'productSet'> & { products: Product[] };
};

/** The experiment's products: its list, or its product set expanded by the seed (recorded in `generatedProducts`). */
function resolveProducts(system: Experiment['system'], seed: number): ResolvedExperiment['system'] {
  const { productSet, products, ...rest } = system;
  if (products) return { ...rest, products };
  if (!productSet) throw new Error('the experiment has neither products nor a productSet');
  return { ...rest, products: expandProductSet(productSet, seed), generatedProducts: { ...productSet, seed } };
}

/**
 * The experiment with its generated faults drawn from the seed and written out as a plain schedule
 * (recording the spec and seed in `generatedFaults`), and its product set expanded into products
 * the same way; a hand-written schedule and a listed product are kept as they are.
 * The stored result loads again unchanged, so a replay runs exactly the same faults and products.
 */
export function resolveExperiment(experiment: Experiment, seed: number): ResolvedExperiment {
  const system = resolveProducts(experiment.system, seed);
  if (Array.isArray(experiment.faults)) return { ...experiment, system, faults: experiment.faults };
  const { random } = experiment.faults;
  const faults = generateFaults(random, { apiInstances: experiment.system.apiInstances, workers: experiment.system.workers, topology: experiment.topology === 'cluster' ? 'replicated' : experiment.topology }, seed);
  return { ...experiment, system, faults, generatedFaults: { random, seed } };
}
