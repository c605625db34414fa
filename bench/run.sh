#!/usr/bin/env bash
# bench/run.sh — Huohua's benchmark suite: durable small writes over HTTP,
# group commit (batching) on vs off, in one run. See bench/README.md.
#
#   bash bench/run.sh
#
# Environment (defaults in brackets):
#   BENCH_SECONDS        measured seconds per wrk run [10]
#   BENCH_WARMUP         warm-up seconds before each measured run, not counted [2]
#   BENCH_CONNECTIONS    wrk connections [64]
#   BENCH_WRK_THREADS    wrk threads [2]
#   BENCH_SERVER_THREADS server --threads for the batched/unbatched pair
#                        [empty: the server's default, the number of CPUs]
#   BENCH_THREADS_SWEEP  extra batched runs with these server --threads values,
#                        space-separated; empty to skip ["1 2"]
#   BENCH_TMPDIR         where the temporary databases live (and where the
#                        fsync cost is measured) [bench/results]
#   BENCH_BUILD          1: (re)build build-bench/huohua (Release); 0: use as is [1]
#   BENCH_BIN            benchmark this huohua binary instead (no build), e.g. to
#                        compare an experimental build [build-bench/huohua]
#   BENCH_ENFORCE        1: exit 1 when a target (>= 20,000 writes/s batched,
#                        >= 5x unbatched) is missed [0]
#
# Exits non-zero when anything fails: build, server start, login, any non-2xx
# answer or socket error during a run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

SECONDS_RUN="${BENCH_SECONDS:-10}"
WARMUP="${BENCH_WARMUP:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
SERVER_THREADS="${BENCH_SERVER_THREADS:-}"
SWEEP="${BENCH_THREADS_SWEEP-1 2}"
TMPBASE="${BENCH_TMPDIR:-$root/bench/results}"
DO_BUILD="${BENCH_BUILD:-1}"
ENFORCE="${BENCH_ENFORCE:-0}"
TARGET_WPS=20000
TARGET_RATIO=5

build="$root/build-bench"
bin="${BENCH_BIN:-$build/huohua}"
results="$root/bench/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results" "$TMPBASE"

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: FAIL: $*"; exit 1; }

# ---- prerequisites -------------------------------------------------------

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v cc >/dev/null 2>&1 || need_pkgs+=(build-essential)
command -v cmake >/dev/null 2>&1 || need_pkgs+=(cmake)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "bench: installing ${need_pkgs[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if [ "$DO_BUILD" = 1 ] && [ -z "${BENCH_BIN:-}" ]; then
  log "bench: building $bin (Release)"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHH_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" >/dev/null
fi
[ -x "$bin" ] || die "no binary at $bin (run with BENCH_BUILD=1)"
mkdir -p "$build"
cc -O2 -o "$build/fsync_cost" "$root/bench/fsync_cost.c"

# ---- temporary state, cleaned up on exit ---------------------------------

work="$(mktemp -d "$TMPBASE/tmp.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- helpers ---------------------------------------------------------------

# jnum KEY JSON — a numeric field of a flat JSON object (first match).
jnum() { sed -n "s/.*\"$1\":\([-0-9.eE+]*\).*/\1/p" <<<"$2" | head -n1; }
# metric NAME FILE — value of an unlabelled Prometheus sample.
metric() { awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }' "$2"; }
# calc EXPR — floating point arithmetic.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
# cpu_ticks PID — utime+stime of a process in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# http_ticks PID — utime+stime of the server's HTTP threads (MHD-worker, or
# MHD-single with --threads 1).
http_ticks() {
  local t sum=0 v
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in MHD-*) ;; *) continue ;; esac
    v="$(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0)"
    sum=$((sum + v))
  done
  echo "$sum"
}
# idle_ticks — idle+iowait ticks of the whole machine, and all ticks.
sys_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t }' /proc/stat; }
# child_cpu — CPU seconds (user+sys) of this shell's finished children (wrk).
# Call it as `times >FILE; child_cpu FILE` — `times` in a $(...) subshell
# would see the subshell's children only.
child_cpu() {
  tail -n1 "$1" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } print t }'
}
# route_2xx FILE / route_non2xx FILE — server-side answers of POST /api/staff.
route_2xx() { awk '/^huohua_http_requests_total\{route="\/api\/staff",method="POST",status="2xx"\}/ { s += $2 } END { print s + 0 }' "$1"; }
route_non2xx() { awk '/^huohua_http_requests_total\{route="\/api\/staff",method="POST",status="[^2]xx"\}/ { s += $2 } END { print s + 0 }' "$1"; }

