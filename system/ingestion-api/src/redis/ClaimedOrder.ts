import { redisKeys } from '@flux-gate/contracts';

/** An in-flight order this instance took over from an instance that did not settle it in time. */
export interface ClaimedOrder {
  orderId: string;
  userId: string;
  productId: string;
  /** When the unit was taken (Redis time): the order's acceptedAt. */
  acceptedAt: string;
  idempotencyKey?: string;
}

/** Reads an in-flight entry (JSON [userId, takenAtMs, claimedAtMs, idempotency key name or '']). */
export function claimedOrder(productId: string, orderId: string, raw: string): ClaimedOrder {
  const [userId, takenAtMs, , keyName] = JSON.parse(raw) as [string, number, number, string];
  const order: ClaimedOrder = { orderId, userId, productId, acceptedAt: new Date(takenAtMs).toISOString() };
  if (keyName) order.idempotencyKey = keyName.slice(redisKeys.idempotency(productId, '').length);
  return order;
}
