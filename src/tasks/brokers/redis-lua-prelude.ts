// Helpers every Lua script of the Redis broker starts with (keys, state counters, lock checks).

/** Length of `ord` before the id: eta (15 digits) + createdAt (15) + seq (12) + '|'. */
export const ORD_PREFIX_LENGTH = 43;

export const PRELUDE = `
local IDS, ALL, COUNTS, QUEUES = 'pyros:ids', 'pyros:all', 'pyros:counts', 'pyros:queues'
local function jobKey(q, id) return 'bull:' .. q .. ':' .. id end
local function bullKey(q, name) return 'bull:' .. q .. ':' .. name end
local function qKey(q, name) return 'pyros:q:' .. q .. ':' .. name end
local function idOfOrd(ord) return string.sub(ord, ${ORD_PREFIX_LENGTH + 1}) end
local function isWaiting(st) return st == 'PENDING' or st == 'SCHEDULED' or st == 'RETRY' end
local function count(from, to)
  if from then redis.call('HINCRBY', COUNTS, from, -1) end
  if to then redis.call('HINCRBY', COUNTS, to, 1) end
end

-- Ends a task in a final state: off every index of its queue, onto BullMQ's completed or failed set.
local function finish(q, id, h, from, to, now)
  if from == 'STARTED' then redis.call('LREM', bullKey(q, 'active'), 1, id) end
  redis.call('ZREM', qKey(q, 'started'), id)
  redis.call('ZREM', qKey(q, 'sched'), id)
  redis.call('ZREM', qKey(q, 'ready'), redis.call('HGET', h, 'ord'))
  redis.call('HSET', h, 'state', to, 'finishedOn', now)
  redis.call('HDEL', h, 'lockUntil')
  redis.call('ZADD', bullKey(q, to == 'SUCCESS' and 'completed' or 'failed'), now, id)
  count(from, to)
end

-- Deletes a task and its entries in the global indexes (the caller removes it from its queue's).
local function forget(id, h, st)
  redis.call('ZREM', ALL, redis.call('HGET', h, 'seq') .. '|' .. id)
  redis.call('HDEL', IDS, id)
  redis.call('DEL', h)
  count(st, nil)
end

-- The hash of the task \`id\` held by \`wid\` (STARTED, worker wid), its queue and fields; nil otherwise.
local function held(id, wid, ...)
  local q = redis.call('HGET', IDS, id)
  if not q then return nil end
  local h = jobKey(q, id)
  local f = redis.call('HMGET', h, 'state', 'pb', ...)
  if f[1] ~= 'STARTED' or f[2] ~= wid then return nil end
  return h, q, f
end
`;
