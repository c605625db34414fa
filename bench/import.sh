#!/usr/bin/env bash
# bench/import.sh — legacy member import at scale and phone lookups on the
# result, each beside its baseline measured in the same run:
#   import  `huohua import members` (validation, libphonenumber, dedupe, error
#           report, legacy-number identities) vs plain SQL: sqlite3's own
#           .import of the same file into a table with only a UNIQUE phone index
#   lookup  GET /api/counter/lookup?phone= over HTTP with a staff token, at one
#           request in flight (latency) and with 4 connections (load), vs the bare
#           indexed SELECT in process (sql_lookup.c)
# Environment: BENCH_IMPORT_ROWS [16000000], BENCH_SECONDS [10], BENCH_BUILD [1],
#              BENCH_TMPDIR [bench/results], BENCH_KEEP [0: 1 keeps the databases],
#              BENCH_WARMUP [10: seconds of lookups before measuring: a 3 GiB database
#              must be in memory, as on a server that has been running],
#              BENCH_REUSE [a directory kept by BENCH_KEEP=1: lookups only, no import].
# Targets (SPEC §5): 16M rows imported in < 120 s; lookup p99 < 1 ms at 16M.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ROWS="${BENCH_IMPORT_ROWS:-16000000}"
SECS="${BENCH_SECONDS:-10}"
TMPBASE="${BENCH_TMPDIR:-$root/bench/results}"
build="$root/build-bench"
bin="$build/huohua"
mkdir -p "$TMPBASE"
log() { printf '%s\n' "$*" >&2; }
die() { log "bench: FAIL: $*"; exit 1; }

