#!/usr/bin/env bash
# test.sh — README command 2: every test.
#   1. C unit tests (cmocka) — plain build and AddressSanitizer+UBSan build
#   2. API tests (node --test) against a real server on a random port, then
#      again against the AddressSanitizer+UBSan server (any report aborts it)
#   3. browser tests (playwright-core + Debian chromium), screenshots saved in
#      tests/browser/screenshots/
# Installs what is missing first (scripts/build.sh). Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/build.sh -DHH_TESTS=ON

echo "== C unit tests"
ctest --test-dir build --output-on-failure -j2

echo "== C unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DHH_TESTS=ON -DHH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2

export HUOHUA_BIN="$root/build/huohua"
echo "== API tests"
node --test --test-concurrency=2 tests/api/

echo "== API tests against the AddressSanitizer + UBSan server"
HUOHUA_BIN="$root/build-asan/huohua" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 node --test --test-concurrency=2 tests/api/

echo "== browser tests"
node --test --test-concurrency=1 tests/browser/

echo "all tests passed"
