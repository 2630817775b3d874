#!/usr/bin/env bash
# Builds the two wasm packages the page chooses between (www/wasm-loader.js), both ES modules for
# the browser in pkg/, then checks in Node that they instantiate and train one step:
# - pkg/overfit.js + overfit_bg.wasm: SIMD128, separate multiply and add (runs everywhere);
# - pkg/overfit_fused.js + overfit_fused_bg.wasm: SIMD128 + relaxed SIMD, the GEMM with fused
#   multiply-add (f32x4.relaxed_madd), for engines that fuse it (src/arithmetic.rs).
# The fused build has its own target directory (target/wasm-fused), so the two never overwrite
# each other's artifacts and each stays incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# wasm-opt is deliberately not run: Debian 12's binaryen (108) rewrites wasm-bindgen's externref
# table export wrongly and the module then fails to instantiate. wasm-pack's own wasm-opt is off
# in Cargo.toml because it would be downloaded.
wasm-pack build --release --target web --out-dir pkg --out-name overfit --no-typescript --no-pack >&2
# RUSTFLAGS replaces .cargo/config.toml's rustflags, so they are repeated here with relaxed-simd.
RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd -C llvm-args=-disable-lsr" CARGO_TARGET_DIR=target/wasm-fused \
  cargo build --lib --release --target wasm32-unknown-unknown >&2
wasm-bindgen --target web --out-dir pkg --out-name overfit_fused --no-typescript \
  target/wasm-fused/wasm32-unknown-unknown/release/overfit.wasm >&2
node scripts/check-wasm.mjs
