#!/usr/bin/env bash
# `npm run test:ray`: exports a 3-value x 2-seed sweep (tests/fixtures/ray-sweep.json) as a Ray
# Tune script, runs it on a local Ray with 2 CPUs and again with 1, and checks that every trial
# finished, that its CSV imports into the page's sweep store (scripts/check-sweep-csv.mjs, the
# page's own code over the core), and that the medians per value agree with `overfit sweep` on
# the same spec within 2 points (of accuracy, or of 100 R²), printing them side by side. Not part
# of `npm test`: ray[tune] and torch are large downloads from PyPI, installed once into
# .venv-ray/ and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[test:ray] %s\n' "$*" >&2; }

VENV=.venv-ray
OUT=target/ray
SPEC=tests/fixtures/ray-sweep.json
LIMIT=2   # percentage points

# 1. A virtual environment with Ray Tune and torch.
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the virtual environment $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import torch, ray.tune" >/dev/null 2>&1; then
  log "installing ray[tune] and torch from PyPI into $VENV (first time only; a large download)"
  "$VENV/bin/python" -m pip install --upgrade pip
  "$VENV/bin/python" -m pip install "ray[tune]" torch
fi
log "ray $("$VENV/bin/python" -c 'import ray; print(ray.__version__)' 2>/dev/null), torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)' 2>/dev/null)"

# 2. The CLI, and the wasm package the page's store check loads.
cargo build --release --bin overfit
OVERFIT=target/release/overfit
if [ ! -f pkg/overfit_bg.wasm ]; then
  bash scripts/setup.sh
  bash scripts/build-wasm.sh
fi
rm -rf "$OUT"
mkdir -p "$OUT"

# 3. A malformed or oversized spec is refused by export-sweep, naming the field, as by sweep.
for bad in '{"knob": "width", "values": [4, 0]}' '{"knob": "width", "values": [4], "seeds": 500}' '{"knob": "colour", "values": [1]}'; do
  if echo "$bad" | "$OVERFIT" export-sweep - > /dev/null 2> "$OUT/refused.txt"; then
    log "export-sweep accepted a bad spec: $bad"
    exit 1
  fi
  log "refused as it should be: $(cat "$OUT/refused.txt")"
done

# 4. Overfit's own sweep, and the exported script run on Ray with 2 CPUs, then 1.
log "overfit sweep $SPEC --threads 2"
"$OVERFIT" sweep "$SPEC" --threads 2 > "$OUT/overfit.jsonl"
"$OVERFIT" export-sweep "$SPEC" > "$OUT/sweep_ray.py"
for cpus in 2 1; do
  log "python3 $OUT/sweep_ray.py --cpus $cpus (a local Ray)"
  start=$(date +%s.%N)
  if ! (cd "$OUT" && RAY_ADDRESS= "../../$VENV/bin/python" sweep_ray.py --cpus "$cpus" --out "ray-$cpus.csv" \
        --storage "$PWD/ray-results-$cpus" > "ray-$cpus.out" 2> "ray-$cpus.err"); then
    tail -40 "$OUT/ray-$cpus.err" >&2
    log "the exported script failed with $cpus CPUs (outputs in $OUT/)"
    exit 1
  fi
  end=$(date +%s.%N)
  wall=$(python3 -c "print(f'{$end - $start:.1f}')")
  echo "$wall" > "$OUT/wall-$cpus.txt"
  log "$cpus CPU(s): $(tail -1 "$OUT/ray-$cpus.out"), wall time $wall s including Ray's start"
done

# 5. The CSV through the page's sweep store, and the medians side by side.
node scripts/check-sweep-csv.mjs "$OUT/ray-2.csv"
"$OVERFIT" import-sweep "$OUT/ray-2.csv" > "$OUT/ray-2.summary.json"
python3 - "$OUT" "$LIMIT" <<'PY'
import json
import sys

out, limit = sys.argv[1], float(sys.argv[2])
ours = [json.loads(line) for line in open(f"{out}/overfit.jsonl") if line.strip()][-1]["summary"]
theirs = json.load(open(f"{out}/ray-2.summary.json"))["summary"]
one_cpu = json.loads(open(f"{out}/ray-1.out").read().strip().splitlines()[-1])["sweep"]
two_cpu = json.loads(open(f"{out}/ray-2.out").read().strip().splitlines()[-1])["sweep"]
ok = True
for run in (one_cpu, two_cpu):
    if run["finished"] != run["trials"] or run["failed"]:
        print(f"not every trial finished: {run}")
        ok = False
if theirs.get("dataset") != "spiral":
    print(f"the CSV names the dataset {theirs.get('dataset')!r}, the sweep ran on spiral")
    ok = False
if theirs["runs"] != ours["runs"]:
    print(f"the CSV has {theirs['runs']} runs, overfit sweep {ours['runs']}")
    ok = False
print(f"{ours['knob']:>8} | runs | overfit sweep: median final val score | Ray (PyTorch) | difference (points)")
for a, b in zip(ours["points"], theirs["points"]):
    x, y = 100 * a["median_final_val_score"], 100 * b["median_final_val_score"]
    same = a["value"] == b["value"] or float(a["value"]) == float(b["value"])
    good = same and abs(x - y) <= limit and a["runs"] == b["runs"]
    ok = ok and good
    print(f"{a['value']!s:>8} | {b['runs']:>4} | {x:36.2f} | {y:13.2f} | {abs(x - y):6.2f}{'' if good else '  FAILED'}")
walls = {c: open(f"{out}/wall-{c}.txt").read().strip() for c in (1, 2)}
print(f"wall time of the Ray sweep ({two_cpu['trials']} trials): 1 CPU {walls[1]} s, 2 CPUs {walls[2]} s "
      f"(the script's own figure: {one_cpu['seconds']} s and {two_cpu['seconds']} s); "
      f"overfit sweep on 2 threads: {ours['seconds']:.2f} s")
sys.exit(0 if ok else 1)
PY
echo "test:ray: passed"
