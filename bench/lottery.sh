#!/usr/bin/env bash
# bench/lottery.sh — durable lottery draws, in one run, against Huohua over
# HTTP and two baselines started here on the same disk (SPEC.md §5):
#   huohua    POST /api/member/lottery/{campaign}/draws {"entry":"free"} with
#             member bearer tokens (wrk, bench/lottery/wrk_draw.lua); answered
#             after the SQLite commit holding the draw is fsynced
#   postgres  one transaction per draw with the prize rows locked
#             (SELECT … FOR UPDATE, pick by weight, decrement, insert the draw),
#             fsync = on, synchronous_commit = on (pgbench, lottery/pg_draw.sql)
#   redis     a Lua stock script per draw (EVALSHA: pick by weight, decrement
#             stock if > 0, append the draw record), appendonly yes +
#             appendfsync always (redis-benchmark in chunks, lottery/redis_draw.lua)
# and one fsync's latency on the same disk. See bench/README.md, "Lottery draws".
#
#   bash bench/lottery.sh
#
# Environment (defaults in brackets):
#   BENCH_SECONDS      measured seconds per system [15]
#   BENCH_WARMUP       uncounted warm-up seconds before each measured run [2]
#   BENCH_CONNECTIONS  concurrent clients / connections, all three systems [64]
#   BENCH_WRK_THREADS  threads of the load generators (wrk -t, pgbench -j,
#                      redis-benchmark --threads) [2]
#   BENCH_MEMBERS      members drawing (Huohua: members with sessions; the
#                      baselines: member ids drawn at random) [10000]
#   BENCH_STOCK        stock of each of the three prizes [10000000]
#   BENCH_FULFILMENT   how Huohua's winners get their prize: mail (the member
#                      gives an address later) or counter (a prize coupon is
#                      issued with the draw) [mail]
#   BENCH_SYSTEMS      which systems to run ["huohua postgres redis"]; also
#                      "postgres-fn": the same PostgreSQL draw as one call of a
#                      server-side function (one round trip instead of five)
#   BENCH_TMPDIR       where the databases live and fsync is measured [bench/results]
#   BENCH_BUILD        1: (re)build build-bench/huohua (Release); 0: use as is [1]
#   BENCH_BIN          benchmark this huohua binary instead (no build)
#   HUOHUA_SYNC        passed to the server: inline (the server's default), where
#                      each COMMIT fsyncs the log itself, or apart, where a
#                      thread of its own does (see bench/README.md)
#   BENCH_KEEP         1: keep the temporary directory (databases, logs) [0]
#   BENCH_ENFORCE      1: exit 1 when a target (Huohua >= 10x PostgreSQL,
#                      >= 1x Redis) is missed [0]
#
# Exits non-zero when anything fails: an install, the build, a server start,
# a non-2xx answer or socket error or failed transaction during a measured
# run, or a stock check after it (stock taken != wins recorded, or oversold).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

SECS="${BENCH_SECONDS:-15}"
WARMUP="${BENCH_WARMUP:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
GEN_THREADS="${BENCH_WRK_THREADS:-2}"
MEMBERS="${BENCH_MEMBERS:-10000}"
STOCK="${BENCH_STOCK:-10000000}"
FULFILMENT="${BENCH_FULFILMENT:-mail}"
SYSTEMS="${BENCH_SYSTEMS-huohua postgres redis}"
TMPBASE="${BENCH_TMPDIR:-$root/bench/results}"
DO_BUILD="${BENCH_BUILD:-1}"
KEEP="${BENCH_KEEP:-0}"
ENFORCE="${BENCH_ENFORCE:-0}"
TARGET_PG=10   # Huohua >= 10x PostgreSQL
TARGET_REDIS=1 # Huohua >= 1x Redis

# The prize pool, the same for all three systems: three prizes with large
# stock (BENCH_STOCK each) and a no-prize outcome, by weight out of 100.
W1=5 W2=15 W3=30 W_NONE=50
W_TOTAL=$((W1 + W2 + W3 + W_NONE))

build="$root/build-bench"
bin="${BENCH_BIN:-$build/huohua}"
results="$root/bench/results"
lot="$root/bench/lottery"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results" "$TMPBASE"

