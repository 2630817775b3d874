
# ============================================================================================
# The sweep on Ray Tune
# ============================================================================================
# Everything above is the PyTorch export of one run (`run(cfg, args, report)`). Below, Ray Tune
# runs that one function once per trial: a grid over the sweep's cells (each value of the knob,
# times each value of the series knob) and its seeds. Each trial reports its epochs to Tune as
# they finish; the driver collects one row per trial and writes the CSV of the page's sweep
# export, which the Experiments tab imports (Import CSV) and draws beside the browser's sweeps.

#%= sweep


def trial_config(cell, seed_index):
    """One trial's config: CONFIG with the cell's fields (the knob's value and the series knob's,
    as Overfit's sweep sets them) and the seed base + seed index (wrapping at 2^32), as
    `overfit sweep` expands its runs."""
    cfg = dict(CONFIG)
    cfg.update(CELLS[cell]["fields"])
    cfg["seed"] = (CONFIG["seed"] + seed_index) % (1 << 32)
    return cfg


def best_record(history):
    """The epoch of lowest validation loss (the first of equals), as Overfit's record takes it;
    None when no epoch had a finite validation loss."""
    ranked = [r for r in history if r["val_loss"] is not None]
    return min(ranked, key=lambda r: r["val_loss"]) if ranked else None


def trial_row(cell, seed_index, cfg, history, summary):
    """The trial's row of the CSV, column by column (see COLUMNS)."""
    score = "r2" if is_regression(cfg) else "acc"
    last = history[-1] if history else {}
    best = best_record(history) or {}
    fit = None
    if not is_regression(cfg):
        # Zhang et al.'s "time to overfit": the first epoch that predicts every training label.
        fit = next((r["epoch"] for r in history if r["train_acc"] is not None and r["train_acc"] >= 1.0), None)
    row = {
        "run": cell * SEEDS + seed_index,
        KNOB: CELLS[cell]["value"],
        "seed": cfg["seed"],
        "epochs": summary["epochs"],
        "steps": summary["steps"],
        "final_train_loss": last.get("train_loss"),
        "final_val_loss": last.get("val_loss"),
        "final_train_score": last.get(f"train_{score}"),
        "final_val_score": last.get(f"val_{score}"),
        "best_train_loss": best.get("train_loss"),
        "best_val_loss": best.get("val_loss"),
        "best_train_score": best.get(f"train_{score}"),
        "best_val_score": best.get(f"val_{score}"),
        "best_epoch": best.get("epoch", 0),
        "fit_epoch": fit,
        "early_stopped": summary["early_stopped"],
        "diverged": summary["diverged_at_step"] is not None,
        "dataset": cfg["dataset"],
    }
    if SERIES_KNOB is not None:
        row[SERIES_KNOB] = CELLS[cell]["series"]
    return row


def tune_report(metrics):
    """Ray Tune's report for function trainables (`ray.tune.report` from Ray 2.41 on, before that
    `ray.train.report`)."""
    try:
        from ray.tune import report
    except ImportError:
        from ray.train import report
    report(metrics)


def trial(params, source=None):
    """Tune's trainable. Ray ships a function defined in the driver's script by value, and the
    classes above (the data, the layers) do not travel that way; so the trial carries this
    script's text (put once into Ray's object store by `tune.with_parameters`) and runs it as a
    module of its own on the worker, where `run_trial` does the work. No file has to exist on the
    cluster's nodes."""
    import types

    module = types.ModuleType("overfit_sweep_trial")
    module.__file__ = "sweep_ray.py"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    module.run_trial(params)