fs_type="$(findmnt -n -o FSTYPE --target "$work" 2>/dev/null || stat -f -c %T "$work" 2>/dev/null || echo unknown)"
case "$fs_type" in
  tmpfs|ramfs) log "bench: WARNING: $work is on $fs_type — fsync is free there, numbers are not durable-write numbers" ;;
esac

# ---- machine and fsync cost ------------------------------------------------

# Is something else already using the CPUs? (Results are only comparable on
# an otherwise idle machine; the per-run oth-cpu column says how much.)
s0="$(sys_ticks)"; sleep 1; s1="$(sys_ticks)"
idle_before="$(awk "BEGIN { printf \"%.0f\", 100 * (${s1% *} - ${s0% *}) / (${s1#* } - ${s0#* }) }")"
if awk -v i="$idle_before" 'BEGIN { exit !(i < 90) }'; then
  log "bench: WARNING: the machine is only ${idle_before}% idle before the benchmark — other jobs will lower the numbers"
fi

ncpu="$(nproc)"
cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
[ -n "$cpu_model" ] || cpu_model="$(uname -m)"
mem_gb="$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
kernel="$(uname -r)"
fs_dev="$(df -P "$work" | awk 'NR == 2 { print $1 }')"

log "bench: measuring fsync cost in $work ($fs_type on $fs_dev)"
fsync_json="$("$build/fsync_cost" "$work" 2)"
fsync_ow_mean="$(jnum mean_ms "$(sed 's/.*"overwrite":\({[^}]*}\).*/\1/' <<<"$fsync_json")")"
fsync_ow_p99="$(jnum p99_ms "$(sed 's/.*"overwrite":\({[^}]*}\).*/\1/' <<<"$fsync_json")")"
fsync_ap_mean="$(jnum mean_ms "$(sed 's/.*"append":\({[^}]*}\).*/\1/' <<<"$fsync_json")")"
fsync_ap_p99="$(jnum p99_ms "$(sed 's/.*"append":\({[^}]*}\).*/\1/' <<<"$fsync_json")")"

# ---- one benchmark run -------------------------------------------------------

declare -A R          # R[name.field] = value
runs=()               # run names in order

