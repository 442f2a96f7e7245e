/**
 * Redis keys of a sale. Every per-product key shares the hash tag {sale:<productId>}, so one Lua
 * script can touch them all on Redis Cluster.
 */
export const redisKeys = {
  /** Units left to sell (integer). Missing means the sale is not armed (or Redis restarted empty). */
  stock: (productId: string) => `{sale:${productId}}:stock`,
  /** Hash userId → units held. */
  buyers: (productId: string) => `{sale:${productId}}:buyers`,
  /** Token bucket state of the rate limiter (hash: tokens, ts). */
  bucket: (productId: string) => `{sale:${productId}}:bucket`,
  /** Stored first answer for an Idempotency-Key. */
  idempotency: (productId: string, key: string) => `{sale:${productId}}:idem:${key}`,
  /**
   * Hash orderId → JSON [userId, takenAtMs, claimedAtMs (0 until taken over), idempotency key name or '']
   * of units taken whose Kafka hand-off is not settled yet (in flight).
   */
  pending: (productId: string) => `{sale:${productId}}:pending`,
  /** productId of an order the API accepted (Kafka acked); short-lived, answers "pending" before the worker writes it. */
  acceptedOrder: (orderId: string) => `order:${orderId}`,
} as const;