log() { printf '%s\n' "$*" >&2; }
die() { log "lottery: FAIL: $*"; exit 1; }
has() { case " $SYSTEMS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---- prerequisites -------------------------------------------------------
# The baselines' servers are bench-only dependencies: installed here, not by
# scripts/install-deps.sh.

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v jq >/dev/null 2>&1 || need_pkgs+=(jq)
command -v sqlite3 >/dev/null 2>&1 || need_pkgs+=(sqlite3)
command -v cc >/dev/null 2>&1 || need_pkgs+=(build-essential)
command -v cmake >/dev/null 2>&1 || need_pkgs+=(cmake)
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
if has postgres || has postgres-fn; then
  { [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/postgres" ] && command -v pgbench >/dev/null 2>&1; } ||
    need_pkgs+=(postgresql postgresql-contrib)
fi
if has redis; then
  command -v redis-server >/dev/null 2>&1 || need_pkgs+=(redis-server)
  command -v redis-benchmark >/dev/null 2>&1 || need_pkgs+=(redis-tools)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "lottery: installing ${need_pkgs[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null ||
    die "apt-get install ${need_pkgs[*]} failed"
fi
if has postgres || has postgres-fn; then
  pgbin="$(pg_bindir)"
  [ -x "$pgbin/postgres" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  PGBENCH="$pgbin/pgbench"; [ -x "$PGBENCH" ] || PGBENCH="$(command -v pgbench)"
fi

if has huohua; then
  if [ "$DO_BUILD" = 1 ] && [ -z "${BENCH_BIN:-}" ]; then
    log "lottery: building $bin (Release)"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHH_TESTS=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)" >/dev/null
  fi
  [ -x "$bin" ] || die "no binary at $bin (run with BENCH_BUILD=1)"
  # (no `routes | grep -q`: with pipefail, grep's early exit fails the pipe)
  grep -q '^POST *\/api\/member\/lottery\/{[a-z_]*}\/draws$' <<<"$("$bin" routes)" ||
    die "$bin has no POST /api/member/lottery/{campaign_id}/draws (leave huohua out with BENCH_SYSTEMS=\"postgres redis\")"
fi
mkdir -p "$build"
cc -O2 -o "$build/fsync_cost" "$root/bench/fsync_cost.c"

# ---- temporary state, cleaned up on exit ---------------------------------

work="$(mktemp -d "$TMPBASE/lottery.XXXXXX")"
chmod 755 "$work"
server_pid=""   # huohua or redis-server
pg_data=""      # a running PostgreSQL cluster's data directory
pg_user=""      # the user it runs as ("" = this user)
as_pg() { if [ -n "$pg_user" ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
stop_pg() {
  if [ -n "$pg_data" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  pg_data=""
}
cleanup() {
  stop_server
  stop_pg
  if [ "$KEEP" = 1 ]; then log "lottery: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- helpers ---------------------------------------------------------------

# jnum KEY JSON — a numeric field of a flat JSON object (first match).
jnum() { sed -n "s/.*\"$1\":\([-0-9.eE+]*\).*/\1/p" <<<"$2" | head -n1; }
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
# route_count FILE CLASS — the server's answers to the draw route with status
# class CLASS (a regex for the first digit) in a /metrics dump.
route_count() {
  awk -v c="$2" '$1 ~ "^huohua_http_requests_total\\{route=\"/api/member/lottery/\\{id\\}/draws\",method=\"POST\",status=\"" c "xx\"\\}$" { s += $2 }
    END { print s + 0 }' "$1"
}
# metric NAME FILE — value of an unlabelled Prometheus sample.
metric() { awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }' "$2"; }
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { if (v == "" || v == "n/a") print "n/a"; else printf "%.*f", d, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
# proc_ticks PID — utime+stime of a process and of its reaped children, in
# clock ticks (PostgreSQL's backends are children of the postmaster).
proc_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
# writer_ticks PID — utime+stime of Huohua's writer thread (hh-writer).
writer_ticks() {
  local t sum=0
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = hh-writer ] || continue
    sum=$((sum + $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
# tree_ticks PID — proc_ticks of PID plus utime+stime of its live children.
tree_ticks() {
  local sum c
  sum="$(proc_ticks "$1")"
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
sys_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t }' /proc/stat; }
# child_cpu FILE — CPU seconds of this shell's finished children, from `times`
child_cpu() {
  tail -n1 "$1" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } print t }'
}
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free TCP port found"
}
# percentiles FILE — p50 and p99 (ms) of a file of latencies in microseconds
percentiles() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a n/a"; exit }
    i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
    printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }'
}

declare -A R   # R[system.field]
ran=()

# measure_begin PID_FN / measure_end: CPU of the server (tree), of this
# shell's children (the load generator) and of the whole machine.
measure_begin() {
  times >"$work/times.0"
  M_gen0="$(child_cpu "$work/times.0")"
  M_srv0="$($1)"
  M_sys0="$(sys_ticks)"
}
measure_end() { # SYSTEM PID_FN SECONDS DRAWS
  local srv1 sys1 gen1 hz
  srv1="$($2)"; sys1="$(sys_ticks)"
  times >"$work/times.1"; gen1="$(child_cpu "$work/times.1")"
  hz="$(getconf CLK_TCK)"
  R[$1.srv_cpu]="$(calc "($srv1 - $M_srv0) / $hz / $3")"
  R[$1.us_per_draw]="$(calc "1e6 * ($srv1 - $M_srv0) / $hz / $4")"
  R[$1.gen_cpu]="$(calc "($gen1 - $M_gen0) / $3")"
  R[$1.idle]="$(calc "100 * (${sys1% *} - ${M_sys0% *}) / (${sys1#* } - ${M_sys0#* })")"
  R[$1.oth_cpu]="$(calc "$(nproc) * (1 - ${R[$1.idle]} / 100) - ${R[$1.srv_cpu]} - ${R[$1.gen_cpu]}")"
}

fs_type="$(findmnt -n -o FSTYPE --target "$work" 2>/dev/null || stat -f -c %T "$work" 2>/dev/null || echo unknown)"
case "$fs_type" in
  tmpfs|ramfs) log "lottery: WARNING: $work is on $fs_type — fsync is free there, these are not durable numbers" ;;
esac

# ---- machine and fsync cost ------------------------------------------------

s0="$(sys_ticks)"; sleep 1; s1="$(sys_ticks)"
idle_before="$(awk "BEGIN { printf \"%.0f\", 100 * (${s1% *} - ${s0% *}) / (${s1#* } - ${s0#* }) }")"
if awk -v i="$idle_before" 'BEGIN { exit !(i < 90) }'; then
  log "lottery: WARNING: the machine is only ${idle_before}% idle before the benchmark — other jobs will lower the numbers"
fi
ncpu="$(nproc)"
cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
[ -n "$cpu_model" ] || cpu_model="$(uname -m)"
mem_gb="$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
fs_dev="$(df -P "$work" | awk 'NR == 2 { print $1 }')"

log "lottery: measuring fsync cost in $work ($fs_type on $fs_dev)"
fsync_json="$("$build/fsync_cost" "$work" 2)"
fsync_ow="$(sed 's/.*"overwrite":\({[^}]*}\).*/\1/' <<<"$fsync_json")"
fsync_ap="$(sed 's/.*"append":\({[^}]*}\).*/\1/' <<<"$fsync_json")"

# ---- Huohua ------------------------------------------------------------------

run_huohua() {
  local dir="$work/huohua" db url port i
  mkdir -p "$dir"
  db="$dir/huohua.db"
  log "lottery: [huohua] seeding $db (demo, $MEMBERS members with sessions)"
  "$bin" demo --db "$db" --quiet >"$dir/demo.log" 2>&1 || { cat "$dir/demo.log" >&2; die "[huohua] huohua demo failed"; }
  "$bin" bench-members "$MEMBERS" --db "$db" >"$dir/tokens.txt" 2>"$dir/members.log" ||
    { cat "$dir/members.log" >&2; die "[huohua] huohua bench-members failed"; }

  "$bin" serve --db "$db" --port 0 --listen 127.0.0.1 >"$dir/server.log" 2>&1 &
  server_pid=$!
  port=""
  for i in $(seq 1 300); do
    port="$(sed -n 's#^huohua listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$dir/server.log" | head -n1)"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "[huohua] server exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$dir/server.log" >&2; die "[huohua] server did not start"; }
  url="http://127.0.0.1:$port"

  # the campaign and its prize pool, through the API as an admin would
  local token campaign now api
  token="$(curl -sfS -X POST -H 'Content-Type: application/json' \
           -d '{"login":"admin","password":"huohua123"}' "$url/api/auth/login" | jq -r .token)" ||
    die "[huohua] login failed"
  api() { # METHOD PATH [BODY] — the answer; dies on a non-2xx
    local out code
    out="$(curl -sS -o "$dir/api.out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" \
           -H 'Content-Type: application/json' ${3:+-d "$3"} "$url$2")" || die "[huohua] $1 $2: curl failed"
    code="$out"
    [ "${code:0:1}" = 2 ] || die "[huohua] $1 $2 answered $code: $(cat "$dir/api.out")"
    cat "$dir/api.out"
  }
  now=$(($(date +%s) * 1000))
  # free draws per member per day: enough that no member runs out during the run
  campaign="$(api POST /api/campaigns "$(jq -nc --argjson s $((now - 60000)) --argjson e $((now + 86400000)) \
    '{brand_id: 1, name: "压测抽奖 lottery bench", starts_at: $s, ends_at: $e, free_draws_per_day: 1000}')" | jq -r .id)"
  local p
  for p in "一等奖 first:$W1" "二等奖 second:$W2" "三等奖 third:$W3"; do
    api POST "/api/campaigns/$campaign/prizes" "$(jq -nc --arg n "${p%%:*}" --argjson w "${p##*:}" --argjson s "$STOCK" \
      --arg f "$FULFILMENT" '{name: $n, stock: $s, weight: $w, fulfilment: $f}')" >/dev/null
  done
  api PUT "/api/campaigns/$campaign/lottery-pool" \
    "$(jq -nc --argjson w "$W_NONE" '{no_prize_weight: $w, no_prize_label: "谢谢参与"}')" >/dev/null
  api POST "/api/campaigns/$campaign/publish" >/dev/null

  local out res
  export BENCH_TOKENS="$dir/tokens.txt" BENCH_CAMPAIGN="$campaign" BENCH_WRK_THREADS="$GEN_THREADS"
  if [ "$WARMUP" != 0 ]; then
    log "lottery: [huohua] warm-up ${WARMUP}s"
    out="$(wrk -t"$GEN_THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$lot/wrk_draw.lua" "$url")" || die "[huohua] wrk warm-up failed"
    res="$(sed -n 's/^BENCH_RESULT //p' <<<"$out")"
    [ "$(jnum non_2xx "$res")" = 0 ] || { log "$out"; die "[huohua] non-2xx answers during warm-up"; }
  fi
  log "lottery: [huohua] wrk -t$GEN_THREADS -c$CONNS -d${SECS}s POST /api/member/lottery/$campaign/draws"
  curl -sfS "$url/metrics" >"$dir/metrics.before" || die "[huohua] /metrics failed"
  local wt0 wt1
  wt0="$(writer_ticks "$server_pid")"
  measure_begin "proc_ticks $server_pid"
  out="$(wrk -t"$GEN_THREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$lot/wrk_draw.lua" "$url")" ||
    { log "$out"; die "[huohua] wrk failed"; }
  wt1="$(writer_ticks "$server_pid")"
  curl -sfS "$url/metrics" >"$dir/metrics.after" || die "[huohua] /metrics failed"
  printf '%s\n' "$out" >"$dir/wrk.txt"
  res="$(sed -n 's/^BENCH_RESULT //p' <<<"$out")"
  [ -n "$res" ] || { log "$out"; die "[huohua] no BENCH_RESULT line from wrk"; }
  local ok dur serr
  ok="$(jnum ok_2xx "$res")"; dur="$(jnum duration_s "$res")"
  measure_end huohua "proc_ticks $server_pid" "$dur" "$ok"
  serr="$(calc "$(jnum connect "$res") + $(jnum read "$res") + $(jnum write "$res") + $(jnum timeout "$res")")"
  [ "$(jnum non_2xx "$res")" = 0 ] ||
    { log "$out"; grep -m3 '"status":[45]' "$db.access.log" >&2 || true
      die "[huohua] $(jnum non_2xx "$res") answers with a status >= 400 (the first ones from the access log above)"; }
  [ "$serr" = 0 ] || { log "$out"; die "[huohua] $serr socket errors"; }
  [ "$ok" -gt 0 ] || die "[huohua] no successful draws"
  stop_server
  # group commit, from /metrics: transactions, fsyncs of the log (by the
  # completion thread; with --sync inline each commit is one) and draws per commit
  local a="$dir/metrics.after" b="$dir/metrics.before" dc ds
  dc="$(calc "$(metric huohua_store_commits_total "$a") - $(metric huohua_store_commits_total "$b")")"
  ds="$(calc "$(metric huohua_store_syncs_total "$a") - $(metric huohua_store_syncs_total "$b")")"
  [ "$ds" = 0 ] && ds="$dc"
  [ "$(calc "$(metric huohua_store_failed_commits_total "$a") - $(metric huohua_store_failed_commits_total "$b")")" = 0 ] ||
    die "[huohua] failed commits during the run"
  R[huohua.commits_per_s]="$(calc "$dc / $dur")"
  R[huohua.fsyncs_per_s]="$(calc "$ds / $dur")"
  # writes to the log per commit (store/walbuf.c; 0 from a binary without the metric)
  R[huohua.log_writes]="$(calc "($(metric huohua_store_log_writes_total "$a") - $(metric huohua_store_log_writes_total "$b")) / $dc")"
  R[huohua.writer_us_per_draw]="$(calc "1e6 * ($wt1 - $wt0) / $(getconf CLK_TCK) / $ok")"
  R[huohua.writer_cpu]="$(calc "($wt1 - $wt0) / $(getconf CLK_TCK) / $dur")"
  # the server's own count of answers to the draw route agrees with wrk's
  local s2xx sbad
  s2xx="$(calc "$(route_count "$a" 2) - $(route_count "$b" 2)")"
  sbad="$(calc "$(route_count "$a" '[^2]') - $(route_count "$b" '[^2]')")"
  [ "$sbad" = 0 ] || die "[huohua] the server answered $sbad non-2xx draws"
  awk -v s="$s2xx" -v w="$ok" 'BEGIN { exit !(s >= w) }' || die "[huohua] server counted $s2xx 2xx draws, wrk $ok"
  local bsum bcnt
  bsum="$(calc "$(metric huohua_store_batch_size_sum "$a") - $(metric huohua_store_batch_size_sum "$b")")"
  bcnt="$(calc "$(metric huohua_store_batch_size_count "$a") - $(metric huohua_store_batch_size_count "$b")")"
  R[huohua.batch]="$(calc "$bsum / $bcnt")"

  # stock check on the database itself: per prize, stock taken = wins recorded
  local bad draws
  bad="$(sqlite3 "$db" "SELECT count(*) FROM lottery_prizes p WHERE p.campaign_id = $campaign AND
           (p.remaining < 0 OR p.stock - p.remaining <> (SELECT count(*) FROM lottery_draws d WHERE d.prize_id = p.id))")"
  [ "$bad" = 0 ] || die "[huohua] stock check failed: $bad prize(s) whose stock taken differs from the wins recorded"
  draws="$(sqlite3 "$db" "SELECT count(*) FROM lottery_draws WHERE campaign_id = $campaign")"
  awk -v d="$draws" -v w="$ok" 'BEGIN { exit !(d >= w) }' || die "[huohua] $draws draws stored, wrk counted $ok answers"
  # and Huohua's own verifier: every stored draw replayed from the seed
  "$bin" lottery verify "$campaign" --db "$db" >"$dir/verify.txt" 2>&1 ||
    { cat "$dir/verify.txt" >&2; die "[huohua] huohua lottery verify $campaign failed"; }
  R[huohua.verify]="$(tail -n1 "$dir/verify.txt")"
  R[huohua.draws]="$ok"
  R[huohua.dur]="$dur"
  R[huohua.dps]="$(calc "$ok / $dur")"
  R[huohua.p50]="$(jnum lat_p50_ms "$res")"
  R[huohua.p99]="$(jnum lat_p99_ms "$res")"
  R[huohua.p999]="$(jnum lat_p999_ms "$res")"
  R[huohua.wins]="$(sqlite3 "$db" "SELECT count(*) FROM lottery_draws WHERE campaign_id = $campaign AND prize_id IS NOT NULL")"
  R[huohua.stored]="$draws"
  ran+=(huohua)
}

# ---- PostgreSQL ----------------------------------------------------------------

run_postgres() { # NAME PGBENCH_SCRIPT
  local name="$1" script="$2"
  local dir="$work/$name" port
  mkdir -p "$dir"
  # PostgreSQL refuses to run as root: run it as the postgres user then
  pg_user=""
  if [ "$(id -u)" -eq 0 ]; then
    pg_user=postgres
    id postgres >/dev/null 2>&1 || die "[$name] running as root and there is no postgres user"
    chown "$pg_user" "$dir"
  fi
  pg_data="$dir/data"
  log "lottery: [$name] initdb $pg_data ($("$pgbin/postgres" --version))"
  as_pg "$pgbin/initdb" -D "$pg_data" -U bench -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; pg_data=""; die "[$name] initdb failed"; }
  port="$(free_port)"
  # no TCP at all: a Unix socket in $dir; durability settings spelled out
  as_pg "$pgbin/pg_ctl" -D "$pg_data" -l "$dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=$((CONNS + 20)) -c shared_buffers=256MB" \
    start >/dev/null || { cat "$dir/postgres.log" >&2; die "[$name] server did not start"; }
  local pid settings
  pid="$(head -n1 "$pg_data/postmaster.pid")"
  local P=(-h "$dir" -p "$port" -U bench)
  psql "${P[@]}" -d postgres -qAtc "CREATE DATABASE lottery" >/dev/null || die "[$name] createdb failed"
  psql "${P[@]}" -d lottery -q -v ON_ERROR_STOP=1 -v campaign=1 -v stock="$STOCK" -v w1="$W1" -v w2="$W2" -v w3="$W3" \
    -f "$lot/pg_schema.sql" >/dev/null || die "[$name] schema failed"
  settings="$(psql "${P[@]}" -d lottery -qAtc "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
                WHERE name IN ('fsync','synchronous_commit','wal_sync_method','full_page_writes','commit_delay')")"
  case " $settings " in *" fsync=on "*) ;; *) die "[$name] fsync is not on: $settings" ;; esac
  case " $settings " in *" synchronous_commit=on "*) ;; *) die "[$name] synchronous_commit is not on: $settings" ;; esac
  R[$name.settings]="$settings"

  local pgb=("$PGBENCH" "${P[@]}" -n -M prepared -c "$CONNS" -j "$GEN_THREADS" -f "$script"
             -D campaign=1 -D members="$MEMBERS" -D total="$W_TOTAL")
  if [ "$WARMUP" != 0 ]; then
    log "lottery: [$name] warm-up ${WARMUP}s"
    "${pgb[@]}" -T "$WARMUP" lottery >"$dir/warmup.txt" 2>&1 || { cat "$dir/warmup.txt" >&2; die "[$name] pgbench warm-up failed"; }
  fi
  psql "${P[@]}" -d lottery -qAtc "CHECKPOINT" >/dev/null
  local before
  before="$(psql "${P[@]}" -d lottery -qAtc "SELECT count(*) FROM draws")"
  log "lottery: [$name] pgbench -c$CONNS -j$GEN_THREADS -T$SECS -M prepared -f $(basename "$script")"
  mkdir -p "$dir/log"
  measure_begin "tree_ticks $pid"
  (cd "$dir/log" && "${pgb[@]}" -T "$SECS" -l --log-prefix=draw lottery) >"$dir/pgbench.txt" 2>&1 ||
    { cat "$dir/pgbench.txt" >&2; die "[$name] pgbench failed"; }
  sleep 0.3 # the backends exit after pgbench disconnects: their CPU lands in the postmaster's
  local n tps failed dur
  n="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$dir/pgbench.txt")"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$dir/pgbench.txt")"
  tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$dir/pgbench.txt")"
  [ -n "$n" ] && [ -n "$tps" ] || { cat "$dir/pgbench.txt" >&2; die "[$name] cannot read pgbench's summary"; }
  [ "${failed:-0}" = 0 ] || { cat "$dir/pgbench.txt" >&2; die "[$name] $failed failed transactions"; }
  dur="$(calc "$n / $tps")"
  measure_end "$name" "tree_ticks $pid" "$dur" "$n"
  cat "$dir"/log/draw.* | awk '{ print $3 }' >"$dir/latency_us.txt"
  local pct
  pct="$(percentiles "$dir/latency_us.txt")"

  local bad after
  bad="$(psql "${P[@]}" -d lottery -qAtc "SELECT count(*) FROM prizes p WHERE p.remaining < 0 OR
           p.stock - p.remaining <> (SELECT count(*) FROM draws d WHERE d.prize_id = p.id)")"
  [ "$bad" = 0 ] || die "[$name] stock check failed on $bad prize(s)"
  after="$(psql "${P[@]}" -d lottery -qAtc "SELECT count(*) FROM draws")"
  [ $((after - before)) = "$n" ] || die "[$name] $((after - before)) draws stored, pgbench counted $n"
  R[$name.wins]="$(psql "${P[@]}" -d lottery -qAtc "SELECT count(*) FROM draws WHERE prize_id IS NOT NULL")"
  R[$name.stored]="$after"
  stop_pg
  R[$name.draws]="$n"
  R[$name.dur]="$dur"
  R[$name.dps]="$tps"
  R[$name.p50]="${pct% *}"
  R[$name.p99]="${pct#* }"
  ran+=("$name")
}

