import type { AfterHealObservation } from '@flux-gate/run-format';
import { mapConcurrently } from './mapConcurrently.ts';
import type { Stores } from './sampler.ts';
import { stockLeft } from './stockLeft.ts';

/** Product pages asked at once per API instance. */
const perInstance = 16;

type ApiObservation = AfterHealObservation['apis'][number];

async function observeApi(url: string, productIds: string[]): Promise<ApiObservation> {
  try {
    const ready = await fetch(`${url}/ready`);
    await ready.arrayBuffer();
    const products: ApiObservation['products'] = await mapConcurrently(productIds, perInstance, async (productId) => {
      const res = await fetch(`${url}/products/${encodeURIComponent(productId)}`);
      const body = (await res.json().catch(() => ({}))) as { remaining?: unknown };
      return { productId, status: res.status, remaining: typeof body.remaining === 'number' ? body.remaining : null };
    });
    return { url, readyStatus: ready.status, products };
  } catch (err) {
    return { url, readyStatus: null, products: [], error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The steady-state probe after every fault healed and the worker drained, as an observation for
 * after-heal.json: the stock Redis holds per product, and what each API instance answers on
 * /ready and /products/:id. The steady_state_after_heal checker judges it.
 */
export async function observeAfterHeal(stores: Stores, apiUrls: string[], productIds: string[]): Promise<AfterHealObservation> {
  const checkedAt = Date.now();
  let stock: (string | null)[];
  try {
    stock = await stockLeft(stores.redis, productIds);
  } catch (err) {
    return { checkedAt, redisStock: {}, apis: [], error: `Redis could not be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  const redisStock = Object.fromEntries(productIds.map((id, i) => [id, stock[i] === null || stock[i] === undefined ? null : Number(stock[i])]));
  const apis = await Promise.all(apiUrls.map((url) => observeApi(url, productIds)));
  return { checkedAt, redisStock, apis };
}
