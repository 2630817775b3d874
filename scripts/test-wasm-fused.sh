#!/usr/bin/env bash
# The wasm-in-Node tests (tests/wasm_node.rs) for the fused build: the core compiled with
# SIMD128 + relaxed SIMD, run in Node with relaxed SIMD switched on (Node 20 needs the flag; the
# test runner passes NODE_ARGS to node). The test checks that the kernel really fuses and that
# the losses match tests/fixtures/reference_losses_fused.json bit for bit. Skipped with a message
# where this machine's relaxed madd is not fused (a CPU without FMA).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Newer Node runs relaxed SIMD without the flag (and may one day refuse the flag): it is only
# passed where the probe needs it.
probe() { node "$@" --input-type=module -e "import { probeRelaxedMadd } from './www/wasm-loader.js'; console.log(probeRelaxedMadd())"; }
flag=""
result=$(probe)
if [ "$result" = "null" ]; then
  flag=--experimental-wasm-relaxed-simd
  result=$(probe $flag)
fi
if [ "$result" != "fused" ]; then
  echo "[test] fused wasm tests skipped: relaxed madd here is ${result}" >&2
  exit 0
fi
NODE_ARGS=$flag \
RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd -C llvm-args=-disable-lsr" \
CARGO_TARGET_DIR=target/wasm-fused \
  wasm-pack test --node -- --test wasm_node "$@"