# ---- Redis -------------------------------------------------------------------------

run_redis() {
  local dir="$work/redis" port
  mkdir -p "$dir"
  port="$(free_port)"
  log "lottery: [redis] $(redis-server --version | awk '{ print $3 }') on 127.0.0.1:$port, appendonly yes, appendfsync always"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --appendfsync always \
    --save '' --daemonize no --logfile "$dir/redis.log" --protected-mode yes >/dev/null 2>&1 &
  server_pid=$!
  local rc=(redis-cli -h 127.0.0.1 -p "$port") i
  for i in $(seq 1 100); do
    [ "$("${rc[@]}" PING 2>/dev/null)" = PONG ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/redis.log" >&2; die "[redis] server exited"; }
    sleep 0.1
  done
  [ "$("${rc[@]}" CONFIG GET appendfsync | tail -n1)" = always ] || die "[redis] appendfsync is not always"
  [ "$("${rc[@]}" CONFIG GET appendonly | tail -n1)" = yes ] || die "[redis] appendonly is not yes"
  local kw=lottery:1:weights ks=lottery:1:stock kd=lottery:1:draws sha
  "${rc[@]}" HSET "$kw" 1 "$W1" 2 "$W2" 3 "$W3" none "$W_NONE" >/dev/null
  "${rc[@]}" HSET "$ks" 1 "$STOCK" 2 "$STOCK" 3 "$STOCK" >/dev/null
  sha="$("${rc[@]}" SCRIPT LOAD "$(cat "$lot/redis_draw.lua")")"
  [ ${#sha} = 40 ] || die "[redis] SCRIPT LOAD failed: $sha"
  local rb=(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNS" --threads "$GEN_THREADS" -r 1000000000 --csv)
  # (options before the command: redis-benchmark stops reading them there; it
  # exits non-zero on the first error reply)
  local cmd=(EVALSHA "$sha" 3 "$kw" "$ks" "$kd" __rand_int__ __rand_int__ "$MEMBERS")
  # redis-benchmark runs a number of requests, not a duration. The measured
  # run is a series of chunks, each sized from the rate of the one before to
  # last about a fifth of BENCH_SECONDS, until BENCH_SECONDS have passed: a
  # rate misjudged on a busy machine cannot make the run much shorter or
  # longer than the other systems'.
  local rate n
  log "lottery: [redis] warm-up"
  "${rb[@]}" -n 20000 "${cmd[@]}" >"$dir/warmup.csv" 2>"$dir/warmup.err" || { cat "$dir/warmup.err" >&2; die "[redis] redis-benchmark warm-up failed"; }
  rate="$(tail -n1 "$dir/warmup.csv" | awk -F'","' '{ print $2 }')"
  if [ "$WARMUP" != 0 ]; then
    n="$(awk -v r="$rate" -v s="$WARMUP" 'BEGIN { printf "%d", r * s }')"
    "${rb[@]}" -n "$n" "${cmd[@]}" >"$dir/warmup.csv" 2>"$dir/warmup.err" || { cat "$dir/warmup.err" >&2; die "[redis] redis-benchmark warm-up failed"; }
    rate="$(tail -n1 "$dir/warmup.csv" | awk -F'","' '{ print $2 }')"
  fi
  local before
  before="$("${rc[@]}" XLEN "$kd")"
  log "lottery: [redis] redis-benchmark -c$CONNS --threads $GEN_THREADS EVALSHA redis_draw.lua, in chunks for ${SECS}s"
  measure_begin "proc_ticks $server_pid"
  local t0 now_s line sent=0 chunks=0
  : >"$dir/bench.csv"
  t0="$(date +%s.%N)"
  while :; do
    n="$(awk -v r="$rate" -v s="$SECS" 'BEGIN { n = int(r * s / 5); if (n < 2000) n = 2000; print n }')"
    "${rb[@]}" -n "$n" "${cmd[@]}" >"$dir/chunk.csv" 2>"$dir/bench.err" || { cat "$dir/bench.err" >&2; die "[redis] redis-benchmark failed"; }
    grep -qi error "$dir/bench.err" && { cat "$dir/bench.err" >&2; die "[redis] errors during the run"; }
    line="$(tail -n1 "$dir/chunk.csv")"
    printf '%s,"%s"\n' "$line" "$n" >>"$dir/bench.csv"
    rate="$(awk -F'","' '{ print $2 }' <<<"$line")"
    sent=$((sent + n)); chunks=$((chunks + 1))
    now_s="$(date +%s.%N)"
    awk -v a="$t0" -v b="$now_s" -v s="$SECS" 'BEGIN { exit !(b - a >= s) }' && break
  done
  local dur
  dur="$(calc "$now_s - $t0")"
  measure_end redis "proc_ticks $server_pid" "$dur" "$sent"
  n="$sent"
  # draws/s: all draws over the chunks' own durations (n / rps each, without
  # the start of each redis-benchmark); p50, p99: the chunks' percentiles
  # weighted by their draws
  R[redis.chunks]="$chunks"
  R[redis.dps]="$(awk -F'","' '{ gsub(/"/, "", $NF); n = $NF; t += n / $2; d += n } END { printf "%.1f", d / t }' "$dir/bench.csv")"
  R[redis.p50]="$(awk -F'","' '{ gsub(/"/, "", $NF); n = $NF; p += n * $5; d += n } END { printf "%.3f", p / d }' "$dir/bench.csv")"
  R[redis.p99]="$(awk -F'","' '{ gsub(/"/, "", $NF); n = $NF; p += n * $7; d += n } END { printf "%.3f", p / d }' "$dir/bench.csv")"

  local after wins taken
  after="$("${rc[@]}" XLEN "$kd")"
  [ $((after - before)) = "$n" ] || die "[redis] $((after - before)) draws stored, redis-benchmark sent $n"
  # stock check: per prize, stock taken = wins recorded in the stream
  "${rc[@]}" --eval "$lot/redis_count.lua" "$kd" >"$dir/counts.txt" || die "[redis] counting the draws failed"
  wins=0
  for i in 1 2 3; do
    local won left
    won="$(awk -v k="$i" 'NR % 2 == 1 && $0 == k { getline; print; f = 1 } END { if (!f) print 0 }' "$dir/counts.txt")"
    left="$("${rc[@]}" HGET "$ks" "$i")"
    taken=$((STOCK - left))
    [ "$left" -ge 0 ] && [ "$taken" = "$won" ] || die "[redis] stock check failed on prize $i: $taken taken, $won wins recorded"
    wins=$((wins + won))
  done
  R[redis.wins]="$wins"
  R[redis.stored]="$after"
  R[redis.aof_bytes]="$("${rc[@]}" INFO persistence | sed -n 's/^aof_current_size:\([0-9]*\).*/\1/p' | tr -d '\r')"
  stop_server
  R[redis.draws]="$n"
  R[redis.dur]="$dur"
  ran+=(redis)
}

