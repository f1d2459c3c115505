// The Lua scripts of the Redis broker. Each runs atomically inside Redis, so every change of a task
// (and of the indexes that point at it) is seen whole or not at all by every other client.
//
// Keys (see the header of redis-broker.ts for why the split):
//   bull:<queue>:<id>        the task: a BullMQ job hash (BullMQ's fields + ours, listed below)
//   bull:<queue>:active      BullMQ's list of running jobs (STARTED tasks)
//   bull:<queue>:completed   BullMQ's set of completed jobs (SUCCESS), scored by finishedOn
//   bull:<queue>:failed      BullMQ's set of failed jobs (FAILURE, REVOKED, EXPIRED), by finishedOn
//   pyros:q:<queue>:ready    due tasks, score -priority, member `ord` (eta|createdAt|seq|id, fixed
//                            width), so ZRANGE gives priority desc, then eta, createdAt, insertion
//   pyros:q:<queue>:sched    tasks waiting for their eta (SCHEDULED, RETRY), score eta, member id
//   pyros:q:<queue>:started  STARTED tasks, score lockUntil, member id
//   pyros:ids                id -> queue (get/complete/... are given an id only)
//   pyros:all                every task, score createdAt, member `seq|id` (list, newest first)
//   pyros:counts             state -> number of tasks
//   pyros:queues             every queue name ever used
//   pyros:claims             claimOnce keys, score: when claimed
//   pyros:seq                insertion counter
//
// Task hash fields. BullMQ's: id, name, data (args JSON), opts, timestamp (createdAt), delay,
// priority, ats (attempt), atm, pb (workerId), processedOn (startedAt), finishedOn, returnvalue,
// failedReason, stacktrace, progress. Ours: state, queue, eta, expires, maxRetries, backoff,
// lockUntil, revoke ('1'), error (TaskError JSON), pn (ready score), ord, seq.
//
// Times and scores come in ARGV as strings written by JavaScript and are passed on to Redis as
// those strings: Lua numbers would be printed with 14 significant digits (%.14g). tonumber() is
// only used to compare.

import { PRELUDE } from './redis-lua-prelude.js';

export { GET, LIST, PURGE, REMOVE_FINISHED } from './redis-lua-admin.js';
export { ORD_PREFIX_LENGTH } from './redis-lua-prelude.js';

/** ARGV: id, queue, state, ready score, eta, createdAt, eta padded, createdAt padded, then field/value pairs. Returns 0 if the id exists. */
export const ENQUEUE = `${PRELUDE}
local id, q, st = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HSETNX', IDS, id, q) == 0 then return 0 end
local seq = string.format('%012d', redis.call('INCR', 'pyros:seq'))
local ord = ARGV[7] .. ARGV[8] .. seq .. '|' .. id
local h = jobKey(q, id)
local fields = {}
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', h, 'state', st, 'ord', ord, 'seq', seq, 'pn', ARGV[4], unpack(fields))
if st == 'PENDING' then
  redis.call('ZADD', qKey(q, 'ready'), ARGV[4], ord)
else
  redis.call('ZADD', qKey(q, 'sched'), ARGV[5], id)
end
redis.call('ZADD', ALL, ARGV[6], seq .. '|' .. id)
redis.call('SADD', QUEUES, q)
count(nil, st)
return 1
`;

/**
 * ARGV: now, workerId, lockUntil, max, queue... Returns the HGETALL of each task taken.
 * First makes due what is due at \`now\` (the caller's clock, not a Redis timer): tasks whose eta
 * came and tasks whose lock ran out move to \`ready\`. Then takes the best of the queues' heads
 * until \`max\` are taken; expired or revoked ones are ended on the way and do not count.
 */
export const RESERVE = `${PRELUDE}
local now, wid, lu, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local nowN = tonumber(now)
local qs = {}
for i = 5, #ARGV do qs[#qs + 1] = ARGV[i] end
local function promote(q, from, maxScore)
  local ids = redis.call('ZRANGEBYSCORE', qKey(q, from), '-inf', maxScore)
  if #ids == 0 then return end
  for _, id in ipairs(ids) do
    local f = redis.call('HMGET', jobKey(q, id), 'pn', 'ord')
    if f[1] then redis.call('ZADD', qKey(q, 'ready'), f[1], f[2]) end
  end
  redis.call('ZREMRANGEBYSCORE', qKey(q, from), '-inf', maxScore)
end
for _, q in ipairs(qs) do
  promote(q, 'sched', now)
  promote(q, 'started', '(' .. now)
end
local heads = {}
local function peek(i)
  local r = redis.call('ZRANGE', qKey(qs[i], 'ready'), 0, 0, 'WITHSCORES')
  if #r == 0 then heads[i] = false else heads[i] = { r[1], tonumber(r[2]) } end
end
for i = 1, #qs do peek(i) end
local out = {}
while #out < max do
  local best = nil
  for i = 1, #qs do
    local hd = heads[i]
    if hd then
      local b = best and heads[best]
      if not b or hd[2] < b[2] or (hd[2] == b[2] and hd[1] < b[1]) then best = i end
    end
  end
  if not best then break end
  local q, ord = qs[best], heads[best][1]
  redis.call('ZREM', qKey(q, 'ready'), ord)
  peek(best)
  local id = idOfOrd(ord)
  local h = jobKey(q, id)
  local f = redis.call('HMGET', h, 'state', 'expires', 'revoke', 'ats')
  local st = f[1]
  if st then
    if f[3] == '1' then
      finish(q, id, h, st, 'REVOKED', now)
    elseif f[2] and tonumber(f[2]) < nowN then
      finish(q, id, h, st, 'EXPIRED', now)
    else
      redis.call('HSET', h, 'state', 'STARTED', 'pb', wid, 'lockUntil', lu,
        'ats', (tonumber(f[4]) or 0) + 1, 'processedOn', now)
      redis.call('HDEL', h, 'progress')
      redis.call('ZADD', qKey(q, 'started'), lu, id)
      if st ~= 'STARTED' then
        redis.call('LPUSH', bullKey(q, 'active'), id)
        count(st, 'STARTED')
      end
      out[#out + 1] = redis.call('HGETALL', h)
    end
  end
end
return out
`;

