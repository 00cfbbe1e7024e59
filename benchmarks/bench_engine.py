"""Engine speed on the flagship: ms per simulated day and replica-days per second.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_engine.py``).
All figures come from one run on one machine, so ratios between them are
meaningful; absolute numbers depend on the machine (2 cores here) and its load.
Each configuration is timed ``--repeat`` times and the best is reported.
"""

from __future__ import annotations

import argparse
import json
import time

from stavka.api import Campaign, load
from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams


def single_run(scenario: str, days: int, repeat: int) -> float:
    """ms per simulated day of one full Campaign (events recorded, history kept)."""
    best = float("inf")
    loaded = load(scenario)
    for _ in range(repeat):
        c = Campaign(loaded, seed=7)
        t = time.perf_counter()
        c.run(days)
        best = min(best, (time.perf_counter() - t) / c.day)
    return best * 1000.0


def batch(scenario: str, replicas: int, days: int, repeat: int) -> float:
    """Replica-days per second of one step() call over R replicas (no event records)."""
    spec = load(scenario).spec
    best = float("inf")
    for _ in range(repeat):
        w = compile_world(spec, replicas=replicas)
        rng = Streams.from_seed(7, replicas)
        t = time.perf_counter()
        for _ in range(days):
            step(w, [], rng, record=False)
        best = min(best, time.perf_counter() - t)
    return replicas * days / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default="two-fronts-1941")
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res: dict[str, float] = {"single_ms_per_day": single_run(a.scenario, a.days, a.repeat)}
    for r in (1, 100, 1000):
        days = a.days if r < 1000 else max(10, a.days // 5)
        res[f"replica_days_per_s_R{r}"] = batch(a.scenario, r, days, a.repeat)
    res["ratio_R1000_over_R1"] = res["replica_days_per_s_R1000"] / res["replica_days_per_s_R1"]
    if a.json:
        print(json.dumps(res, indent=1))
        return
    print(f"scenario {a.scenario}, {a.days} days")
    print(f"single campaign (events + history): {res['single_ms_per_day']:.2f} ms/day")
    for r in (1, 100, 1000):
        print(f"step() over R={r:>5}: {res[f'replica_days_per_s_R{r}']:>10,.0f} replica-days/s")
    print(f"R=1000 / R=1 throughput ratio: {res['ratio_R1000_over_R1']:.0f}x")


if __name__ == "__main__":
    main()