# run_case NAME BATCH_MAX SERVER_THREADS(empty = default)
run_case() {
  local name="$1" batch_max="$2" threads="$3"
  local dir="$work/$name"
  mkdir -p "$dir"
  local db="$dir/bench.db"
  log "bench: [$name] seeding $db"
  "$bin" demo --db "$db" >"$dir/demo.log" 2>&1 || { cat "$dir/demo.log" >&2; die "[$name] huohua demo failed"; }

  local args=(serve --db "$db" --port 0 --listen 127.0.0.1 --batch-max "$batch_max")
  [ -n "$threads" ] && args+=(--threads "$threads")
  "$bin" "${args[@]}" >"$dir/server.log" 2>&1 &
  server_pid=$!
  local port="" i
  for i in $(seq 1 300); do
    port="$(sed -n 's#^huohua listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$dir/server.log" | head -n1)"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "[$name] server exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$dir/server.log" >&2; die "[$name] server did not start"; }
  local url="http://127.0.0.1:$port"
  local eff_threads
  eff_threads="$(sed -n 's/.*"event":"server.started".*//p; s/.*"threads":\([0-9]*\).*"event":"server.started".*/\1/p' "$dir/server.log" | grep . | head -n1 || true)"
  [ -n "$eff_threads" ] || eff_threads="${threads:-$ncpu}"

  local login token
  login="$(curl -sfS -X POST -H 'Content-Type: application/json' \
           -d '{"login":"admin","password":"huohua123"}' "$url/api/auth/login")" \
    || die "[$name] login failed"
  token="$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$login")"
  [ -n "$token" ] || die "[$name] no token in login answer: $login"

  local out
  if [ "$WARMUP" != 0 ]; then
    log "bench: [$name] warm-up ${WARMUP}s"
    out="$(BENCH_TOKEN="$token" wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" \
           -s "$root/bench/wrk/write.lua" "$url")" || die "[$name] wrk warm-up failed"
    [ "$(jnum non_2xx "$out")" = 0 ] || { log "$out"; die "[$name] non-2xx answers during warm-up"; }
  fi

  curl -sfS "$url/metrics" >"$dir/metrics.before" || die "[$name] /metrics failed"
  local cpu0 cpu1 h0 h1 sys0 sys1 w0 w1
  times >"$dir/times.0"
  w0="$(child_cpu "$dir/times.0")"
  cpu0="$(cpu_ticks "$server_pid")"
  h0="$(http_ticks "$server_pid")"
  sys0="$(sys_ticks)"
  log "bench: [$name] wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_RUN}s --latency POST /api/staff (batch-max $batch_max, server threads $eff_threads)"
  out="$(BENCH_TOKEN="$token" wrk -t"$WRK_THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency \
         -s "$root/bench/wrk/write.lua" "$url")" || { log "$out"; die "[$name] wrk failed"; }
  cpu1="$(cpu_ticks "$server_pid")"
  h1="$(http_ticks "$server_pid")"
  sys1="$(sys_ticks)"
  times >"$dir/times.1"
  w1="$(child_cpu "$dir/times.1")"
  curl -sfS "$url/metrics" >"$dir/metrics.after" || die "[$name] /metrics failed"
  printf '%s\n' "$out" >"$dir/wrk.txt"

  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""

  local res
  res="$(sed -n 's/^BENCH_RESULT //p' <<<"$out")"
  [ -n "$res" ] || { log "$out"; die "[$name] no BENCH_RESULT line from wrk"; }
  local non2xx ok dur serr
  non2xx="$(jnum non_2xx "$res")"
  ok="$(jnum ok_2xx "$res")"
  dur="$(jnum duration_s "$res")"
  serr="$(calc "$(jnum connect "$res") + $(jnum read "$res") + $(jnum write "$res") + $(jnum timeout "$res")")"
  if [ "$non2xx" != 0 ]; then
    log "$out"
    die "[$name] $non2xx non-2xx answers (first: $(sed -n 's/.*"first_non_2xx":\(.*\)}$/\1/p' <<<"$res"))"
  fi
  [ "$serr" = 0 ] || { log "$out"; die "[$name] $serr socket errors"; }
  [ "$ok" -gt 0 ] || die "[$name] no successful writes"

  local b=$dir/metrics.before a=$dir/metrics.after
  local dcommits dbsum dbcnt dcsum dccnt dcmds dfailed
  dcommits="$(calc "$(metric huohua_store_commits_total "$a") - $(metric huohua_store_commits_total "$b")")"
  dfailed="$(calc "$(metric huohua_store_failed_commits_total "$a") - $(metric huohua_store_failed_commits_total "$b")")"
  dcmds="$(calc "$(metric huohua_store_commands_total "$a") - $(metric huohua_store_commands_total "$b")")"
  dbsum="$(calc "$(metric huohua_store_batch_size_sum "$a") - $(metric huohua_store_batch_size_sum "$b")")"
  dbcnt="$(calc "$(metric huohua_store_batch_size_count "$a") - $(metric huohua_store_batch_size_count "$b")")"
  dcsum="$(calc "$(metric huohua_store_commit_seconds_sum "$a") - $(metric huohua_store_commit_seconds_sum "$b")")"
  dccnt="$(calc "$(metric huohua_store_commit_seconds_count "$a") - $(metric huohua_store_commit_seconds_count "$b")")"
  [ "$dfailed" = 0 ] || die "[$name] $dfailed failed commits"
  # the server's own count of answers to POST /api/staff must agree: no
  # non-2xx, and at least as many 2xx as wrk saw (wrk drops the answers still
  # in flight when it stops)
  local s2xx sbad
  s2xx="$(calc "$(route_2xx "$a") - $(route_2xx "$b")")"
  sbad="$(calc "$(route_non2xx "$a") - $(route_non2xx "$b")")"
  [ "$sbad" = 0 ] || die "[$name] the server answered $sbad non-2xx to POST /api/staff"
  awk -v s="$s2xx" -v w="$ok" 'BEGIN { exit !(s >= w) }' \
    || die "[$name] server counted $s2xx 2xx answers, wrk $ok"
  [ "$dcommits" != 0 ] || die "[$name] no commits seen in /metrics"

  runs+=("$name")
  R[$name.batch_max]="$batch_max"
  R[$name.server_threads]="$eff_threads"
  R[$name.duration_s]="$dur"
  R[$name.ok]="$ok"
  R[$name.wps]="$(calc "$ok / $dur")"
  R[$name.p50]="$(jnum lat_p50_ms "$res")"
  R[$name.p90]="$(jnum lat_p90_ms "$res")"
  R[$name.p99]="$(jnum lat_p99_ms "$res")"
  R[$name.p999]="$(jnum lat_p999_ms "$res")"
  R[$name.mean]="$(jnum lat_mean_ms "$res")"
  R[$name.max]="$(jnum lat_max_ms "$res")"
  R[$name.commits]="$dcommits"
  R[$name.commands]="$dcmds"
  R[$name.cps]="$(calc "$dcommits / $dur")"
  R[$name.batch]="$(calc "$dbsum / $dbcnt")"
  R[$name.commit_ms]="$(calc "1000 * $dcsum / $dccnt")"
  R[$name.cpu]="$(calc "($cpu1 - $cpu0) / $(getconf CLK_TCK) / $dur")"
  R[$name.cpu_http]="$(calc "($h1 - $h0) / $(getconf CLK_TCK) / $dur")"
  R[$name.cpu_us_per_write]="$(calc "1e6 * ($cpu1 - $cpu0) / $(getconf CLK_TCK) / $ok")"
  R[$name.idle]="$(calc "100 * (${sys1% *} - ${sys0% *}) / (${sys1#* } - ${sys0#* })")"
  R[$name.server_2xx]="$s2xx"
  R[$name.cpu_wrk]="$(calc "($w1 - $w0) / $dur")"
  # everything else on the machine (other jobs, the kernel's own threads)
  R[$name.cpu_other]="$(calc "$ncpu * (1 - ${R[$name.idle]} / 100) - ${R[$name.cpu]} - ${R[$name.cpu_wrk]}")"
  R[$name.wrk_summary]="$(grep -E '^ +(Latency|Req/Sec) ' <<<"$out" | tr -s ' ' | tr '\n' ';')"
  rm -f "$db" "$db-wal" "$db-shm"
}

# ---- the runs --------------------------------------------------------------

t_start=$(date +%s)
run_case batched 1024 "$SERVER_THREADS"
run_case unbatched 1 "$SERVER_THREADS"
for t in $SWEEP; do
  run_case "batched-t$t" 1024 "$t"
done
t_total=$(( $(date +%s) - t_start ))

# ---- report ----------------------------------------------------------------

fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

echo
echo "== Huohua durable-write benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine : $ncpu CPU(s), $cpu_model, ${mem_gb} GiB RAM, Linux $kernel"
echo "disk    : $fs_type on $fs_dev ($work)"
echo "idle    : ${idle_before}% of the CPUs idle in the second before the runs"
echo "fsync   : $(fmt "$fsync_ow_mean" 3) ms mean / $(fmt "$fsync_ow_p99" 3) ms p99 per 4 KiB pwrite+fdatasync in place (WAL-like);" \
     "$(fmt "$fsync_ap_mean" 3) ms mean / $(fmt "$fsync_ap_p99" 3) ms p99 appending  [C loop, bench/fsync_cost.c]"
echo "load    : wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_RUN}s (+${WARMUP}s warm-up), POST /api/staff {name,store_id,title} with bearer token;"
echo "          wrk runs on the same $ncpu CPU(s) as the server and competes with it for CPU"
echo
printf '%-12s %5s %7s %9s %7s %7s %9s %6s %9s %8s %8s %7s %7s %7s %5s\n' \
  run batch threads writes/s p50-ms p99-ms commits/s batch commit-ms srv-cpu http-cpu us/write wrk-cpu oth-cpu idle
for n in "${runs[@]}"; do
  printf '%-12s %5s %7s %9s %7s %7s %9s %6s %9s %8s %8s %7s %7s %7s %4s%%\n' "$n" "${R[$n.batch_max]}" \
    "${R[$n.server_threads]}" "$(fmt "${R[$n.wps]}" 0)" "$(fmt "${R[$n.p50]}" 2)" \
    "$(fmt "${R[$n.p99]}" 2)" "$(fmt "${R[$n.cps]}" 0)" "$(fmt "${R[$n.batch]}" 1)" \
    "$(fmt "${R[$n.commit_ms]}" 3)" "$(fmt "${R[$n.cpu]}" 2)" "$(fmt "${R[$n.cpu_http]}" 2)" \
    "$(fmt "${R[$n.cpu_us_per_write]}" 0)" "$(fmt "${R[$n.cpu_wrk]}" 2)" \
    "$(fmt "${R[$n.cpu_other]}" 2)" "$(fmt "${R[$n.idle]}" 0)"
done
echo
echo "ratio batched/unbatched (server threads ${R[batched.server_threads]}):"
echo "  writes/s        $(ratio "${R[batched.wps]}" "${R[unbatched.wps]}")x"
echo "  p50 latency     $(ratio "${R[batched.p50]}" "${R[unbatched.p50]}")x"
echo "  p99 latency     $(ratio "${R[batched.p99]}" "${R[unbatched.p99]}")x"
echo "  commits/s       $(ratio "${R[batched.cps]}" "${R[unbatched.cps]}")x"
echo "  mean batch size $(ratio "${R[batched.batch]}" "${R[unbatched.batch]}")x"
echo "  mean commit ms  $(ratio "${R[batched.commit_ms]}" "${R[unbatched.commit_ms]}")x"
echo
wps_ok=$(awk -v a="${R[batched.wps]}" -v t="$TARGET_WPS" 'BEGIN { print (a >= t) ? "met" : "MISSED" }')
ratio_val=$(ratio "${R[batched.wps]}" "${R[unbatched.wps]}")
ratio_ok=$(awk -v a="$ratio_val" -v t="$TARGET_RATIO" 'BEGIN { print (a + 0 >= t) ? "met" : "MISSED" }')
echo "targets : batched >= $TARGET_WPS writes/s: $wps_ok ($(fmt "${R[batched.wps]}" 0));" \
     "batched >= ${TARGET_RATIO}x unbatched: $ratio_ok (${ratio_val}x)"
echo "columns : writes/s = 2xx answers / wrk duration; p50/p99 from wrk's latency distribution;"
echo "          commits/s, batch (mean commands per commit) and commit-ms (mean time to run + commit"
echo "          one batch) from /metrics deltas over the measured run; srv-cpu = server CPU seconds per"
echo "          second (http-cpu: its HTTP threads only; the rest is the writer thread); us/write = server"
echo "          CPU microseconds per write; wrk-cpu = wrk's CPU seconds per second; oth-cpu = CPU used by"
echo "          anything else on the machine (other jobs: results are only clean when it is ~0);"
echo "          idle = whole-machine idle+iowait share during the run"
echo "bench took ${t_total}s of runs"

# ---- JSON ------------------------------------------------------------------

json_out="$results/writes-$stamp.json"
{
  printf '{\n  "benchmark": "durable-writes-http",\n  "timestamp": "%s",\n' "$stamp"
  printf '  "machine": {"nproc": %s, "cpu_model": "%s", "mem_gib": %s, "kernel": "%s", "filesystem": "%s", "device": "%s", "idle_pct_before": %s},\n' \
    "$ncpu" "${cpu_model//\"/\'}" "$mem_gb" "$kernel" "$fs_type" "$fs_dev" "$idle_before"
  printf '  "fsync": %s,\n' "$fsync_json"
  printf '  "load": {"tool": "wrk", "connections": %s, "wrk_threads": %s, "seconds": %s, "warmup_seconds": %s, "request": "POST /api/staff {\\"name\\":\\"压测员工\\",\\"store_id\\":1,\\"title\\":\\"bench\\"}"},\n' \
    "$CONNS" "$WRK_THREADS" "$SECONDS_RUN" "$WARMUP"
  printf '  "runs": {\n'
  sep=""
  for n in "${runs[@]}"; do
    printf '%s    "%s": {"batch_max": %s, "server_threads": %s, "duration_s": %s, "ok_2xx": %s, "writes_per_s": %s, "latency_ms": {"mean": %s, "p50": %s, "p90": %s, "p99": %s, "p999": %s, "max": %s}, "commits": %s, "commands": %s, "commits_per_s": %s, "mean_batch_size": %s, "mean_commit_ms": %s, "server_cpu_per_s": %s, "server_http_threads_cpu_per_s": %s, "server_cpu_us_per_write": %s, "machine_idle_pct": %s, "wrk_cpu_per_s": %s, "other_cpu_per_s": %s, "server_2xx": %s}' \
      "$sep" "$n" "${R[$n.batch_max]}" "${R[$n.server_threads]}" "${R[$n.duration_s]}" "${R[$n.ok]}" \
      "${R[$n.wps]}" "${R[$n.mean]}" "${R[$n.p50]}" "${R[$n.p90]}" "${R[$n.p99]}" "${R[$n.p999]}" \
      "${R[$n.max]}" "${R[$n.commits]}" "${R[$n.commands]}" "${R[$n.cps]}" "${R[$n.batch]}" \
      "${R[$n.commit_ms]}" "${R[$n.cpu]}" "${R[$n.cpu_http]}" "${R[$n.cpu_us_per_write]}" \
      "${R[$n.idle]}" "${R[$n.cpu_wrk]}" "${R[$n.cpu_other]}" "${R[$n.server_2xx]}"
    sep=$',\n'
  done
  printf '\n  },\n'
  printf '  "ratio_batched_over_unbatched": {"writes_per_s": %s, "p50": %s, "p99": %s, "commits_per_s": %s, "mean_batch_size": %s, "mean_commit_ms": %s},\n' \
    "$(ratio "${R[batched.wps]}" "${R[unbatched.wps]}")" "$(ratio "${R[batched.p50]}" "${R[unbatched.p50]}")" \
    "$(ratio "${R[batched.p99]}" "${R[unbatched.p99]}")" "$(ratio "${R[batched.cps]}" "${R[unbatched.cps]}")" \
    "$(ratio "${R[batched.batch]}" "${R[unbatched.batch]}")" "$(ratio "${R[batched.commit_ms]}" "${R[unbatched.commit_ms]}")"
  printf '  "targets": {"batched_writes_per_s": {"target": %s, "status": "%s"}, "ratio": {"target": %s, "status": "%s"}}\n}\n' \
    "$TARGET_WPS" "$wps_ok" "$TARGET_RATIO" "$ratio_ok"
} >"$json_out"
echo "json    : $json_out"

if [ "$ENFORCE" = 1 ] && { [ "$wps_ok" != met ] || [ "$ratio_ok" != met ]; }; then
  die "performance target missed"
fi
