"""A whole Monte Carlo sweep, end to end: wall time and peak memory.

Run with ``make bench-sweep`` (or ``.venv/bin/python benchmarks/bench_sweep.py``).
Default: 10,000 runs of 100 days of ``two-fronts-1941`` with the process
backend on 2 workers, outputs (runs.csv, summary.json, plots) written to a
temporary folder. Peak memory is the largest total resident memory of this
process and all its children, sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import threading
import time
from pathlib import Path

import psutil


class PeakRSS:
    """Samples the resident memory of this process tree in a background thread."""

    def __init__(self, every: float = 0.05):
        self.every, self.peak = every, 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(self.every)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default="two-fronts-1941")
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--backend", default="process")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the results here")
    a = ap.parse_args()
    from stavka.sweep.core import sweep

    with tempfile.TemporaryDirectory() as d, PeakRSS() as mem:
        t = time.perf_counter()
        res = sweep(a.scenario, a.runs, days=a.days, backend=a.backend, workers=a.workers,
                    out=Path(d) / "sweep")
        wall = time.perf_counter() - t
    replica_days = int(res.runs["days"].sum())
    out = {"runs": a.runs, "days": a.days, "backend": a.backend, "workers": a.workers,
           "wall_s": wall, "peak_mb": mem.peak / 2**20, "replica_days": replica_days,
           "replica_days_per_s": replica_days / wall, "batch_size": res.timing["batch_size"]}
    print(f"{a.runs:,} runs x {a.days} days of {a.scenario}, {a.backend} backend, "
          f"{a.workers} workers: {wall:.1f} s wall ({replica_days / wall:,.0f} replica-days/s; "
          f"{replica_days:,} replica-days), peak memory {out['peak_mb']:,.0f} MB, "
          f"batch size {out['batch_size']}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