/** ARGV: queue... Returns 0 when a task is due, the earliest eta otherwise, or nil. */
export const NEXT_DUE = `${PRELUDE}
local best = nil
for i = 1, #ARGV do
  local q = ARGV[i]
  if redis.call('ZCARD', qKey(q, 'ready')) > 0 then return 0 end
  local r = redis.call('ZRANGE', qKey(q, 'sched'), 0, 0, 'WITHSCORES')
  if #r > 0 and (not best or tonumber(r[2]) < tonumber(best)) then best = r[2] end
end
return best
`;

/** ARGV: id, workerId, lockUntil. Returns {held, revokeRequested} as 0/1. */
export const HEARTBEAT = `${PRELUDE}
local h, q, f = held(ARGV[1], ARGV[2], 'revoke', 'ord')
if not h then return { 0, 0 } end
redis.call('HSET', h, 'lockUntil', ARGV[3])
redis.call('ZADD', qKey(q, 'started'), ARGV[3], ARGV[1])
-- A late heartbeat after reserve moved the task back to \`ready\` takes it back from there.
redis.call('ZREM', qKey(q, 'ready'), f[4])
return { 1, f[3] == '1' and 1 or 0 }
`;

/** ARGV: id, workerId, now, '1' if there is a result, result JSON. Returns 1 if recorded. */
export const COMPLETE = `${PRELUDE}
local h, q, f = held(ARGV[1], ARGV[2], 'revoke')
if not h then return 0 end
if ARGV[4] == '1' then redis.call('HSET', h, 'returnvalue', ARGV[5]) end
redis.call('HINCRBY', h, 'atm', 1)
finish(q, ARGV[1], h, 'STARTED', f[3] == '1' and 'REVOKED' or 'SUCCESS', ARGV[3])
return 1
`;

/**
 * ARGV: id, workerId, now, error JSON, message, stacktrace JSON, retryAt ('' for none), retryAt
 * padded. Returns 1 if recorded.
 */
export const FAIL = `${PRELUDE}
local id = ARGV[1]
local h, q, f = held(id, ARGV[2], 'revoke', 'ord')
if not h then return 0 end
redis.call('HSET', h, 'error', ARGV[4], 'failedReason', ARGV[5], 'stacktrace', ARGV[6])
redis.call('HINCRBY', h, 'atm', 1)
if f[3] == '1' then
  finish(q, id, h, 'STARTED', 'REVOKED', ARGV[3])
elseif ARGV[7] == '' then
  finish(q, id, h, 'STARTED', 'FAILURE', ARGV[3])
else
  -- Waits for its retry like a scheduled task; its place among due tasks follows the new eta.
  local ord = ARGV[8] .. string.sub(f[4], 16)
  redis.call('ZREM', qKey(q, 'ready'), f[4])
  redis.call('ZREM', qKey(q, 'started'), id)
  redis.call('LREM', bullKey(q, 'active'), 1, id)
  redis.call('HSET', h, 'state', 'RETRY', 'eta', ARGV[7], 'ord', ord)
  redis.call('HDEL', h, 'lockUntil')
  redis.call('ZADD', qKey(q, 'sched'), ARGV[7], id)
  count('STARTED', 'RETRY')
end
return 1
`;

/** ARGV: id, workerId, progress JSON. */
export const PROGRESS = `${PRELUDE}
local h = held(ARGV[1], ARGV[2])
if h then redis.call('HSET', h, 'progress', ARGV[3]) end
return 0
`;

/** ARGV: id, now. Returns the state after, or nil for an unknown id. */
export const REVOKE = `${PRELUDE}
local id = ARGV[1]
local q = redis.call('HGET', IDS, id)
if not q then return nil end
local h = jobKey(q, id)
local st = redis.call('HGET', h, 'state')
if isWaiting(st) then
  finish(q, id, h, st, 'REVOKED', ARGV[2])
  return 'REVOKED'
end
-- Running: only flagged; its worker learns it at its next heartbeat. A final state stays.
if st == 'STARTED' then redis.call('HSET', h, 'revoke', '1') end
return st
`;
