import { redisKeys } from '@flux-gate/contracts';

/**
 * The KEYS (stock, buyers, pending, idempotency) and ARGV (orderId, hasIdempotencyKey) of the
 * give-back script, gateScripts.release, and of the broken leaking variant that shares its layout.
 */
export function releaseArgs(productId: string, orderId: string, idempotencyKey: string | undefined): string[] {
  return [
    redisKeys.stock(productId),
    redisKeys.buyers(productId),
    redisKeys.pending(productId),
    redisKeys.idempotency(productId, idempotencyKey ?? ''),
    orderId,
    idempotencyKey === undefined ? '0' : '1',
  ];
}
