import { seededRandom } from '@flux-gate/run-format';
import { productChoice } from './productChoice.ts';

/** Who arrival n is and what it asks for; the same seed and round give the same buyers. */
export interface Buyer {
  userId: string;
  productId: string;
  key: string;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Arrival n is buyer (n·stride + offset) mod users: every buyer once before any comes twice, in an
 * order the seed picks. Its product is round-robin, or drawn by the demand weights when the plan has them.
 */
export function buyers(opts: { seed: number; round: number; users: number; products: readonly string[]; demand?: readonly number[] }): (n: number) => Buyer {
  const random = seededRandom(opts.seed);
  const product = productChoice(opts.products, opts.demand, opts.seed);
  const users = Math.max(1, opts.users);
  let stride = 1 + Math.floor(random() * users);
  while (gcd(stride, users) !== 1) stride = (stride % users) + 1;
  const offset = Math.floor(random() * users);
  const tag = Math.floor(random() * 0xffffffff).toString(36);
  return (n) => ({
    userId: `u${opts.seed}-${(n * stride + offset) % users}`,
    productId: product(n),
    key: `k${opts.seed}-${opts.round}-${tag}-${n}`,
  });
}

/** A draw in [0, 1) for one attempt of one arrival, whatever order the answers come back in. */
export function jitter(seed: number, n: number, attempt: number): number {
  return seededRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35) ^ Math.imul(attempt, 0x27d4eb2f)) >>> 0)();
}

/** Exponential backoff with full jitter before attempt `attempt + 1`. */
export function backoffMs(seed: number, n: number, attempt: number, backoff: { baseMs: number; maxMs: number }): number {
  return jitter(seed, n, attempt) * Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
}
