-- wrk_draw.lua — wrk script for bench/lottery.sh: durable lottery draws over
-- HTTP against Huohua, many members at once.
--
-- Every request is
--   POST /api/member/lottery/{campaign_id}/draws   {"entry":"free"}
--   Authorization: Bearer <member session token>
-- with the tokens of BENCH_TOKENS (a file of "member_id token" lines, as
-- printed by `huohua bench-members N`) taken in turn: each wrk
-- thread starts at its own place in the list and takes the next token for
-- each request, so the draws are spread evenly over the members.
--
-- Environment:
--   BENCH_TOKENS    the token file (required)
--   BENCH_CAMPAIGN  the campaign id (required)
--   BENCH_WRK_THREADS  wrk's -t (where each thread starts in the list) [1]
--
-- Only 2xx answers count as draws. done() prints one line
-- `BENCH_RESULT {json}` (counts, latency percentiles, socket errors, the
-- first non-2xx answer) that bench/lottery.sh parses; the run fails on any
-- non-2xx answer or socket error.

local tokens_file = os.getenv("BENCH_TOKENS")
local campaign = os.getenv("BENCH_CAMPAIGN")
if not tokens_file or tokens_file == "" or not campaign or campaign == "" then
  io.stderr:write("wrk_draw.lua: BENCH_TOKENS and BENCH_CAMPAIGN must be set\n")
  os.exit(2)
end

local tokens = {}
for line in io.lines(tokens_file) do
  local t = line:match("^%d+%s+(%x+)%s*$")
  if t then tokens[#tokens + 1] = t end
end
if #tokens == 0 then
  io.stderr:write("wrk_draw.lua: no tokens in " .. tokens_file .. "\n")
  os.exit(2)
end

local path = "/api/member/lottery/" .. campaign .. "/draws"
local body = '{"entry":"free"}'
local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("thread_no", thread_no)
  table.insert(threads, thread)
end

function init(args)
  ok_2xx = 0
  non_2xx = 0
  first_bad = ""
  -- each thread walks the list from its own offset (thread k of n starts
  -- k/n of the way in), so two connections draw for the same member at the
  -- same time only when there are fewer members than connections
  local k = tonumber(wrk.thread:get("thread_no")) or 1
  local n = tonumber(os.getenv("BENCH_WRK_THREADS") or "1") or 1
  next_i = math.floor((k - 1) * #tokens / n)
end

function request()
  local t = tokens[(next_i % #tokens) + 1]
  next_i = next_i + 1
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. t,
  }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok_2xx = ok_2xx + 1
  else
    non_2xx = non_2xx + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

local function jstr(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local ok, bad, sample = 0, 0, ""
  for _, t in ipairs(threads) do
    ok = ok + t:get("ok_2xx")
    bad = bad + t:get("non_2xx")
    local fb = t:get("first_bad")
    if sample == "" and fb and fb ~= "" then sample = fb end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCH_RESULT {"duration_s":%.3f,"requests":%d,"ok_2xx":%d,"non_2xx":%d,' ..
    '"draws_per_s":%.1f,"lat_mean_ms":%.3f,"lat_p50_ms":%.3f,"lat_p90_ms":%.3f,' ..
    '"lat_p99_ms":%.3f,"lat_p999_ms":%.3f,"lat_max_ms":%.3f,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"first_non_2xx":%s}\n',
    secs, summary.requests, ok, bad, ok / secs,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, jstr(sample)))
end
