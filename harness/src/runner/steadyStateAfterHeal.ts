import { redisKeys } from '@flux-gate/contracts';
import type { CheckResult } from '@flux-gate/run-format';
import { steadyState } from '../probes/steadyState.ts';
import type { RunContext } from './RunContext.ts';

/**
 * The steady-state hypothesis again, after every fault healed and the worker drained: every API
 * instance is ready and reports, for each product, the stock Redis holds. A system that does not
 * come back fails it.
 */
export async function steadyStateAfterHeal(ctx: RunContext): Promise<CheckResult> {
  const productIds = Object.keys(ctx.initialStock);
  const name = 'steady_state_after_heal';
  try {
    const stock = await ctx.stores!.redis.mget(productIds.map(redisKeys.stock));
    const missing = productIds.filter((_, i) => stock[i] === null || stock[i] === undefined);
    if (missing.length) {
      return { name, verdict: 'fail', summary: `Redis holds no stock for ${missing.join(', ')} after the heal: the sale did not come back.`, counts: { products: productIds.length, missing: missing.length }, witnesses: missing.map((productId) => ({ productId, note: 'no stock key in Redis' })) };
    }
    await steadyState(ctx.system!.apiUrls, productIds.map((productId, i) => ({ productId, stock: Number(stock[i]) })));
    return { name, verdict: 'pass', summary: `Every API instance is ready and reports Redis's stock for all ${productIds.length} product(s) after the heal.`, counts: { products: productIds.length, apis: ctx.system!.apiUrls.length }, witnesses: [] };
  } catch (err) {
    return { name, verdict: 'fail', summary: err instanceof Error ? err.message : String(err), counts: { products: productIds.length }, witnesses: [] };
  }
}
