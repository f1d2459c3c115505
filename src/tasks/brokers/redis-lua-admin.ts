// The Redis broker's Lua scripts that read or clean up rather than move tasks along: get, list,
// purge, removeFinished. Key layout: see redis-lua.ts.
import { PRELUDE } from './redis-lua-prelude.js';

/** ARGV: id. Returns the HGETALL of the task (empty if unknown). */
export const GET = `${PRELUDE}
local q = redis.call('HGET', IDS, ARGV[1])
if not q then return {} end
return redis.call('HGETALL', jobKey(q, ARGV[1]))
`;

/** ARGV: limit (-1: none), '1' to filter by name, name, then states to keep (none: every state; '-' alone: no state). */
export const LIST = `${PRELUDE}
local limit, byName, name = tonumber(ARGV[1]), ARGV[2] == '1', ARGV[3]
local states = nil
if #ARGV > 3 then
  states = {}
  for i = 4, #ARGV do states[ARGV[i]] = true end
end
local out = {}
if limit == 0 then return out end
local page, start = 500, 0
while true do
  local members = redis.call('ZREVRANGE', ALL, start, start + page - 1)
  for _, m in ipairs(members) do
    local id = string.sub(m, 14)
    local q = redis.call('HGET', IDS, id)
    if q then
      local h = jobKey(q, id)
      local f = redis.call('HMGET', h, 'state', 'name')
      if (not states or states[f[1]]) and (not byName or f[2] == name) then
        out[#out + 1] = redis.call('HGETALL', h)
        if limit > 0 and #out >= limit then return out end
      end
    end
  end
  if #members < page then return out end
  start = start + page
end
`;

/** Deletes every waiting task (PENDING, SCHEDULED, RETRY) of every queue; returns how many. */
export const PURGE = `${PRELUDE}
local n = 0
for _, q in ipairs(redis.call('SMEMBERS', QUEUES)) do
  for _, ord in ipairs(redis.call('ZRANGE', qKey(q, 'ready'), 0, -1)) do
    local id = idOfOrd(ord)
    local h = jobKey(q, id)
    local st = redis.call('HGET', h, 'state')
    -- \`ready\` may also hold STARTED tasks whose lock ran out: they are running, not waiting.
    if isWaiting(st) then
      redis.call('ZREM', qKey(q, 'ready'), ord)
      forget(id, h, st)
      n = n + 1
    end
  end
  for _, id in ipairs(redis.call('ZRANGE', qKey(q, 'sched'), 0, -1)) do
    local h = jobKey(q, id)
    local st = redis.call('HGET', h, 'state')
    if st then
      forget(id, h, st)
      n = n + 1
    end
  end
  redis.call('DEL', qKey(q, 'sched'))
end
return n
`;

/**
 * ARGV: before, batch. Deletes up to \`batch\` tasks per queue and set that ended before \`before\`,
 * and the claimOnce keys claimed before it. Returns {removed, 1 if a batch was full (call again)}.
 */
export const REMOVE_FINISHED = `${PRELUDE}
local before, batch = '(' .. ARGV[1], tonumber(ARGV[2])
local n, more = 0, 0
for _, q in ipairs(redis.call('SMEMBERS', QUEUES)) do
  for _, set in ipairs({ 'completed', 'failed' }) do
    local key = bullKey(q, set)
    local ids = redis.call('ZRANGEBYSCORE', key, '-inf', before, 'LIMIT', 0, batch)
    if #ids == batch then more = 1 end
    for _, id in ipairs(ids) do
      local h = jobKey(q, id)
      local st = redis.call('HGET', h, 'state')
      if st then
        forget(id, h, st)
        n = n + 1
      end
      redis.call('ZREM', key, id)
    end
  end
end
redis.call('ZREMRANGEBYSCORE', 'pyros:claims', '-inf', before)
return { n, more }
`;
