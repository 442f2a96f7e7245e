import { redisKeys } from '@flux-gate/contracts';
import type { RedisClient } from './connectRedis.ts';

/** Gives the unit of an order back; resolves true if a unit went back on sale. */
export type ReleaseFn = (productId: string, orderId: string, idempotencyKey: string | undefined) => Promise<boolean>;

/** KEYS: stock, buyers, pending. ARGV: orderId. The user's count goes down only while the order is in flight; the stock goes up always. */
const unguardedLua = `
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if raw then
  local userId = cjson.decode(raw)[1]
  redis.call('HDEL', KEYS[3], ARGV[1])
  if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
return 1
`;

/**
 * DELIBERATELY BROKEN (FLUXGATE_BROKEN_DOUBLE_GIVE_BACK): a give-back that is not once-only. It
 * puts the unit back on sale whether or not the order still holds it, so a refused produce whose
 * error path and settled path both give back returns its unit twice. For the harness self-test only.
 */
export function unguardedRelease(redis: RedisClient): ReleaseFn {
  return async (productId, orderId) => {
    await redis.eval(unguardedLua, 3, redisKeys.stock(productId), redisKeys.buyers(productId), redisKeys.pending(productId), orderId);
    return true;
  };
}
