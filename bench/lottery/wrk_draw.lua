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
-- Only answers with a status below 400 count as draws (the draw answers 201
-- or an error; wrk counts statuses >= 400 itself, so no answer is handed to
-- Lua). done() prints one line `BENCH_RESULT {json}` (counts, latency
-- percentiles, socket errors) that bench/lottery.sh parses; the run fails on
-- any error answer or socket error, and the script shows the first ones from
-- the server's access log.

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
local thread_no = 0

-- the counting and the BENCH_RESULT line: bench/wrk/report.lua (from wrk's
-- own status counts: no answer is handed to Lua, see report_status_only)
rate_key = "draws_per_s"
report_status_only = true
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk/report.lua")

function setup(thread)
  thread_no = thread_no + 1
  thread:set("thread_no", thread_no)
  table.insert(report_threads, thread)
end

function init(args)
  report_init()
  -- each thread walks the list from its own offset (thread k of n starts
  -- k/n of the way in), so two connections draw for the same member at the
  -- same time only when there are fewer members than connections. The
  -- requests are formatted once here: request() only hands the next one out.
  local k = tonumber(wrk.thread:get("thread_no")) or 1
  local n = tonumber(os.getenv("BENCH_WRK_THREADS") or "1") or 1
  next_i = math.floor((k - 1) * #tokens / n)
  reqs = {}
  for i, t in ipairs(tokens) do
    reqs[i] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. t,
    }, body)
  end
end

function request()
  local q = reqs[(next_i % #reqs) + 1]
  next_i = next_i + 1
  return q
end
