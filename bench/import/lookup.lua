-- wrk script: GET /api/counter/lookup?phone=<a random imported member's phone>
-- with a staff bearer token. Phones are rebuilt with the generator's formula
-- (gen_members.c), so no file has to be loaded into wrk.
local token = os.getenv("HH_TOKEN")
local rows = tonumber(os.getenv("HH_ROWS"))
local prefixes = {"130","131","132","133","135","136","137","138","139","150","151","152","155","156","157","158","159","176","177","178","180","181","182","183","185","186","187","188","189","198","199"}
local np = #prefixes
local bad = 0

request = function()
  local i = math.random(0, rows - 1)
  if i % 1000 == 999 or i % 5000 == 4998 then i = i - 1 end
  local k, p = math.floor(i / np), i % np
  local sub = (k * 48271 + 12345) % 100000000
  local phone = string.format("%s%08d", prefixes[p + 1], sub)
  return wrk.format("GET", "/api/counter/lookup?phone=" .. phone, {["Authorization"] = "Bearer " .. token})
end

response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("LOOKUP requests=%d errors=%d non200=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    bad, latency:percentile(50), latency:percentile(99), latency.max))
end
