-- redis_draw.lua — one durable lottery draw, the Redis baseline of
-- bench/lottery.sh, loaded with SCRIPT LOAD and called with EVALSHA by
-- redis-benchmark. Redis runs it atomically (one script at a time), and with
-- `appendonly yes` + `appendfsync always` answers only after the AOF holding
-- it has been fsynced.
--
--   KEYS[1]  hash  prize id -> weight, plus field "none" -> no-prize weight
--   KEYS[2]  hash  prize id -> stock left
--   KEYS[3]  stream of draw records {m: member, r: roll, p: prize id | none}
--   ARGV[1]  a random integer for the member (redis-benchmark's __rand_int__)
--   ARGV[2]  a random integer for the roll (another __rand_int__)
--   ARGV[3]  number of members: member = ARGV[1] mod ARGV[3] + 1
--
-- Pick by weight: roll = ARGV[2] mod (sum of weights); outcomes by cumulative
-- weight in the hash's order. A prize picked with no stock left is "no
-- prize". Stock is decremented only when it is > 0. Returns the outcome.
local w = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 2, #w, 2 do total = total + tonumber(w[i]) end
local roll = tonumber(ARGV[2]) % total
local member = tonumber(ARGV[1]) % tonumber(ARGV[3]) + 1
local prize, upto = 'none', 0
for i = 1, #w, 2 do
  upto = upto + tonumber(w[i + 1])
  if roll < upto then prize = w[i]; break end
end
if prize ~= 'none' then
  local left = tonumber(redis.call('HGET', KEYS[2], prize) or '0')
  if left > 0 then
    redis.call('HINCRBY', KEYS[2], prize, -1)
  else
    prize = 'none'
  end
end
redis.call('XADD', KEYS[3], '*', 'm', member, 'r', roll, 'p', prize)
return prize
