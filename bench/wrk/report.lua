-- report.lua — what the wrk scripts of bench/ share: counting 2xx and non-2xx
-- answers per thread, and one line `BENCH_RESULT {json}` at the end (counts,
-- latency percentiles, socket errors, the first non-2xx answer) for the
-- bench scripts to parse.
--
-- A script loads it with dofile() (see bench_dir below), names its rate
-- (`rate_key`, e.g. "writes_per_s"), adds each thread to `report_threads` in
-- its setup() and calls report_init() in its init().
--
-- A script that sets `report_status_only = true` before the dofile() gets no
-- response() callback: wrk then hands no answer to Lua (for each answer it
-- would build a table of its headers and copy its body, which costs the load
-- generator about as much CPU as a small request costs the server). 2xx and
-- non-2xx are then counted from wrk's own summary (every answer, less those
-- with a status >= 400, which wrk counts as errors.status), and the line
-- carries no sample of a bad answer (the server's log has them).

report_threads = {}

function report_init()
  ok_2xx = 0
  non_2xx = 0
  first_bad = ""
end

local function count_response(status, headers, body)
  if status >= 200 and status < 300 then
    ok_2xx = ok_2xx + 1
  else
    non_2xx = non_2xx + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

if not report_status_only then response = count_response end

local function jstr(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local ok, bad, sample = 0, 0, ""
  for _, t in ipairs(report_threads) do
    ok = ok + t:get("ok_2xx")
    bad = bad + t:get("non_2xx")
    local fb = t:get("first_bad")
    if sample == "" and fb and fb ~= "" then sample = fb end
  end
  local e = summary.errors
  if report_status_only then
    ok, bad, sample = summary.requests - e.status, e.status, ""
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCH_RESULT {"duration_s":%.3f,"requests":%d,"ok_2xx":%d,"non_2xx":%d,' ..
    '"%s":%.1f,"lat_mean_ms":%.3f,"lat_p50_ms":%.3f,"lat_p90_ms":%.3f,' ..
    '"lat_p99_ms":%.3f,"lat_p999_ms":%.3f,"lat_max_ms":%.3f,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"first_non_2xx":%s}\n',
    secs, summary.requests, ok, bad, rate_key or "ok_per_s", ok / secs,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, jstr(sample)))
end
