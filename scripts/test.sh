#!/usr/bin/env bash
# `npm test`: install what is missing, then run every test layer in order.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

echo "== 1/5 native: cargo test"
cargo test --release -- --skip every_step_of_the_lecture_path --skip double_descent_peaks --skip random_labels_are_fitted --skip batchnorm_rises_at_small_batches
echo "== native GEMM at every width this CPU has (tests/simd_widths.rs)"
cargo test --release --test simd_widths -- --nocapture
# The lecture path's claims on seeds 1 to 10, with every measured figure printed.
cargo test --release --test lecture_claims -- --nocapture
# The paper presets' curves, printed (each test trains its runs on two threads of its own).
cargo test --release --test paper_presets -- --nocapture --test-threads 1

echo "== 2/5 wasm in Node: wasm-pack test --node"
wasm-pack test --node -- --test wasm_node
echo "== 2b/5 the fused (relaxed-SIMD) wasm build in Node: the fused fixture"
bash scripts/test-wasm-fused.sh

echo "== 3/5 wasm in headless Chromium: wasm-pack test --headless --chrome"
CHROMEDRIVER="$(command -v chromedriver)" wasm-pack test --headless --chrome -- --test wasm_browser

bash scripts/build-wasm.sh
echo "== 4/5 the page's pure modules in Node: tests/unit/"
node --test tests/unit/

echo "== 5/5 browser end-to-end: playwright-core + Debian Chromium"
node --test --test-concurrency=1 tests/e2e/
