#!/usr/bin/env bash
# build.sh — everything needed before the server can run: system packages,
# the npm packages pinned by package-lock.json (vendored into web/vendor), and
# the `huohua` binary in build/. Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-deps.sh

# npm ci runs again only when package-lock.json changed since the last one.
if ! cmp -s package-lock.json node_modules/.huohua-lock 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.huohua-lock
fi
bash scripts/vendor.sh >/dev/null

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$(nproc)"