# ---- the runs ------------------------------------------------------------------------

t_start=$(date +%s)
has huohua && run_huohua
has postgres && run_postgres postgres "$lot/pg_draw.sql"
has postgres-fn && run_postgres postgres-fn "$lot/pg_draw_fn.sql"
has redis && run_redis
t_total=$(( $(date +%s) - t_start ))

# ---- report ----------------------------------------------------------------------------

dps() { echo "${R[$1.dps]:-}"; }
r_pg="$(ratio "$(dps huohua)" "$(dps postgres)")"
r_redis="$(ratio "$(dps huohua)" "$(dps redis)")"
status() { awk -v a="$1" -v t="$2" 'BEGIN { if (a == "n/a") print "n/a"; else print (a + 0 >= t) ? "met" : "MISSED" }'; }
s_pg="$(status "$r_pg" "$TARGET_PG")"
s_redis="$(status "$r_redis" "$TARGET_REDIS")"

echo
echo "== Lottery draws benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine : $ncpu CPU(s), $cpu_model, ${mem_gb} GiB RAM, Linux $(uname -r)"
echo "disk    : $fs_type on $fs_dev ($work)"
echo "idle    : ${idle_before}% of the CPUs idle in the second before the runs"
echo "fsync   : $(fmt "$(jnum mean_ms "$fsync_ow")" 3) ms mean / $(fmt "$(jnum p99_ms "$fsync_ow")" 3) ms p99 per 4 KiB pwrite+fdatasync in place;" \
     "$(fmt "$(jnum mean_ms "$fsync_ap")" 3) ms mean / $(fmt "$(jnum p99_ms "$fsync_ap")" 3) ms p99 appending  [bench/fsync_cost.c]"
