-- redis_count.lua — after a run of bench/lottery.sh: the number of draw
-- records in the stream KEYS[1] per outcome, as a flat list
-- {outcome, count, …}, to check that stock taken = wins recorded.
local counts, from = {}, '-'
while true do
  local batch = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 10000)
  if #batch == 0 then break end
  for _, e in ipairs(batch) do
    local f = e[2]
    for i = 1, #f, 2 do
      if f[i] == 'p' then counts[f[i + 1]] = (counts[f[i + 1]] or 0) + 1 end
    end
  end
  from = '(' .. batch[#batch][1]
end
local out = {}
for k, v in pairs(counts) do out[#out + 1] = k; out[#out + 1] = v end
return out
