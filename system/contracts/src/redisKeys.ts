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
   * The waiting room's queue (hash): epoch (changes at every arm), issued (tickets handed out), and
   * the serving counter's terms base, start (ms), rate (per s) and paused ('1'/'0'): the counter is
   * base + (now − start) · rate / 1000 while not paused, never above issued.
   */
  queue: (productId: string) => `{sale:${productId}}:queue`,
  /** Hash userId → ticket number: a user shed again keeps their place. */
  ticketOf: (productId: string) => `{sale:${productId}}:ticket-of`,
  /** Hash ticket number → Redis time (ms) of its first admitted poll: the admission token's expiry counts from it. */
  admitted: (productId: string) => `{sale:${productId}}:admitted`,
  /** Hash ticket number → the Idempotency-Key key name of the order that used its token ('' without one). */
  tokensUsed: (productId: string) => `{sale:${productId}}:tokens-used`,
  /**
   * Hash orderId → productId of the orders the API accepted (Kafka acked) whose ids were made in the
   * hour starting at hourMs; answers "pending" before the worker writes an order. One key per hour,
   * so that a batch of acks is one command and the whole hour expires at once.
   */
  acceptedOrders: (hourMs: number) => `accepted:${hourMs}`,
  /**
   * Hash of the Redis primary the sale's state was armed or rebuilt on: replid (that primary's
   * master_replid; a promoted replica has a new one, so a take there is fenced until a rebuild) and
   * rebuilds (how many times the sale was rebuilt from PostgreSQL after a primary change).
   */
  primary: (productId: string) => `{sale:${productId}}:primary`,
} as const;