echo "pool    : 3 prizes x $STOCK stock, weights $W1/$W2/$W3, no prize $W_NONE (of $W_TOTAL); Huohua fulfilment $FULFILMENT; $MEMBERS members;" \
     "$CONNS concurrent clients, ${GEN_THREADS} load-generator threads, ${SECS}s measured after ${WARMUP}s warm-up"
echo
printf '%-9s %10s %9s %8s %8s %8s %8s %8s %8s %7s %5s\n' \
  system draws/s draws p50-ms p99-ms srv-cpu us/draw gen-cpu oth-cpu wins% idle
for s in "${ran[@]}"; do
  printf '%-9s %10s %9s %8s %8s %8s %8s %8s %8s %7s %5s\n' "$s" \
    "$(fmt "${R[$s.dps]}" 0)" "${R[$s.draws]}" "$(fmt "${R[$s.p50]}" 2)" "$(fmt "${R[$s.p99]}" 2)" \
    "$(fmt "${R[$s.srv_cpu]}" 2)" "$(fmt "${R[$s.us_per_draw]}" 0)" "$(fmt "${R[$s.gen_cpu]}" 2)" \
    "$(fmt "${R[$s.oth_cpu]}" 2)" "$(fmt "$(calc "100 * ${R[$s.wins]} / ${R[$s.stored]}")" 1)" "$(fmt "${R[$s.idle]}" 0)"
