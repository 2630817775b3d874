#!/usr/bin/env bash
# `npm run bench`: builds the page's two wasm packages (pkg/, plain and fused) and the native CLI, then runs every
# engine on the fixed workloads (bench/run.mjs) and prints the table; bench/results.json gets
# the full figures. BENCH_QUICK=1 makes a short smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
if [ ! -d node_modules/@tensorflow/tfjs-backend-wasm ] || [ ! -d node_modules/@tensorflow/tfjs ]; then
  echo "[bench] installing the npm dev dependencies (TensorFlow.js for the comparison)" >&2
  npm install --no-audit --no-fund >&2
fi
echo "[bench] building pkg/ (wasm: the plain and the fused build the page chooses between)" >&2
bash scripts/build-wasm.sh
echo "[bench] building the native CLI" >&2
cargo build --release >&2
# numpy for the reference row (single-threaded OpenBLAS): python3's if it has it, else a venv
# .venv-bench (gitignored) with numpy from PyPI, made on the first run.
if python3 -c 'import numpy' 2>/dev/null; then
  export BENCH_PYTHON=python3
else
  if ! .venv-bench/bin/python -c 'import numpy' 2>/dev/null; then
    echo "[bench] installing numpy into .venv-bench (the numpy reference)" >&2
    python3 -m venv .venv-bench >&2 && .venv-bench/bin/pip install --quiet numpy >&2 || echo "[bench] numpy install failed; the numpy rows are skipped" >&2
  fi
  export BENCH_PYTHON="$PWD/.venv-bench/bin/python"
fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
node bench/run.mjs
