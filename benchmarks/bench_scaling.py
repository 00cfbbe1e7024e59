"""How Monte Carlo cost grows: batch size (replicas per vectorised batch) and formations.

Run with ``make bench-scaling`` (or ``.venv/bin/python benchmarks/bench_scaling.py``).

* **Batch size**: whole ``two-fronts-1941`` campaigns (100 days, or fewer when
  Moscow falls) through :func:`stavka.sweep.batch.run_batch` at batch sizes
  1, 10, 100, 1,000 and 10,000. Throughput counts the replica-days actually
  simulated. Small batch sizes run several batches so each figure covers
  enough work to time.
* **Formations**: generated scenarios (:mod:`stavka.scenario.synthetic`, a
  24 x 12 grid of 288 regions) with 100 to 10,000 formations, a fixed number of
  replicas and days.

Each configuration runs in a fresh process (so its peak memory is its own:
``ru_maxrss``). Exponents are least-squares slopes of log(time) on log(size).
All figures come from one run on one machine, so ratios between them are
meaningful; absolute numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def _as_a_sweep_worker() -> None:
    """The allocator settings of a sweep's worker process (stavka.malloc), where this
    stavka has them (a checkout from before them is timed as it was)."""
    with contextlib.suppress(ImportError):
        from stavka.malloc import keep_freed_memory

        keep_freed_memory()


def _batch_job(scenario: str, batch: int, batches: int, days: int | None,
               repeat: int, budget_s: float) -> dict[str, float]:
    import stavka
    from stavka.sweep.batch import run_batch

    _as_a_sweep_worker()
    loaded = stavka.load(scenario)
    run_batch(loaded, None, 7, 0, 1, 2)  # warm imports and caches
    times: list[float] = []
    rd = 0
    # best of ``repeat`` identical passes (timeit's rule: the fastest pass is the one
    # least disturbed by the rest of the machine), while within the time budget
    while len(times) < repeat and (not times or sum(times) < budget_s):
        t = time.perf_counter()
        rd = 0
        for k in range(batches):
            out = run_batch(loaded, None, 7, k * batch, batch, days)
            rd += int(out["days"].sum())
        times.append(time.perf_counter() - t)
    return {"seconds": min(times), "replica_days": rd, "passes": len(times),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def _synthetic_job(formations: int, replicas: int, days: int) -> dict[str, float]:
    import stavka
    from stavka.scenario.synthetic import write_synthetic
    from stavka.sweep.batch import run_batch

    _as_a_sweep_worker()
    with tempfile.TemporaryDirectory() as d:
        loaded = stavka.load(write_synthetic(Path(d) / "s.yaml", formations=formations,
                                             days=days))
    run_batch(loaded, None, 7, 0, 1, 2)
    t = time.perf_counter()
    out = run_batch(loaded, None, 7, 0, replicas, days)
    el = time.perf_counter() - t
    return {"seconds": el, "replica_days": int(out["days"].sum()),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def _fresh(fn: Any, *args: Any) -> dict[str, float]:
    """Run ``fn(*args)`` in a fresh process and return its result."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)  # type: ignore[no-any-return]


def slope(x: list[float], y: list[float]) -> float:
    """Least-squares slope of log y on log x."""
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default="two-fronts-1941")
    ap.add_argument("--batches", default="1,10,100,1000,10000")
    ap.add_argument("--formations", default="100,300,1000,3000,10000")
    ap.add_argument("--syn-replicas", type=int, default=20)
    ap.add_argument("--syn-days", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3,
                    help="best of this many passes per batch size (fewer past --budget)")
    ap.add_argument("--budget", type=float, default=20.0,
                    help="no further passes once a batch size has taken this many seconds")
    ap.add_argument("--json", type=Path, help="also write the results here")
    a = ap.parse_args()
    res: dict[str, Any] = {"batch": {}, "formations": {}}
    sizes = [int(x) for x in a.batches.split(",")]
    for b in sizes:
        # at least ~2,000 replica-days per pass
        n = max(1, 20 // b) if b < 10 else (2 if b < 1000 else 1)
        r = _fresh(_batch_job, a.scenario, b, n, None, a.repeat, a.budget)
        r["replica_days_per_s"] = r["replica_days"] / r["seconds"]
        res["batch"][b] = r
        print(f"batch {b:>6}: {r['replica_days_per_s']:>9,.0f} replica-days/s "
              f"({r['replica_days']:,} replica-days in {r['seconds']:.1f} s, "
              f"best of {r['passes']}, "
              f"peak {r['peak_mb']:,.0f} MB)", flush=True)
    if 1 in res["batch"] and 1000 in res["batch"]:
        res["ratio_1000_over_1"] = (res["batch"][1000]["replica_days_per_s"]
                                    / res["batch"][1]["replica_days_per_s"])
        print(f"batch 1,000 / batch 1 throughput: {res['ratio_1000_over_1']:.1f}x")
    # time per day against replicas: over the whole range, and from 100 up (where
    # the fixed Python cost of a day no longer dominates)
    for name, span in (("exponent_replicas_all", sizes),
                       ("exponent_replicas", [b for b in sizes if b >= 100])):
        if len(span) >= 2:
            res[name] = slope([float(b) for b in span],
                              [res["batch"][b]["seconds"] / res["batch"][b]["replica_days"] * b
                               for b in span])
            print(f"time per day against replicas ({span[0]:,}..{span[-1]:,}): "
                  f"exponent {res[name]:.2f}")
    forms = [int(x) for x in a.formations.split(",") if x]
    for f in forms:
        r = _fresh(_synthetic_job, f, a.syn_replicas, a.syn_days)
        r["ms_per_replica_day"] = 1000.0 * r["seconds"] / r["replica_days"]
        res["formations"][f] = r
        print(f"formations {f:>6}: {r['ms_per_replica_day']:8.2f} ms per replica-day "
              f"(R={a.syn_replicas}, peak {r['peak_mb']:,.0f} MB)", flush=True)
    if len(forms) >= 2:
        res["exponent_formations"] = slope([float(f) for f in forms],
                                           [res["formations"][f]["seconds"] for f in forms])
        print(f"time against formations ({forms[0]:,}..{forms[-1]:,}): "
              f"exponent {res['exponent_formations']:.2f}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=1, default=str))


if __name__ == "__main__":
    sys.exit(main())
