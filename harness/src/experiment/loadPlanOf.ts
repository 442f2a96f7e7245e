import { ordersTopic } from '@flux-gate/contracts';
import type { LoadPlan, Stage } from '../load/LoadPlan.ts';
import type { Experiment } from './experimentSchema.ts';
import { zipfWeights } from '../load/productChoice.ts';

/** The experiment's load as an engine-neutral plan for one round. */
export function loadPlanOf(
  experiment: Experiment,
  where: { apiUrls: string[]; kafkaBrokers: string[]; productIds: string[] },
  seed: number,
  round: number,
): LoadPlan {
  const l = experiment.load;
  const stages: Stage[] = [...(l.rampUp > 0 ? [{ rate: l.rate, durationMs: l.rampUp }] : []), { rate: l.rate, durationMs: l.duration }];
  const demand = l.demand ? { demand: zipfWeights(where.productIds.length, l.demand.zipf.s, seed) } : {};
  const base = { startRate: l.rampUp > 0 ? 0 : l.rate, stages, users: l.users, products: where.productIds, ...demand, seed, round, maxInFlight: l.maxInFlight, timeoutMs: l.timeout, processes: l.processes };
  return l.workload === 'kafka'
    ? { ...base, workload: 'kafka', brokers: where.kafkaBrokers, topic: ordersTopic, poisonEvery: l.poisonEvery ?? 0 }
    : {
        ...base,
        workload: 'http',
        apiUrls: where.apiUrls,
        connections: l.connections,
        retries: l.retries,
        backoff: { baseMs: l.backoff.base, maxMs: l.backoff.max },
        ...(l.presale ? { presale: { rate: l.presale.rate, durationMs: l.presale.duration, products: where.productIds } } : {}),
        ...(l.waitingRoom === 'follow' ? { waitingRoom: { patienceMs: l.patience, spoiledTokens: l.spoiledTokens } } : {}),
      };
}
