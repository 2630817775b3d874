#!/usr/bin/env bash
# Builds the wasm package the page loads (pkg/, ES module for the browser) with SIMD128 on.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
wasm-pack build --release --target web --out-dir pkg --out-name overfit --no-typescript --no-pack >&2
# Debian's wasm-opt, when present, shaves size and a little time; --enable-simd keeps SIMD128.
if command -v wasm-opt >/dev/null; then
  wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    pkg/overfit_bg.wasm -o pkg/overfit_bg.wasm || echo "[build] wasm-opt failed; keeping the unoptimized module" >&2
fi
