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
  /**
   * Hash orderId → productId of the orders the API accepted (Kafka acked) whose ids were made in the
   * hour starting at hourMs; answers "pending" before the worker writes an order. One key per hour,
   * so that a batch of acks is one command and the whole hour expires at once.
   */
  acceptedOrders: (hourMs: number) => `accepted:${hourMs}`,
} as const;
