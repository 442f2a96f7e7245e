import type { RedisClient } from './connectRedis.ts';
import { releaseArgs } from './releaseArgs.ts';
import type { ReleaseFn } from './unguardedRelease.ts';

/**
 * KEYS: stock, buyers, pending, idempotency. ARGV: orderId, hasIdempotencyKey. The once-only
 * give-back of gateScripts.release, but the stock is never incremented.
 */
const leakingLua = `
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry[3] ~= 0 then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('HINCRBY', KEYS[2], entry[1], -1) <= 0 then redis.call('HDEL', KEYS[2], entry[1]) end
if ARGV[2] == '1' and redis.call('GET', KEYS[4]) == 'pending:' .. ARGV[1] then redis.call('DEL', KEYS[4]) end
return 1
`;

/**
 * DELIBERATELY BROKEN (FLUXGATE_BROKEN_NO_GIVE_BACK): a refused or failed Kafka send settles its
 * order (out of the in-flight record, the user's count and the Idempotency-Key's answer cleared, so
 * a retry takes a fresh unit and no takeover resurrects it) but never puts its unit back on sale:
 * the unit leaks. Resolves false: no unit ever goes back. For the harness self-test only.
 */
export function leakingRelease(redis: RedisClient): ReleaseFn {
  return async (productId, orderId, idempotencyKey) => {
    await redis.eval(leakingLua, 4, ...releaseArgs(productId, orderId, idempotencyKey));
    return false;
  };
}
