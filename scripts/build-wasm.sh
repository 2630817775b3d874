#!/usr/bin/env bash
# Builds the wasm package the page loads (pkg/, ES module for the browser) with SIMD128 on, then
# checks in Node that the module instantiates and trains one step before anyone serves it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# wasm-opt is deliberately not run: Debian 12's binaryen (108) rewrites wasm-bindgen's externref
# table export wrongly and the module then fails to instantiate. wasm-pack's own wasm-opt is off
# in Cargo.toml because it would be downloaded.
wasm-pack build --release --target web --out-dir pkg --out-name overfit --no-typescript --no-pack >&2
node scripts/check-wasm.mjs
