#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time (default 60 s) when a nightly toolchain and
# cargo-fuzz are available; otherwise says so and exits 0. The same entry points run on stable
# inside `cargo test` (tests/proptest_config.rs, fuzz_entry_points_never_panic).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "[fuzz] no nightly toolchain here: skipped (cargo fuzz needs nightly)"; exit 0
fi
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
for target in config digits; do
  (cd fuzz && cargo +nightly fuzz run "$target" -- -max_total_time="$SECONDS_PER_TARGET")
done