done
echo
if [ -n "${R[huohua.dps]:-}" ]; then
  echo "huohua  : p50 $(fmt "${R[huohua.p50]}" 2) ms, p99 $(fmt "${R[huohua.p99]}" 2) ms, p99.9 $(fmt "${R[huohua.p999]}" 2) ms (wrk);" \
       "$(fmt "${R[huohua.commits_per_s]}" 0) commits/s, $(fmt "${R[huohua.fsyncs_per_s]}" 0) fsyncs/s of the log, $(fmt "${R[huohua.batch]}" 1) draws and $(fmt "${R[huohua.log_writes]}" 1) writes to the log per commit (/metrics);"
  echo "          writer thread: $(fmt "${R[huohua.writer_cpu]}" 2) CPU s/s, $(fmt "${R[huohua.writer_us_per_draw]}" 0) us CPU per draw (the rest of us/draw is the HTTP threads)"
fi
echo "targets : Huohua/PostgreSQL ${r_pg}x (target >= ${TARGET_PG}x: $s_pg);" \
     "Huohua/Redis ${r_redis}x (target >= ${TARGET_REDIS}x: $s_redis)"
[ -n "${R[postgres-fn.dps]:-}" ] && echo "          (Huohua/PostgreSQL with the draw in one server-side function: $(ratio "$(dps huohua)" "$(dps postgres-fn)")x)"
[ -n "${R[huohua.verify]:-}" ] && echo "verify  : huohua lottery verify: ${R[huohua.verify]}"
echo "checks  : per prize, stock taken = wins recorded, never below 0; draws stored >= draws answered (all systems)"
echo "columns : draws/s = successful draws / measured seconds; p50/p99 = client-side latency (wrk; pgbench's"
echo "          per-transaction log; redis-benchmark); srv-cpu = server CPU seconds per second (PostgreSQL:"
echo "          postmaster and backends); us/draw = server CPU microseconds per draw; gen-cpu = the load"
echo "          generator's CPU seconds per second; oth-cpu = everything else on the machine (clean only"
echo "          when ~0); wins% = share of the stored draws that won a prize; idle = machine idle share"
for s in postgres postgres-fn; do
  [ -n "${R[$s.settings]:-}" ] && echo "$(printf '%-8s' "$s"): ${R[$s.settings]}, Unix socket, pgbench -M prepared"
