# The numpy reference of `npm run bench` (optional: skipped when numpy is missing): the MLP
# workload of bench/common.mjs trained with numpy on OpenBLAS, one thread (the caller sets
# OPENBLAS_NUM_THREADS=1 and friends). Same step as the other engines: forward, softmax
# cross-entropy (batch mean), backward, plain SGD. Prints one JSON object on stdout.
import json
import sys
import time

import numpy as np

WORKLOADS = {
    "mlp": (784, [256, 256], 10, 64),
    "spiral": (2, [64, 64], 3, 32),
    "single": (784, [256, 256], 10, 1),
}
LR = np.float32(0.01)


def build(features, hidden, classes, batch, seed=1):
    rng = np.random.default_rng(seed)
    widths = [features] + hidden + [classes]
    ws = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32) for a, b in zip(widths, widths[1:])]
    bs = [np.zeros(b, np.float32) for b in widths[1:]]
    pool = [(rng.standard_normal((batch, features)).astype(np.float32), rng.integers(0, classes, batch)) for _ in range(8)]
    state = {"next": 0}

    def step(n):
        for _ in range(n):
            x, y = pool[state["next"]]
            state["next"] = (state["next"] + 1) % len(pool)
            acts, pre = [x], []
            for l, (w, b) in enumerate(zip(ws, bs)):
                z = acts[-1] @ w
                z += b
                pre.append(z)
                acts.append(np.maximum(z, 0) if l + 1 < len(ws) else z)
            s = acts[-1]
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(y)), y] -= 1
            d = p * np.float32(1.0 / len(y))
            for l in range(len(ws) - 1, -1, -1):
                dw = acts[l].T @ d
                db = d.sum(axis=0)
                if l > 0:
                    d = d @ ws[l].T
                    d *= pre[l - 1] > 0
                ws[l] -= LR * dw
                bs[l] -= LR * db

    return step


def flops(features, hidden, classes, batch):
    widths = [features] + hidden + [classes]
    return sum((2 if l == 0 else 3) * 2 * batch * a * b for l, (a, b) in enumerate(zip(widths, widths[1:])))


def time_steps(step, runs=7, warmup=1.0, run_seconds=0.6):
    n, spent = 1, 0.0
    while spent < warmup:
        t = time.perf_counter()
        step(n)
        dt = time.perf_counter() - t
        spent += dt
        if dt < 0.1:
            n *= 2
    t = time.perf_counter()
    step(n)
    per_run = max(1, round(n / (time.perf_counter() - t) * run_seconds))
    wall, cpu = [], []
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        step(per_run)
        wall.append(per_run / (time.perf_counter() - t))
        cpu.append(per_run / max(time.process_time() - c, 1e-9))
    return {"steps_per_sec": float(np.median(wall)), "cpu_steps_per_sec": float(np.median(cpu)), "runs": wall, "cpu_runs": cpu, "steps_per_run": per_run}


def main():
    quick = len(sys.argv) > 1 and sys.argv[1] == "quick"
    opts = {"runs": 5, "warmup": 0.3, "run_seconds": 0.2} if quick else {}
    results = []
    for key, w in WORKLOADS.items():
        t = time_steps(build(*w), **opts)
        t.update(workload=key, gflops=t["steps_per_sec"] * flops(*w) / 1e9, ms_per_step=1e3 / t["steps_per_sec"])
        results.append(t)
    print(json.dumps({"engine": "numpy", "numpy": np.__version__, "results": results}))


main()
