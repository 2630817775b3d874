#!/usr/bin/env bash
# `npm run test:pytorch`: exports the digits, the 2D spiral and the 1D sine regression presets as
# PyTorch scripts, runs them, and checks that each final validation accuracy (R² for regression,
# as 100 R²) is within 2 points of Overfit's own run of the same config. Not part of `npm test`: PyTorch is a large download (a few GB with its CUDA
# libraries, from PyPI), installed once into .venv-pytorch/ and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[test:pytorch] %s\n' "$*" >&2; }

VENV=.venv-pytorch
OUT=target/pytorch
LIMIT=2   # percentage points

# 1. A virtual environment with torch (and nothing else the scripts need).
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the virtual environment $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
  log "installing torch from PyPI into $VENV (first time only; a large download)"
  "$VENV/bin/python" -m pip install --upgrade pip
  "$VENV/bin/python" -m pip install torch
fi
log "torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)' 2>/dev/null)"

# 2. The CLI.
cargo build --release --bin overfit
OVERFIT=target/release/overfit
mkdir -p "$OUT"

# 3. Each preset: Overfit's run, the export, the PyTorch run, and the comparison.
passed=0
failed=0
run_preset() {
  local preset=$1 name
  shift
  name=$(basename "$preset" .json)
  log "$name: overfit train $preset"
  "$OVERFIT" train "$preset" > "$OUT/$name.overfit.jsonl"
  "$OVERFIT" export-pytorch "$preset" > "$OUT/$name.py"
  log "$name: python3 $OUT/$name.py $*"
  if ! "$VENV/bin/python" "$OUT/$name.py" "$@" > "$OUT/$name.pytorch.jsonl" 2> "$OUT/$name.pytorch.stderr"; then
    cat "$OUT/$name.pytorch.stderr" >&2
    log "$name: the exported script failed"
    failed=$((failed + 1))
    return
  fi
  # Compares the summary lines with the standard library only.
  if python3 - "$name" "$OUT/$name.overfit.jsonl" "$OUT/$name.pytorch.jsonl" "$LIMIT" <<'EOF'
import json
import sys

name, overfit_path, torch_path, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def summary(path):
    lines = [json.loads(line) for line in open(path) if line.strip()]
    epochs = sum(1 for line in lines if "epoch" in line)
    return lines[-1]["summary"], epochs


ours, our_epochs = summary(overfit_path)
theirs, their_epochs = summary(torch_path)
# Classification runs compare the accuracy, regression runs R^2 (as 100 R^2: points again).
score = "final_val_r2" if "final_val_r2" in ours else "final_val_acc"
what = "R² (x100)" if score == "final_val_r2" else "accuracy"
a, b = 100 * ours[score], 100 * theirs[score]
print(
    f"{name}: final validation {what}: Overfit {a:.2f}, PyTorch {b:.2f} "
    f"(difference {abs(a - b):.2f} points, limit {limit:g}); "
    f"epochs {our_epochs} and {their_epochs}, parameters {ours['parameters']} and {theirs['parameters']}"
)
ok = abs(a - b) <= limit and our_epochs == their_epochs and ours["parameters"] == theirs["parameters"]
sys.exit(0 if ok else 1)
EOF
  then
    passed=$((passed + 1))
  else
    log "$name: FAILED (outputs in $OUT/)"
    failed=$((failed + 1))
  fi
}

run_preset presets/digits.json --digits data/digits.bin
run_preset presets/spiral.json
run_preset presets/sine.json

echo "test:pytorch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
