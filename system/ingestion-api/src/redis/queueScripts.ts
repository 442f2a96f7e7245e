/**
 * The serving counter, computed from the queue hash (see redisKeys.queue) at Redis time `now` (ms):
 * base + (now − start) · rate / 1000 while not paused, never more than `slack` past the last ticket.
 * `q` is HMGET queue epoch issued base start rate paused. Returns the counter (fractional) and issued.
 */
export const servingLua = `
local queueFields = {'epoch', 'issued', 'base', 'start', 'rate', 'paused'}
local function servingAt(q, now, slack)
  local issued = tonumber(q[2]) or 0
  local s = tonumber(q[3]) or 0
  if q[6] ~= '1' then s = s + math.max(0, now - (tonumber(q[4]) or now)) * (tonumber(q[5]) or 0) / 1000 end
  return math.min(s, issued + slack), issued
end
`;

const nowLua = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
`;

/**
 * The waiting room's Lua besides the take (gateScripts.take hands tickets out). Every key shares
 * the hash tag {sale:<productId>}. Numbers go back as strings: Redis would truncate a Lua float.
 */
export const queueScripts = {
  /**
   * A ticket's state. KEYS: stock, queue, admitted. ARGV: the ticket's rank (its number; another
   * order in the broken random-order mode), its epoch, slack, its number.
   * Returns {'unarmed'}, {'stale'}, or {'ok', stock, issued, serving, rate, paused, admittedAtMs
   * ('0' while not admitted), now}. The first poll that finds the ticket admitted (stock left)
   * records when, once.
   */
  status: {
    numberOfKeys: 3,
    lua: `${servingLua}${nowLua}
local stock = tonumber(redis.call('GET', KEYS[1]))
local q = redis.call('HMGET', KEYS[2], unpack(queueFields))
if not stock or not q[1] then return {'unarmed'} end
if q[1] ~= ARGV[2] then return {'stale'} end
local serving, issued = servingAt(q, now, tonumber(ARGV[3]))
local admittedAt = '0'
if stock > 0 and tonumber(ARGV[1]) <= math.floor(serving) then
  admittedAt = redis.call('HGET', KEYS[3], ARGV[4])
  if not admittedAt then
    admittedAt = tostring(math.floor(now))
    redis.call('HSET', KEYS[3], ARGV[4], admittedAt)
  end
end
return {'ok', tostring(stock), tostring(issued), tostring(serving), q[5], q[6], admittedAt, tostring(now)}
`,
  },
  /**
   * Reads or steers admission. KEYS: stock, queue. ARGV: 'get' | 'pause' | 'resume' | 'rate', the
   * new rate (for 'rate'), slack. Pause freezes the counter where it stands; resume lets it move on
   * from there; a new rate applies from now on. Returns {'unarmed'} or {'ok', stock, issued,
   * serving, rate, paused}.
   */
  control: {
    numberOfKeys: 2,
    lua: `${servingLua}${nowLua}
local stock = tonumber(redis.call('GET', KEYS[1]))
local q = redis.call('HMGET', KEYS[2], unpack(queueFields))
if not stock or not q[1] then return {'unarmed'} end
local serving, issued = servingAt(q, now, tonumber(ARGV[3]))
local action = ARGV[1]
if action == 'pause' and q[6] ~= '1' then
  q[3], q[6] = tostring(serving), '1'
  redis.call('HSET', KEYS[2], 'base', q[3], 'paused', '1')
elseif action == 'resume' and q[6] == '1' then
  q[4], q[6] = tostring(now), '0'
  redis.call('HSET', KEYS[2], 'start', q[4], 'paused', '0')
elseif action == 'rate' then
  q[3], q[4], q[5] = tostring(serving), tostring(now), ARGV[2]
  redis.call('HSET', KEYS[2], 'base', q[3], 'start', q[4], 'rate', q[5])
end
return {'ok', tostring(stock), tostring(issued), tostring(serving), q[5], q[6]}
`,
  },
} as const;
