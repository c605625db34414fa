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

-- the counting and the BENCH_RESULT line: report.lua, beside this script
rate_key = "writes_per_s"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

function setup(thread)
  table.insert(report_threads, thread)
end

function init(args)
  report_init()
end
