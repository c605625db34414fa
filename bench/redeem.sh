#!/usr/bin/env bash
# bench/redeem.sh — counter redemption latency at a fixed rate over HTTP
# (SPEC §5: p99 < 5 ms at 5,000 redemptions/s), durable before the answer.
#
#   bash bench/redeem.sh
#
# The request is the staff app's redemption by coupon code, as store staff
# ba001 of the demo enterprise:
#
#   POST /api/counter/redemptions   Authorization: Bearer <token of ba001>
#   {"code":"<one of the seeded codes>","method":"coupon_code"}
#
# Each request redeems a different issued coupon: the handler checks the
# store, the brand and the coupon on a read connection, the writer flips the
# coupon (conditional UPDATE), inserts the redemption, the event and the audit
# row, and the answer 201 is sent only after the batch holding it is committed
# with synchronous=FULL (fsync). bench/rate.c sends at a constant rate (open
# loop, a timerfd tick per request) and measures each latency from the moment
# the request was due, so waiting for a free connection counts.
#
# Environment (defaults in brackets):
#   BENCH_RATE           redemptions per second [5000]
#   BENCH_SECONDS        measured seconds [10]
#   BENCH_WARMUP         seconds sent before measuring, not counted [2]
#   BENCH_CONNECTIONS    keep-alive connections [256]
#   BENCH_SERVER_THREADS server --threads [empty: the server's default]
#   BENCH_TMPDIR         where the temporary database lives [bench/results]
#   BENCH_BUILD          1: (re)build build-bench/huohua (Release) [1]
#   BENCH_BIN            use this huohua binary instead (no build)
#   BENCH_ENFORCE        1: exit 1 when p99 >= 5 ms or fewer answers than sent [0]
#   HUOHUA_SYNC          passed to the server: inline (the server's default) or apart
#   BENCH_BASELINE       1: the same load again against a server with batching
#                        off (--batch-max 1: one transaction and fsync per
#                        redemption), on a copy of the seeded database [1]
#
# Exits non-zero when anything fails: build, seeding, server start, login, a
# non-2xx answer, a socket error, or redemptions in the database differing
# from the 2xx answers.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

RATE="${BENCH_RATE:-5000}"
SECONDS_RUN="${BENCH_SECONDS:-10}"
WARMUP="${BENCH_WARMUP:-2}"
CONNS="${BENCH_CONNECTIONS:-256}"
SERVER_THREADS="${BENCH_SERVER_THREADS:-}"
TMPBASE="${BENCH_TMPDIR:-$root/bench/results}"
DO_BUILD="${BENCH_BUILD:-1}"
ENFORCE="${BENCH_ENFORCE:-0}"
BASELINE="${BENCH_BASELINE:-1}"
TARGET_P99_MS=5

build="$root/build-bench"
bin="${BENCH_BIN:-$build/huohua}"
results="$root/bench/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results" "$TMPBASE" "$build"

log() { printf '%s\n' "$*" >&2; }
die() { log "bench-redeem: FAIL: $*"; exit 1; }
jnum() { sed -n "s/.*\"$1\":\([-0-9.eE+]*\).*/\1/p" <<<"$2" | head -n1; }
metric() { awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }' "$2"; }
# CPU clock ticks (utime+stime) of the server, and of its writer thread (hh-writer)
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
writer_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = hh-writer ] && awk '{ print $14 + $15 }' "$t/stat" && return
  done
  echo 0
}

for tool in curl sqlite3 cc; do command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"; done
if [ "$DO_BUILD" = 1 ] && [ -z "${BENCH_BIN:-}" ]; then
  log "bench-redeem: building $bin (Release)"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHH_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" >/dev/null
fi
[ -x "$bin" ] || die "no binary at $bin (run with BENCH_BUILD=1)"
cc -O2 -Wall -o "$build/rate" "$root/bench/rate.c"

work="$(mktemp -d "$TMPBASE/tmp.XXXXXX")"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

fs_type="$(findmnt -n -o FSTYPE --target "$work" 2>/dev/null || echo unknown)"
case "$fs_type" in
  tmpfs|ramfs) log "bench-redeem: WARNING: $work is on $fs_type — fsync is free there" ;;
esac

# ---- seed: the demo enterprise and one issued coupon per request -----------