done
echo "bench took ${t_total}s of runs"

json_out="$results/lottery-$stamp.json"
{
  printf '{\n  "benchmark": "lottery-draws",\n  "timestamp": "%s",\n' "$stamp"
  printf '  "machine": {"nproc": %s, "cpu_model": "%s", "mem_gib": %s, "kernel": "%s", "filesystem": "%s", "device": "%s", "idle_pct_before": %s},\n' \
    "$ncpu" "${cpu_model//\"/\'}" "$mem_gb" "$(uname -r)" "$fs_type" "$fs_dev" "$idle_before"
  printf '  "fsync": %s,\n' "$fsync_json"
  printf '  "pool": {"prizes": 3, "stock_each": %s, "weights": [%s, %s, %s], "no_prize_weight": %s, "members": %s},\n' \
    "$STOCK" "$W1" "$W2" "$W3" "$W_NONE" "$MEMBERS"
  printf '  "load": {"clients": %s, "generator_threads": %s, "seconds": %s, "warmup_seconds": %s},\n' \
    "$CONNS" "$GEN_THREADS" "$SECS" "$WARMUP"
  printf '  "systems": {\n'
  sep=""
  for s in "${ran[@]}"; do
    printf '%s    "%s": {"draws": %s, "duration_s": %s, "draws_per_s": %s, "latency_ms": {"p50": %s, "p99": %s}, "server_cpu_per_s": %s, "server_cpu_us_per_draw": %s, "generator_cpu_per_s": %s, "other_cpu_per_s": %s, "machine_idle_pct": %s, "stored_draws": %s, "wins": %s}' \
      "$sep" "$s" "${R[$s.draws]}" "${R[$s.dur]}" "${R[$s.dps]}" "${R[$s.p50]}" "${R[$s.p99]}" \
      "${R[$s.srv_cpu]}" "${R[$s.us_per_draw]}" "${R[$s.gen_cpu]}" "${R[$s.oth_cpu]}" "${R[$s.idle]}" \
      "${R[$s.stored]}" "${R[$s.wins]}"
    sep=$',\n'
  done
  printf '\n  },\n'
  jr() { if [ -z "$1" ] || [ "$1" = n/a ]; then echo null; else echo "$1"; fi; }
  printf '  "huohua_group_commit": {"commits_per_s": %s, "fsyncs_per_s": %s, "draws_per_commit": %s, "log_writes_per_commit": %s, "writer_cpu_per_s": %s, "writer_cpu_us_per_draw": %s},\n' \
    "$(jr "${R[huohua.commits_per_s]:-}")" "$(jr "${R[huohua.fsyncs_per_s]:-}")" "$(jr "${R[huohua.batch]:-}")" "$(jr "${R[huohua.log_writes]:-}")" "$(jr "${R[huohua.writer_cpu]:-}")" "$(jr "${R[huohua.writer_us_per_draw]:-}")"
  printf '  "ratios": {"huohua_over_postgres": %s, "huohua_over_postgres_fn": %s, "huohua_over_redis": %s},\n' \
    "$(jr "$r_pg")" "$(jr "$(ratio "$(dps huohua)" "$(dps postgres-fn)")")" "$(jr "$r_redis")"
  printf '  "targets": {"over_postgres": {"target": %s, "status": "%s"}, "over_redis": {"target": %s, "status": "%s"}}\n}\n' \
    "$TARGET_PG" "$s_pg" "$TARGET_REDIS" "$s_redis"
} >"$json_out"
echo "json    : $json_out"

if [ "$ENFORCE" = 1 ] && { [ "$s_pg" != met ] || [ "$s_redis" != met ]; }; then
  die "performance target missed"
fi
