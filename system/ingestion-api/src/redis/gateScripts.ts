/**
 * The Lua of the Redis gate. Every key of one call shares the hash tag {sale:<productId>}, so each
 * script runs on Redis Cluster. ioredis sends them with EVALSHA and falls back to EVAL after a
 * Redis restart emptied the script cache.
 */
export const gateScripts = {
  /**
   * The one atomic step of the hot path: idempotency replay, armed check, stock, per-user limit,
   * token bucket, then take one unit.
   * KEYS: stock, buyers, bucket, pending, idempotency.
   * ARGV: userId, orderId, perUserLimit, ratePerSec, burst, hasIdempotencyKey ('1'/'0'),
   *       pendingTtlMs, answerTtlMs.
   * Returns 'ok', 'sold_out', 'already_ordered', 'limited', 'unarmed', or a stored first answer
   * ('sold_out', 'already_ordered', 'pending:<orderId>', 'accepted:<orderId>').
   */
  take: {
    numberOfKeys: 5,
    lua: `
local idem = ARGV[6] == '1'
if idem then
  local first = redis.call('GET', KEYS[5])
  if first then return first end
end
local stock = tonumber(redis.call('GET', KEYS[1]))
if not stock then return 'unarmed' end
if stock <= 0 then
  if idem then redis.call('SET', KEYS[5], 'sold_out', 'PX', ARGV[8]) end
  return 'sold_out'
end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(ARGV[3]) then
  if idem then redis.call('SET', KEYS[5], 'already_ordered', 'PX', ARGV[8]) end
  return 'already_ordered'
end
local rate = tonumber(ARGV[4])
local burst = tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local bucket = redis.call('HMGET', KEYS[3], 'tokens', 'ts')
local tokens = tonumber(bucket[1]) or burst
local ts = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
if tokens < 1 then return 'limited' end
redis.call('HSET', KEYS[3], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
redis.call('DECR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
if idem then redis.call('SET', KEYS[5], 'pending:' .. ARGV[2], 'PX', ARGV[7]) end
return 'ok'
`,
  },
  /**
   * Kafka acked: the unit is sold. KEYS: pending, idempotency. ARGV: orderId, hasIdempotencyKey, answerTtlMs.
   */
  commit: {
    numberOfKeys: 2,
    lua: `
redis.call('HDEL', KEYS[1], ARGV[1])
if ARGV[2] == '1' then redis.call('SET', KEYS[2], 'accepted:' .. ARGV[1], 'PX', ARGV[3]) end
return 1
`,
  },
  /**
   * Kafka refused: give the unit back, once, and only if this order really took one (and the sale
   * was not re-armed since). Never recreates a missing stock key.
   * KEYS: stock, buyers, pending, idempotency. ARGV: orderId, hasIdempotencyKey. Returns 1 if given back.
   */
  release: {
    numberOfKeys: 4,
    lua: `
local userId = redis.call('HGET', KEYS[3], ARGV[1])
if not userId then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
if ARGV[2] == '1' and redis.call('GET', KEYS[4]) == 'pending:' .. ARGV[1] then redis.call('DEL', KEYS[4]) end
return 1
`,
  },
  /**
   * Arms or reseeds a sale in one step. KEYS: stock, buyers, bucket, pending.
   * ARGV: stock, and a JSON object userId → units of the buyers to restore.
   */
  reset: {
    numberOfKeys: 4,
    lua: `
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('SET', KEYS[1], ARGV[1])
for userId, units in pairs(cjson.decode(ARGV[2])) do redis.call('HSET', KEYS[2], userId, units) end
return 1
`,
  },
} as const;