db="$work/redeem.db"
n="$(awk -v r="$RATE" -v s="$SECONDS_RUN" -v w="$WARMUP" 'BEGIN { printf "%d", r * (s + w) + 1 }')"
log "bench-redeem: seeding $n coupons in $db"
"$bin" demo --db "$db" --quiet >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; die "huohua demo failed"; }
now_ms="$(($(date +%s%N) / 1000000))"
# Codes: "BN" + 10 characters of the code alphabet (digits 0 and 1 spelt Z and Y).
sqlite3 "$db" <<SQL || die "seeding failed"
.timeout 5000
BEGIN;
INSERT INTO coupon_templates (enterprise_id, brand_id, name, kind, value_fen, validity, valid_days, claimable,
  created_at, updated_at) VALUES (1, 1, '压测券 bench', 'cash', 1000, 'relative', 30, 0, $now_ms, $now_ms);
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
INSERT INTO coupons (enterprise_id, template_id, code, source, status, valid_from, valid_to, issued_at)
SELECT 1, (SELECT max(id) FROM coupon_templates), 'BN' || replace(replace(printf('%010d', i), '0', 'Z'), '1', 'Y'),
       'admin', 'issued', $now_ms - 60000, $now_ms + 86400000, $now_ms FROM seq;
UPDATE coupon_templates SET issued = $n WHERE id = (SELECT max(id) FROM coupon_templates);
COMMIT;
SQL
sqlite3 "$db" "SELECT json_object('code', code, 'method', 'coupon_code') FROM coupons
               WHERE template_id = (SELECT max(id) FROM coupon_templates) ORDER BY id" >"$work/bodies.txt"
# the baseline redeems the same coupons in a copy taken before any is redeemed
[ "$BASELINE" = 1 ] && { sqlite3 "$db" ".timeout 5000" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; cp "$db" "$work/baseline.db"; }

# ---- one measured run: start a server on $1 with extra arguments, send, check --------
# Sets R_* for the report.
run_once() {
  local name="$1" dbfile="$2"; shift 2
  local args=(serve --db "$dbfile" --port 0 --listen 127.0.0.1 "$@")
  [ -n "$SERVER_THREADS" ] && args+=(--threads "$SERVER_THREADS")
  "$bin" "${args[@]}" >"$work/server-$name.log" 2>&1 &
  server_pid=$!
  local port="" url login token out res
  for _ in $(seq 1 300); do
    port="$(sed -n 's#^huohua listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$work/server-$name.log" | head -n1)"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server-$name.log" >&2; die "[$name] server exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || die "[$name] server did not start"
  url="http://127.0.0.1:$port"
  login="$(curl -sfS -X POST -H 'Content-Type: application/json' -d '{"login":"ba001","password":"huohua123"}' \
           "$url/api/auth/login")" || die "[$name] login failed"
  token="$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$login")"
  [ -n "$token" ] || die "[$name] no token in $login"

  curl -sfS "$url/metrics" >"$work/m0.txt"
  log "bench-redeem: [$name] ${RATE}/s for ${WARMUP}+${SECONDS_RUN} s over $CONNS connections"
  local cpu0 wcpu0 cpu1 wcpu1
  local t0 t1
  t0="$(date +%s.%N)"; cpu0="$(proc_ticks "$server_pid")"; wcpu0="$(writer_ticks "$server_pid")"
  out="$("$build/rate" -h 127.0.0.1 -p "$port" -P /api/counter/redemptions -t "$token" -r "$RATE" \
          -d "$SECONDS_RUN" -w "$WARMUP" -c "$CONNS" -f "$work/bodies.txt")" || die "[$name] load generator failed: $out"
  cpu1="$(proc_ticks "$server_pid")"; wcpu1="$(writer_ticks "$server_pid")"; t1="$(date +%s.%N)"
  curl -sfS "$url/metrics" >"$work/m1.txt"
  stop_server
  res="$(sed -n 's/^RATE_RESULT //p' <<<"$out")"
  [ -n "$res" ] || die "[$name] no result: $out"

  local ok bad sent redeemed hz
  ok="$(jnum ok_2xx "$res")"; bad="$(jnum non_2xx "$res")"; sent="$(jnum sent "$res")"
  redeemed="$(sqlite3 "$dbfile" ".timeout 5000" "SELECT count(*) FROM redemptions")"
  [ "$bad" = 0 ] || die "[$name] $bad non-2xx answers (see $work/server-$name.log)"
  [ "$redeemed" = "$sent" ] || die "[$name] $sent redemptions sent, $redeemed in the database"
  R_res="$res"; R_redeemed="$redeemed"
  R_commits=$(( $(metric huohua_store_commits_total "$work/m1.txt") - $(metric huohua_store_commits_total "$work/m0.txt") ))
  R_commands=$(( $(metric huohua_store_commands_total "$work/m1.txt") - $(metric huohua_store_commands_total "$work/m0.txt") ))
  # fsyncs of the log by the completion thread (--sync apart); inline, each commit is one
  R_syncs=$(( $(metric huohua_store_syncs_total "$work/m1.txt") - $(metric huohua_store_syncs_total "$work/m0.txt") ))
  [ "$R_syncs" = 0 ] && R_syncs="$R_commits"
  hz="$(getconf CLK_TCK)"
  R_us_all="$(awk -v a="$cpu0" -v b="$cpu1" -v n="$sent" -v hz="$hz" 'BEGIN { printf "%.0f", n ? (b - a) / hz * 1e6 / n : 0 }')"
  R_us_writer="$(awk -v a="$wcpu0" -v b="$wcpu1" -v n="$sent" -v hz="$hz" 'BEGIN { printf "%.0f", n ? (b - a) / hz * 1e6 / n : 0 }')"
  R_commit_s="$(awk -v a="$(metric huohua_store_commit_seconds_sum "$work/m0.txt")" \
    -v b="$(metric huohua_store_commit_seconds_sum "$work/m1.txt")" \
    -v d="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 'BEGIN { printf "%.2f", (b - a) / d }')"
}

