import { mapConcurrently } from './mapConcurrently.ts';

/** Product pages asked at once per API instance: a sale of hundreds of products is checked in a few round-trips' time. */
const perInstance = 16;

/**
 * The hypothesis before any load: every API instance is ready and reports the armed stock.
 * Throws naming what is off.
 */
export async function steadyState(apiUrls: string[], products: { productId: string; stock: number }[]): Promise<void> {
  await Promise.all(
    apiUrls.map(async (url) => {
      const ready = await fetch(`${url}/ready`);
      await ready.arrayBuffer();
      if (ready.status !== 200) throw new Error(`steady state not reached: ${url}/ready answered ${ready.status}`);
      await mapConcurrently(products, perInstance, async (p) => {
        const res = await fetch(`${url}/products/${encodeURIComponent(p.productId)}`);
        const body = (await res.json()) as { remaining?: number };
        if (res.status !== 200 || body.remaining !== p.stock) {
          throw new Error(`steady state not reached: ${url}/products/${p.productId} answered ${res.status} ${JSON.stringify(body)}, expected remaining ${p.stock}`);
        }
      });
    }),
  );
}
