import type { TakeFn } from './SaleGate.ts';

/**
 * DELIBERATELY BROKEN (FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY): takes as if the request carried no
 * Idempotency-Key, so a retry never finds the first request's answer and takes another unit for a
 * second order. For the harness self-test only.
 */
export function keyIgnoringTake(take: TakeFn): TakeFn {
  return (productId, userId, orderId, _idempotencyKey, admission) => take(productId, userId, orderId, undefined, admission);
}