for c in wrk sqlite3 curl; do command -v $c >/dev/null || { log "bench: installing $c"; apt-get install -y -qq $c >/dev/null; }; done
if [ "${BENCH_BUILD:-1}" = 1 ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHH_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" >/dev/null
fi
cc -O2 -o "$build/gen_members" bench/import/gen_members.c
cc -O2 -o "$build/sql_lookup" bench/import/sql_lookup.c -lsqlite3

if [ -n "${BENCH_REUSE:-}" ]; then work="$BENCH_REUSE"; export BENCH_KEEP=1; else work="$(mktemp -d "$TMPBASE/import.XXXXXX")"; fi
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "bench: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
# busy CPU seconds of the whole machine so far (all CPUs, from /proc/stat)
busy() { awk '/^cpu /{printf "%.2f\n", ($2+$3+$4+$7+$8+$9)/100}' /proc/stat; }
# run a command, leaving its CPU seconds (user+sys of it and its threads) in $cpu
timed() {
  local TIMEFORMAT='%U %S' out rc=0
  out=$( { time "$@" >&3 2>&4; } 2>&1 ) || rc=$?
  cpu=$(echo "$out" | tail -1 | awk '{printf "%.1f", $1+$2}')
  return $rc
} 3>&1 4>&2
if [ -z "${BENCH_REUSE:-}" ]; then
log "bench: generating $ROWS rows"
"$build/gen_members" "$ROWS" > "$work/members.csv"
size=$(stat -c %s "$work/members.csv")

# --- ours
"$bin" demo --db "$work/h.db" --quiet >/dev/null 2>&1 || die "demo"
b0=$(busy); t0=$(now)
timed "$bin" import members "$work/members.csv" --db "$work/h.db" --errors "$work/errors.csv" > "$work/import.out" 2>/dev/null || die "import"
t1=$(now); b1=$(busy)
ours=$(echo "$t1 - $t0" | bc)
ours_cpu=$cpu
# CPU the rest of the machine used meanwhile, in cores (0 = a quiet machine)
others=$(echo "($b1 - $b0 - $cpu) / $ours" | bc -l)
# --- again: nothing changes
t2=$(now)
"$bin" import members "$work/members.csv" --db "$work/h.db" --errors "$work/errors2.csv" > "$work/import2.out" 2>/dev/null || die "re-import"
t3=$(now)
again=$(echo "$t3 - $t2" | bc)
members=$(sqlite3 "$work/h.db" "SELECT count(*) FROM members")

# --- baseline: sqlite3 .import into a table with a UNIQUE phone index
sqlite3 "$work/plain.db" "PRAGMA journal_mode=WAL; CREATE TABLE m (legacy TEXT, phone TEXT UNIQUE, name TEXT, gender TEXT, birthday TEXT, city TEXT, registered TEXT);" >/dev/null
b4=$(busy); t4=$(now)
timed sqlite3 "$work/plain.db" ".mode csv" ".import --skip 1 $work/members.csv m" 2>/dev/null || true
t5=$(now); b5=$(busy)
plain=$(echo "$t5 - $t4" | bc)
plain_cpu=$cpu
plain_others=$(echo "($b5 - $b4 - $cpu) / $plain" | bc -l)
fi

# --- lookups
"$bin" serve --db "$work/h.db" --port 0 --listen 127.0.0.1 > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1); url="${url%/}"
token=$(curl -s -XPOST "$url/api/auth/login" -H 'content-type: application/json' -d '{"login":"ba001","password":"huohua123"}' | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
[ ${#token} = 64 ] || die "login"
HH_TOKEN=$token HH_ROWS=$ROWS wrk -t2 -c4 -d"${BENCH_WARMUP:-10}s" -s bench/import/lookup.lua "$url" >/dev/null 2>&1 || true
# latency: one request in flight; load: 4 connections saturating the 2 cores (shared with wrk)
HH_TOKEN=$token HH_ROWS=$ROWS wrk -t1 -c1 -d"${SECS}s" -s bench/import/lookup.lua "$url" > "$work/wrk1.out" 2>&1 || die "wrk"
HH_TOKEN=$token HH_ROWS=$ROWS wrk -t2 -c4 -d"${SECS}s" -s bench/import/lookup.lua "$url" > "$work/wrk.out" 2>&1 || die "wrk"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
http1=$(grep '^LOOKUP' "$work/wrk1.out")
http=$(grep '^LOOKUP' "$work/wrk.out")
sql=$("$build/sql_lookup" "$work/h.db" "$ROWS" 200000)

p99_http=$(echo "$http1" | sed 's/.*p99_us=\([0-9]*\).*/\1/')
p99_sql=$(echo "$sql" | sed 's/.*p99_us=\([0-9.]*\).*/\1/')
echo "== Huohua import benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')  ($(nproc) CPUs)"
echo "file    : $ROWS rows, $(( $(stat -c %s "$work/members.csv") / 1048576 )) MiB"
if [ -z "${BENCH_REUSE:-}" ]; then
printf 'import  : ours %.1f s (%.0f rows/s)  | plain sqlite3 .import %.1f s  | ratio ours/plain %.2fx  | target < 120 s for 16M\n' \
  "$ours" "$(echo "$ROWS / $ours" | bc -l)" "$plain" "$(echo "$ours / $plain" | bc -l)"
printf 'cpu     : ours %s s (both threads), others on the machine %.2f cores  | plain %s s, others %.2f cores  (others > 0.1: rerun)\n' \
  "$ours_cpu" "$others" "$plain_cpu" "$plain_others"
printf 're-run  : %.1f s, members before/after unchanged (%s)\n' "$again" "$members"
sed 's/^/result  : /' "$work/import.out" | head -1
else
echo "import  : skipped (BENCH_REUSE=$work)"
fi
echo "lookup  : HTTP, 1 in flight  $http1"
echo "lookup  : HTTP, 4 connections $http"
echo "lookup  : plain $sql"
printf 'lookup p99 (1 in flight): HTTP %s us vs plain SQL %s us (ratio %.1fx)  | target < 1000 us\n' "$p99_http" "$p99_sql" "$(echo "$p99_http / $p99_sql" | bc -l)"
