#!/usr/bin/env bash
# install-deps.sh — install what a fresh Debian machine lacks to build, run and
# test Huohua: the C toolchain and the -dev packages named in SPEC.md §6,
# Node.js/npm for the web apps and tests, and Debian's Chromium for the
# browser tests. Idempotent: installs only what is missing. Needs root (or sudo)
# only when something is missing.
set -euo pipefail

pkgs=(build-essential cmake pkg-config git jq
      libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
      libqrencode-dev libpng-dev libcurl4-openssl-dev libcsv-dev libxlsxwriter-dev libphonenumber-dev libcmocka-dev
      libgoogle-perftools-dev
      chromium fonts-noto-cjk)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
