import { servingLua } from './queueScripts.ts';

/** Redis time in whole milliseconds, as `now`. */
const nowLua = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * fenced(primaryKey): true when the sale was armed or rebuilt on another primary than the one running
 * the script (its master_replid, which a promoted replica changes), or on no recorded primary.
 */
const fencedLua = `
local function fenced(primaryKey)
  local armedOn = redis.call('HGET', primaryKey, 'replid')
  local info = redis.call('INFO', 'replication')
  return armedOn == false or armedOn ~= string.match(info, 'master_replid:(%w+)')
end
`;

/**
 * claim(orderId, raw, leaseMs): takes over an in-flight entry whose lease ran out (from its take,
 * or from its last claim), stamping the claim time. Returns the new entry, or the ms left.
 */
const claimLua = `
local function claim(orderId, raw, leaseMs)
  local e = cjson.decode(raw)
  local since = e[3] > 0 and e[3] or e[2]
  local left = since + leaseMs - now
  if left > 0 then return left end
  e[3] = now
  raw = cjson.encode(e)
  redis.call('HSET', KEYS[1], orderId, raw)
  return raw
end
`;

/** The take's steps, on KEYS and ARGV (see gateScripts.take): the take script itself, and the body of takeMany's take(). */
const takeBody = `
if ARGV[12] == '1' and redis.call('EXISTS', KEYS[1]) == 1 and fenced(KEYS[9]) then return 'fenced' end
local idem = ARGV[6] == '1'
if idem then
  local first = redis.call('GET', KEYS[5])
  if first then return first end
end
local stock = tonumber(redis.call('GET', KEYS[1]))
if not stock then return 'unarmed' end
local admission = ARGV[9] ~= ''
if admission then
  if redis.call('HGET', KEYS[6], 'epoch') ~= ARGV[10] then return 'token_expired' end
  local mark = idem and KEYS[5] or ''
  local used = redis.call('HGET', KEYS[8], ARGV[9])
  if used and (used == '' or used ~= mark) then return 'token_replayed' end
  if not used then redis.call('HSET', KEYS[8], ARGV[9], mark) end
end
if stock <= 0 then
  if idem then redis.call('SET', KEYS[5], 'sold_out', 'PX', ARGV[8]) end
  return 'sold_out'
end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(ARGV[3]) then
  if idem then redis.call('SET', KEYS[5], 'already_ordered', 'PX', ARGV[8]) end
  return 'already_ordered'
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
if not admission then
  local q = redis.call('HMGET', KEYS[6], unpack(queueFields))
  local paused = q[6] == '1'
  local serving, issued = servingAt(q, now, tonumber(ARGV[11]))
  serving = math.floor(serving)
  local queued = paused or issued > serving
  if not queued then
    local rate = tonumber(ARGV[4])
    local burst = tonumber(ARGV[5])
    local bucket = redis.call('HMGET', KEYS[3], 'tokens', 'ts')
    local tokens = tonumber(bucket[1]) or burst
    local ts = tonumber(bucket[2]) or now
    tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
    if tokens < 1 then
      queued = true
    else
      redis.call('HSET', KEYS[3], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
    end
  end
  if queued then
    if not q[1] then return 'unarmed' end
    local n = redis.call('HGET', KEYS[7], ARGV[1])
    if not n then
      if serving >= issued then redis.call('HSET', KEYS[6], 'base', tostring(issued), 'start', tostring(now)) end
      n = redis.call('HINCRBY', KEYS[6], 'issued', 1)
      redis.call('HSET', KEYS[7], ARGV[1], n)
    end
    return 'queued:' .. n .. ':' .. q[1]
  end
end
redis.call('DECR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[4], ARGV[2], cjson.encode({ARGV[1], math.floor(now), 0, idem and KEYS[5] or ''}))
if idem then redis.call('SET', KEYS[5], 'pending:' .. ARGV[2], 'PX', ARGV[7]) end
return 'ok'
`;

/**
 * The Lua of the Redis gate. Every key of one call shares the hash tag {sale:<productId>}, so each
 * script runs on Redis Cluster. ioredis sends them with EVALSHA and falls back to EVAL after a
 * Redis restart emptied the script cache.
 *
 * An in-flight entry (`pending`: orderId → JSON [userId, takenAtMs, claimedAtMs, idempotency key
 * name or '']) is owned by the instance that took it until claimedAtMs is set: then it has been
 * taken over (see claim) and is never given back.
 */
