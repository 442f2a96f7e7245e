import type { AfterHealObservation, CheckResult, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { firstWitnesses } from './witness.ts';

const name = 'steady_state_after_heal';

/** What is off in one API instance's answers, one line each. */
function apiProblems(api: AfterHealObservation['apis'][number], redisStock: AfterHealObservation['redisStock']): string[] {
  if (api.error) return [`steady state not reached: ${api.url} could not be asked (${api.error})`];
  if (api.readyStatus !== 200) return [`steady state not reached: ${api.url}/ready answered ${api.readyStatus}`];
  return api.products
    .filter((p) => p.status !== 200 || p.remaining !== redisStock[p.productId])
    .map((p) => `steady state not reached: ${api.url}/products/${p.productId} answered ${p.status} remaining ${p.remaining ?? '—'}, expected remaining ${redisStock[p.productId]}`);
}

/**
 * The steady-state hypothesis again, after every fault healed and the worker drained: Redis holds
 * stock for every product, and every API instance is ready and reports that stock. A system that does
 * not come back fails it. Judged from after-heal.json alone.
 */
export function steadyStateAfterHeal(input: CheckInput): CheckResult {
  const observation = input.afterHeal;
  if (!observation) return { name, verdict: 'unknown', summary: 'after-heal.json is missing: the steady state after the heal was not observed.', counts: {}, witnesses: [] };
  const productIds = Object.keys(observation.redisStock);
  if (observation.error) return { name, verdict: 'fail', summary: observation.error, counts: { products: productIds.length }, witnesses: [] };
  const missing = productIds.filter((id) => observation.redisStock[id] === null);
  if (missing.length) {
    return {
      name,
      verdict: 'fail',
      summary: `Redis holds no stock for ${missing.join(', ')} after the heal: the sale did not come back.`,
      counts: { products: productIds.length, missing: missing.length },
      witnesses: firstWitnesses(missing.map((productId): Witness => ({ productId, note: 'no stock key in Redis' }))),
    };
  }
  const problems = observation.apis.flatMap((api) => apiProblems(api, observation.redisStock));
  if (problems.length) {
    return { name, verdict: 'fail', summary: problems[0]!, counts: { products: productIds.length, apis: observation.apis.length, problems: problems.length }, witnesses: firstWitnesses(problems.map((note) => ({ note }))) };
  }
  return {
    name,
    verdict: 'pass',
    summary: `Every API instance is ready and reports Redis's stock for all ${productIds.length} product(s) after the heal.`,
    counts: { products: productIds.length, apis: observation.apis.length },
    witnesses: [],
  };
}
