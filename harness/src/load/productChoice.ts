import { seededRandom } from '@flux-gate/run-format';

/**
 * Demand weights of a Zipf law with exponent s over n products: the product of rank r draws a share
 * proportional to 1/r^s. Which product holds which rank is a permutation the seed draws, so the hot
 * products are not simply the first ones listed.
 */
export function zipfWeights(n: number, s: number, seed: number): number[] {
  const random = seededRandom((seed ^ 0x5a495046) >>> 0);
  const rankOf = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rankOf[i], rankOf[j]] = [rankOf[j]!, rankOf[i]!];
  }
  return rankOf.map((rank) => 1 / (rank + 1) ** s);
}

/**
 * The product arrival n asks for: round-robin without weights; with weights, a draw for arrival n
 * alone (any order of asking gives the same answer) looked up in the cumulative weights, O(log n).
 */
export function productChoice(products: readonly string[], weights: readonly number[] | undefined, seed: number): (n: number) => string {
  if (!weights) return (n) => products[n % products.length]!;
  if (weights.length !== products.length) throw new Error(`${weights.length} demand weights for ${products.length} products`);
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (n) => {
    const u = seededRandom((Math.imul(seed ^ 0x27d4eb2f, 0x85ebca6b) ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0)() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return products[lo]!;
  };
}
