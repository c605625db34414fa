-- write.lua — wrk script for the durable small-write benchmark.
--
-- Every request is `POST /api/staff` with a bearer token and the body
--   {"name":"压测员工","store_id":1,"title":"bench"}
-- i.e. one staff insert + one audit row, acknowledged only after the commit
-- (and its fsync) that contains it.
--
-- Environment:
--   BENCH_TOKEN   session token from POST /api/auth/login (required)
--   BENCH_PATH    request path (default /api/staff)
--
-- Only 2xx answers count as successes. Each wrk thread counts 2xx and non-2xx
-- answers in response(); done() sums them over the threads and prints one
-- line `BENCH_RESULT {json}` that bench/run.sh parses. wrk's own "Requests/sec"
-- includes non-2xx answers, so run.sh uses ok_2xx / duration instead, and fails
-- the run when non_2xx > 0 or there were socket errors.

local token = os.getenv("BENCH_TOKEN")
if not token or token == "" then
  io.stderr:write("write.lua: BENCH_TOKEN is not set\n")
  os.exit(2)
end

wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/api/staff"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"name":"压测员工","store_id":1,"title":"bench"}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok_2xx = 0
  non_2xx = 0
  first_bad = ""
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
    '"writes_per_s":%.1f,"lat_mean_ms":%.3f,"lat_p50_ms":%.3f,"lat_p90_ms":%.3f,' ..
    '"lat_p99_ms":%.3f,"lat_p999_ms":%.3f,"lat_max_ms":%.3f,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"first_non_2xx":%s}\n',
    secs, summary.requests, ok, bad, ok / secs,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, jstr(sample)))
end