row() {
  printf '%-12s %8s %8s %10s %8s %8s %8s %8s %9s %9s %7s %8s %8s %7s\n' "$1" "$RATE" "$CONNS" \
    "$(jnum achieved_per_s "$R_res")" "$(jnum p50_ms "$R_res")" "$(jnum p90_ms "$R_res")" "$(jnum p99_ms "$R_res")" \
    "$(jnum max_ms "$R_res")" "$R_commits" "$R_syncs" "$(awk -v a="$R_commands" -v b="$R_commits" 'BEGIN { printf "%.1f", b ? a / b : 0 }')" \
    "$R_us_all" "$R_us_writer" "$R_commit_s"
}
row_json() {
  printf '{"commits":%s,"fsyncs":%s,"commands":%s,"server_cpu_us_per_redemption":%s,"writer_cpu_us_per_redemption":%s,"writer_busy_s_per_s":%s,"result":%s}' \
    "$R_commits" "$R_syncs" "$R_commands" "$R_us_all" "$R_us_writer" "$R_commit_s" "$R_res"
}

run_once huohua "$db"
main_row="$(row huohua)"; main_json="$(row_json)"; p99="$(jnum p99_ms "$R_res")"; redeemed="$R_redeemed"
base_row=""; base_json="null"; base_p99=""
if [ "$BASELINE" = 1 ]; then
  run_once batching-off "$work/baseline.db" --batch-max 1
  base_row="$(row batching-off)"; base_json="$(row_json)"; base_p99="$(jnum p99_ms "$R_res")"
fi

# ---- report -------------------------------------------------------------------------

printf '\n%-12s %8s %8s %10s %8s %8s %8s %8s %9s %9s %7s %8s %8s %7s\n' system rate/s conns achieved p50-ms p90-ms \
  p99-ms max-ms commits fsyncs batch us/red writ-us busy
printf '%s\n' "$main_row"
[ -n "$base_row" ] && printf '%s\n' "$base_row"
printf '\ncolumns : us/red = server CPU microseconds per redemption, writ-us = of which the writer thread;\n'
printf '          fsyncs = of the log (--sync apart: by the completion thread, one often covers several commits);\n'
printf '          busy = seconds per second the writer spent running and committing batches (and fsyncing, inline)\n'
[ -n "$base_p99" ] && printf 'ratio   : p99 batching off / huohua = %s\n' \
  "$(awk -v a="$base_p99" -v b="$p99" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')"
printf 'check   : redeemed %s coupons, each once (database = 2xx answers)\n' "$redeemed"
printf 'target  : p99 %s ms at %s/s (target < %s ms: %s)\n' "$p99" "$RATE" "$TARGET_P99_MS" \
  "$(awk -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN { print (p < t) ? "met" : "MISSED" }')"

json="{\"bench\":\"redeem\",\"at\":\"$stamp\",\"cpu\":\"$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)\",\"ncpu\":$(nproc),\"fs\":\"$fs_type\",\"huohua\":$main_json,\"batching_off\":$base_json}"
printf '%s\n' "$json" >"$results/redeem-$stamp.json"
log "bench-redeem: wrote bench/results/redeem-$stamp.json"
if [ "$ENFORCE" = 1 ] && awk -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN { exit !(p >= t) }'; then
  die "p99 $p99 ms >= $TARGET_P99_MS ms"
fi