export const gateScripts = {
  /**
   * The one atomic step of the hot path (which runs it through takeMany, a turn's takes of a product
   * at a time; the broken cross-slot take runs this script): idempotency replay, armed check, the admission token's
   * single use, stock, per-user limit, then (without a token) the waiting room and the token bucket,
   * then take one unit. Without a token a buyer is queued when tickets are waiting (a newcomer
   * joins the back), when admission is paused, or when the bucket is empty; a user already holding
   * a ticket gets it back. The serving counter is never stored as it moves: it is computed here and
   * in queueScripts from base, start and rate (see redisKeys.queue).
   * With fencing on, a sale armed on another primary (a failover promoted a replica that may miss
   * acknowledged decrements) answers 'fenced' before anything else, until it is rebuilt.
   * KEYS: stock, buyers, bucket, pending, idempotency, queue, ticketOf, tokensUsed, primary.
   * ARGV: userId, orderId, perUserLimit, ratePerSec, burst, hasIdempotencyKey ('1'/'0'),
   *       pendingTtlMs, answerTtlMs, admitted ticket number ('' without a token), the token's queue
   *       epoch, how far the serving counter may run past the last ticket (0; the broken
   *       random-order mode's block), fencing ('1'/'0').
   * Returns 'ok', 'fenced', 'sold_out', 'already_ordered', 'queued:<ticket number>:<epoch>', 'unarmed',
   * 'token_expired' (another epoch), 'token_replayed', or a stored first answer ('sold_out',
   * 'already_ordered', 'pending:<orderId>', 'accepted:<orderId>').
   */
  take: {
    numberOfKeys: 9,
    lua: `${servingLua}${fencedLua}${takeBody}`,
  },
  /**
   * Several takes of one product in one call, run one after the other as the take script would run
   * each: the answers are those of as many take calls in that order.
   * KEYS: stock, buyers, bucket, pending, queue, ticketOf, tokensUsed, primary, then each take's
   * idempotency key. ARGV: perUserLimit, ratePerSec, burst, pendingTtlMs, answerTtlMs, slack,
   * fencing, then five per take: userId, orderId, hasIdempotencyKey, admitted ticket number, the
   * token's queue epoch. The caller passes the number of keys first. Returns the answers, in order.
   */
  takeMany: {
    lua: `${servingLua}${fencedLua}
local function take(KEYS, ARGV)${takeBody}end
local answers = {}
for i = 1, #KEYS - 8 do
  local a = 7 + (i - 1) * 5
  answers[i] = take(
    {KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[8 + i], KEYS[5], KEYS[6], KEYS[7], KEYS[8]},
    {ARGV[a + 1], ARGV[a + 2], ARGV[1], ARGV[2], ARGV[3], ARGV[a + 3], ARGV[4], ARGV[5], ARGV[a + 4], ARGV[a + 5], ARGV[6], ARGV[7]})
end
return answers
`,
  },
  /**
   * Kafka acked these orders of one product: their units are sold. KEYS: pending, then the
   * idempotency key of each keyed order. ARGV: answerTtlMs, the keyed orders' ids (in KEYS order),
   * then the other orders' ids. The caller passes the number of keys first.
   */
  commit: {
    lua: `
redis.call('HDEL', KEYS[1], unpack(ARGV, 2))
for i = 2, #KEYS do redis.call('SET', KEYS[i], 'accepted:' .. ARGV[i], 'PX', ARGV[1]) end
return 1
`,
  },
  /**
   * Kafka refused: give the unit back, once, and only if this order really took one (and the sale
   * was not re-armed since) and nobody took the order over. Never recreates a missing stock key.
   * KEYS: stock, buyers, pending, idempotency. ARGV: orderId, hasIdempotencyKey. Returns 1 if given back.
   */
  release: {
    numberOfKeys: 4,
    lua: `
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
if entry[3] ~= 0 then return 0 end
local userId = entry[1]
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
if ARGV[2] == '1' and redis.call('GET', KEYS[4]) == 'pending:' .. ARGV[1] then redis.call('DEL', KEYS[4]) end
return 1
`,
  },
  /**
   * Takes one orphaned in-flight order over. KEYS: pending. ARGV: orderId, leaseMs.
   * Returns the claimed entry, the ms left on its lease, or -1 when it is no longer in flight.
   */
  claim: {
    numberOfKeys: 1,
    lua: `${nowLua}${claimLua}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return -1 end
return claim(ARGV[1], raw, tonumber(ARGV[2]))
`,
  },
  /**
   * Claims the orphans of one HSCAN page of the in-flight record. While the sale is fenced (fencing
   * '1'), claims nothing: the in-flight record may be a replica's stale copy, and the rebuild replaces it.
   * KEYS: pending, primary. ARGV: cursor, leaseMs, count, fencing ('1'/'0').
   * Returns [nextCursor, orderId, entry, orderId, entry, …].
   */
  sweep: {
    numberOfKeys: 2,
    lua: `${nowLua}${claimLua}${fencedLua}
if ARGV[4] == '1' and fenced(KEYS[2]) then return {'0'} end
local lease = tonumber(ARGV[2])
local page = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[3])
local out = {page[1]}
local fields = page[2]
for i = 1, #fields, 2 do
  local claimed = claim(fields[i], fields[i + 1], lease)
  if type(claimed) == 'string' then
    out[#out + 1] = fields[i]
    out[#out + 1] = claimed
  end
end
return out
`,
  },
  /**
   * Arms or reseeds a sale in one step, with an empty queue of a new epoch, and records the primary
   * it ran on. A rebuild ('rebuild') runs only while the sale is fenced, so of several instances
   * rebuilding at once one does, and counts it; it returns 0 when the sale was no longer fenced.
   * KEYS: stock, buyers, bucket, pending, queue, ticketOf, admitted, tokensUsed, primary.
   * ARGV: stock, a JSON object userId → units of the buyers to restore, the queue's epoch,
   * admissions per second, and 'arm' or 'rebuild'.
   */
  reset: {
    numberOfKeys: 9,
    lua: `${nowLua}${fencedLua}
if ARGV[5] == 'rebuild' then
  if not fenced(KEYS[9]) then return 0 end
  redis.call('HINCRBY', KEYS[9], 'rebuilds', 1)
end
redis.call('HSET', KEYS[9], 'replid', string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)'))
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8])
redis.call('SET', KEYS[1], ARGV[1])
for userId, units in pairs(cjson.decode(ARGV[2])) do redis.call('HSET', KEYS[2], userId, units) end
redis.call('HSET', KEYS[5], 'epoch', ARGV[3], 'issued', 0, 'base', 0, 'start', now, 'rate', ARGV[4], 'paused', 0)
return 1
`,
  },
} as const;
