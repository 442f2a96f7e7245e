import { z } from 'zod';
import { seededRandom } from '@flux-gate/run-format';

/**
 * Many products described rather than listed: `count` products named `<prefix>-1` … `<prefix>-count`,
 * each with a stock the run's seed draws log-uniformly between `stock.min` and `stock.max` (as many
 * products between 10 and 100 units as between 500 and 5,000), as a launch with a long tail of SKUs.
 */
export const productSetSchema = z.strictObject({
  count: z.number().int().min(1).max(2_000),
  stock: z
    .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1).max(1_000_000_000) })
    .refine((s) => s.min <= s.max, { message: 'stock.min must not be above stock.max', path: ['min'] }),
  prefix: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes').max(40).default('sku'),
});
export type ProductSet = z.output<typeof productSetSchema>;

/** The products a product set stands for under this seed: the same seed gives the same ids and stocks. */
export function expandProductSet(set: ProductSet, seed: number): { productId: string; stock: number }[] {
  const random = seededRandom((seed ^ 0x50524f44) >>> 0);
  const [lo, hi] = [Math.log(set.stock.min), Math.log(set.stock.max + 1)];
  return Array.from({ length: set.count }, (_, i) => ({
    productId: `${set.prefix}-${i + 1}`,
    stock: Math.min(set.stock.max, Math.floor(Math.exp(lo + random() * (hi - lo)))),
  }));
}
