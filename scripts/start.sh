#!/usr/bin/env bash
# start.sh — README command 1: install what is missing, build, create the
# embedded SQLite database with the demo enterprise (once) and start the server.
# Environment: HUOHUA_DB (./huohua.db), HUOHUA_PORT (8080), HUOHUA_LISTEN
# (127.0.0.1; use 0.0.0.0 to reach it from a phone on the same network).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/build.sh -DHH_TESTS=OFF
export HUOHUA_DB="${HUOHUA_DB:-$root/huohua.db}"
./build/huohua demo
echo
exec ./build/huohua serve