def run_trial(params):
    """One trial: the run of one cell and seed, its epochs reported to Tune as they finish, then
    its CSV row (as JSON, beside the numbers Tune can plot)."""
    threads = int(params.get("threads", 1))
    if threads > 0:
        torch.set_num_threads(threads)
    cell, seed_index = params["cell"], params["seed_index"]
    cfg = trial_config(cell, seed_index)
    args = argparse.Namespace(device=params.get("device", "cpu"), digits=params.get("digits"), images=None)

    def report(record):
        tune_report({k: v for k, v in record.items() if isinstance(v, (int, float)) and not isinstance(v, bool)})

    history, summary = run(cfg, args, report=report, echo=False)
    row = trial_row(cell, seed_index, cfg, history, summary)
    final = {k: v for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    final["row_json"] = json.dumps(row)
    final["done"] = True
    tune_report(final)


def csv_cell(v):
    """A cell as the page's CSV export writes it: empty for none, true/false, numbers in their
    shortest form, text quoted only when it must be."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    s = str(v)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        f.write(",".join(COLUMNS) + "\n")
        for row in sorted(rows, key=lambda r: r["run"]):
            f.write(",".join(csv_cell(row.get(c)) for c in COLUMNS) + "\n")


def parse_sweep_args():
    parser = argparse.ArgumentParser(description="An Overfit sweep exported for Ray Tune.")
    parser.add_argument("--out", default="sweep_results.csv", help="the CSV written at the end (default sweep_results.csv)")
    parser.add_argument("--cpus", type=int, default=None,
                        help="CPUs of the local Ray started when RAY_ADDRESS is not set (default: all of this machine)")
    parser.add_argument("--cpus-per-trial", type=float, default=1, help="CPUs Tune reserves per trial (default 1)")
    parser.add_argument("--gpus-per-trial", type=float, default=0, help="GPUs Tune reserves per trial (default 0)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda, as for the one-run export (default cpu)")
    parser.add_argument("--storage", default=None,
                        help="Ray Tune's storage path: a folder every node can reach on a cluster (default ~/ray_results)")
#% if digits
    parser.add_argument(
        "--digits",
        default=str(Path(__file__).resolve().parent / "data" / "digits.bin"),
        help="Overfit's data/digits.bin, at this path on every node (default: data/digits.bin next to this script)",
    )
#% endif
    return parser.parse_args()


def sweep_main():
    args = parse_sweep_args()
    import ray
    from ray import tune

    try:
        from ray.tune import RunConfig
    except ImportError:
        from ray.train import RunConfig
    started = time.time()
    # RAY_ADDRESS (or `ray start --head` on this machine, found by "auto") joins a cluster;
    # without it, Ray starts on this machine with --cpus CPUs.
    if os.environ.get("RAY_ADDRESS"):
        ray.init(address=os.environ["RAY_ADDRESS"])
    else:
        ray.init(num_cpus=args.cpus)
    params = {
        "cell": tune.grid_search(list(range(len(CELLS)))),
        "seed_index": tune.grid_search(list(range(SEEDS))),
        "device": args.device,
        "digits": str(Path(args.digits).resolve()) if getattr(args, "digits", None) else None,
        "threads": max(1, int(args.cpus_per_trial)),
    }
    source = Path(__file__).read_text()
    trainable = tune.with_resources(
        tune.with_parameters(trial, source=source), {"cpu": args.cpus_per_trial, "gpu": args.gpus_per_trial}
    )
    tuner = tune.Tuner(
        trainable,
        param_space=params,
        run_config=RunConfig(name="overfit-sweep", storage_path=args.storage, verbose=1),
    )
    results = tuner.fit()
    rows, failed = [], 0
    for result in results:
        row = (result.metrics or {}).get("row_json")
        if result.error is not None or row is None:
            failed += 1
            print(f"a trial failed: {result.error}", file=sys.stderr)
            continue
        rows.append(json.loads(row))
    write_csv(args.out, rows)
    total = len(CELLS) * SEEDS
    print(json.dumps({"sweep": {"trials": total, "finished": len(rows), "failed": failed,
                                "csv": args.out, "seconds": round(time.time() - started, 1)}}), flush=True)
    sys.exit(0 if len(rows) == total else 1)


if __name__ == "__main__":
    sweep_main()
