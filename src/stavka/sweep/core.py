"""Monte Carlo over whole campaigns: :func:`sweep` plans, runs, resumes and summarises.

Every combination of the varied parameters runs the same replicas ``0..runs-1``
of the master seed: replica ``i`` has the same random key in every
combination (common random numbers), so differences between combinations are
paired comparisons, not two independent samples.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stavka.engine.rng import check_seed, replica_keys
from stavka.errors import InputError, check_count
from stavka.scenario.loader import Loaded
from stavka.sweep.batch import flag_names, metric_names
from stavka.sweep.grid import Grid, make_grid
from stavka.sweep.runner import BACKENDS, CODE_KEY, Columns, SweepError, Task, execute, open_pool
from stavka.sweep.store import (
    BatchKey,
    check_out_dir,
    clean_temporaries,
    code_version,
    daily_files_ok,
    digest,
    history_meta,
    load_batches,
    read_daily,
    restore_daily,
    save_batch,
    save_daily,
    set_aside_daily,
    write_daily_index,
    write_manifest,
)
from stavka.validation.history import split_daily

#: Replicas per vectorised batch, at most (``--batch-size``): per replica-day the engine
#: runs 5-10 % faster at 1,000 than at 500 (fewer calls per replica), and two workers'
#: batches of 1,000 (about 250 MB each) stay far below the machine's memory. The sweep
#: makes batches smaller when that keeps every worker busy (:meth:`_Run.go`).
DEFAULT_BATCH = 1000
# -- limits on what one command asks for (checked before anything is allocated) -------
#: Campaigns in one sweep, all combinations together: every run is a row of the
#: in-memory table and of runs.csv (about 0.3 kB each), so 10 M runs is a few GB.
MAX_TOTAL_RUNS = 10_000_000
#: Combinations of --vary values: each is a row of summary.json (a few kB) and a plot point.
MAX_COMBINATIONS = 100_000
#: Replicas in one vectorised batch: the batch's state arrays are [replicas, formations];
#: 100,000 replicas of the flagship would be about 16 GB.
MAX_BATCH = 100_000
#: Local worker processes (--backend process, or a local dask cluster): each loads the
#: engine (about 100 MB); more than the CPUs only queue.
MAX_WORKERS = 1_024
Progress = Callable[[int, int], None]


@dataclass
class SweepResult:
    """What a sweep returns: the per-run table, the summary (as ``summary.json``) and bookkeeping.

    ``runs`` maps column name to an array with one entry per run, ordered by
    (combination, replica); see :func:`sweep` for the columns.
    """

    runs: dict[str, np.ndarray]
    summary: dict[str, Any]
    grid: Grid
    combos: list[dict[str, Any]]
    flags: list[str]
    numeric: list[str]
    out: Path | None = None
    batches_run: int = 0
    batches_reused: int = 0
    timing: dict[str, Any] = field(default_factory=dict)
    #: with ``record="daily"`` and ``keep_daily``: per combination, its batches' daily
    #: history as ``(first replica, arrays)`` (see :mod:`stavka.validation.history`)
    daily: dict[int, list[tuple[int, dict[str, np.ndarray]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    loaded: Loaded
    grid: Grid
    runs: int
    days: int
    seed: int
    fingerprint: dict[str, Any]
    record: str = ""

    @property
    def digest(self) -> str:
        return digest(self.fingerprint)

    @property
    def columns(self) -> list[str]:
        return ["replica", "key", *metric_names(self.loaded)]


RECORDS = ("", "daily")


def _check_args(runs: int, days: int | None, seed: int, batch_size: int, backend: str,
                workers: int, cluster: str | None, record: str = "") -> None:
    if record not in RECORDS:
        raise InputError(f"--record must be daily (got {record!r})")
    # every count is a whole number (an int: not a bool, a float or a string) in range
    check_count("--runs", runs, 1, MAX_TOTAL_RUNS)
    if days is not None:
        check_count("--days", days, 1)
    check_seed(seed)
    check_count("--batch-size", batch_size, 1, MAX_BATCH)
    if cluster is None:
        check_count("--workers", workers, 1, MAX_WORKERS)
    else:
        check_count("--workers", workers, 1)
    if backend not in BACKENDS:
        raise InputError(f"--backend must be one of {', '.join(BACKENDS)} (got {backend!r})")
    if cluster is not None and backend != "dask":
        raise InputError(f"--cluster needs --backend dask (got --backend {backend})")


def _plan(loaded: Loaded, vary: Mapping[str, str | Sequence[Any]], runs: int,
          days: int | None, seed: int, record: str = "") -> _Plan:
    grid = make_grid(loaded, vary)
    if grid.size > MAX_COMBINATIONS:
        raise InputError(f"--vary gives {grid.size:,} combinations (at most "
                         f"{MAX_COMBINATIONS:,})")
    if grid.size * runs > MAX_TOTAL_RUNS:
        raise InputError(f"--runs {runs:,} x {grid.size:,} combinations of --vary is "
                         f"{grid.size * runs:,} campaigns (at most {MAX_TOTAL_RUNS:,})")
    spec = loaded.spec
    # every combination's parameters checked together, up front (a date before the
    # campaign, a value a field cannot take): one line and exit 2, not a failing batch
    from stavka.world.static import resolve_params

    for combo in grid.combos()[:10_000]:  # in order: the first bad one is reported
        resolve_params(spec, combo)
    eff_days = spec.days if days is None else min(days, spec.days)
    fp = {
        "scenario": spec.id, "scenario_hash": loaded.hash, "code": code_version(),
        "combat_model": str(spec.combat_model), "runs": runs, "days": eff_days, "seed": seed,
        "vary": grid.as_json(), "metrics": metric_names(loaded),
    }
    if record:  # only then: a sweep without recording keeps its identity (and stored batches)
        fp["record"] = record
    return _Plan(loaded, grid, runs, eff_days, seed, fp, record)


def _missing(runs: int, have: list[BatchKey]) -> list[tuple[int, int]]:
    """Replica ranges ``(first, count)`` of ``0..runs-1`` not covered by ``have``."""
    covered = np.zeros(runs + 2, dtype=bool)
    covered[0] = covered[-1] = True  # sentinels
    for k in have:
        covered[1 + k.first:1 + min(k.first + k.count, runs)] = True
    edges = np.flatnonzero(np.diff(covered.astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]  # falls then rises, shifted by the sentinel
    return [(int(s), int(e - s)) for s, e in zip(starts, ends, strict=True)]


def _tasks(plan: _Plan, stored: list[BatchKey], batch: int) -> list[Task]:
    by_combo: dict[int, list[BatchKey]] = {}
    for k in stored:
        by_combo.setdefault(k.combo, []).append(k)
    out: list[Task] = []
    spec = plan.loaded.spec
    steps = (spec.days if plan.days is None else plan.days) * 24 // spec.step_hours
    for c, params in enumerate(plan.grid.combos()):
        items = tuple(params.items())
        for first, count in _missing(plan.runs, by_combo.get(c, [])):
            for f in range(first, first + count, batch):
                key = BatchKey(c, f, min(batch, first + count - f))
                out.append(Task(key, items, plan.seed, plan.days, plan.record, steps))
    return out


def _assemble(plan: _Plan, batches: list[tuple[BatchKey, Columns]]) -> dict[str, np.ndarray]:
    """The per-run table from finished batches: deduplicated by (combo, replica), complete."""
    C, N = plan.grid.size, plan.runs
    names = plan.columns
    if not batches:
        raise SweepError("no finished batches to assemble")
    combo = np.concatenate([np.full(k.count, k.combo, dtype=np.int64) for k, _ in batches])
    cols = {n: np.concatenate([b[n] for _, b in batches]) for n in names}
    mine = cols["replica"] < N  # stored runs beyond --runs (a larger earlier sweep) stay out
    combo = combo[mine]
    cols = {n: v[mine] for n, v in cols.items()}
    row = combo * N + cols["replica"]
    uniq, first = np.unique(row, return_index=True)
    if len(uniq) != C * N or not np.array_equal(uniq, np.arange(C * N)):
        raise SweepError(f"incomplete sweep: {len(uniq)} of {C * N} runs finished")
    keys = replica_keys(plan.seed, N)
    if not np.array_equal(cols["key"][first], np.tile(keys, C)):
        raise SweepError("stored batches do not match the seed's replica keys")
    table: dict[str, np.ndarray] = {
        "run_id": uniq.astype(np.int64),
        "combo": uniq // N,
    }
    for j, name in enumerate(plan.grid.names):
        idx = np.unravel_index(table["combo"], [len(v) for v in plan.grid.values])[j]
        table[name] = _param_column(plan, name, idx, j)
    table["seed"] = np.full(C * N, plan.seed, dtype=np.int64)
    for n in names:
        table[n] = cols[n][first]
    return table


def _param_column(plan: _Plan, name: str, idx: np.ndarray, j: int) -> np.ndarray:
    """The values of varied parameter ``j`` per run, typed (dates stay ``datetime.date``)."""
    p = plan.loaded.spec.parameters.get(name)
    typ = p.type if p is not None else "float"  # a rule (rules.NAME) is a float
    vals = plan.grid.values[j]
    dtype: Any = {"int": np.int64, "float": np.float64, "bool": bool}.get(typ, object)
    arr = np.empty(len(vals), dtype=dtype)
    arr[:] = list(vals)
    return arr[idx]


def sweep(scenario: str | os.PathLike[str] | Loaded, runs: int, *,
          vary: Mapping[str, str | Sequence[Any]] | None = None, days: int | None = None,
          seed: int = 0, batch_size: int = DEFAULT_BATCH, backend: str = "process",
          workers: int | None = None, cluster: str | None = None,
          out: str | os.PathLike[str] | None = None, progress: Progress | None = None,
          plots: bool = True, on_warning: Callable[[str], None] | None = None,
          record: str = "", keep_daily: bool = False) -> SweepResult:
    """Run ``runs`` whole campaigns for every combination of ``vary`` and summarise them.

    ``vary`` maps parameter names to a VALUES string (``"0..18:6"``,
    ``"0,6,12"``) or a list of values; several give their cartesian product.
    Each batch holds at most ``batch_size`` replicas and runs on ``backend``
    (``serial``, ``process`` or ``dask``; ``cluster`` is a dask scheduler
    address). With ``out``, finished batches are stored there, a re-run
    resumes from them (or extends them: a larger ``runs`` runs only the new
    replicas, a smaller one reuses the first), and ``runs.csv``,
    ``summary.json``, ``sensitivity.csv``, plots and ``report.md`` are written;
    without it nothing is written.
    ``progress(done_runs, total_runs)`` is called as batches finish.
    ``on_warning(text)`` hears of stored batches that were discarded (default: a
    ``warning:`` line on stderr).
    ``record="daily"`` also records every run's daily history (owner changes; per day,
    side and front: strength, encircled men, losses by category and cause): written
    to ``out/daily/`` (README, "Daily history") and, with ``keep_daily`` or without
    ``out``, returned in the result's ``daily``. It changes no run and no column.

    The result's ``runs`` table has ``run_id``, ``combo``, one column per
    varied parameter, ``seed``, ``replica``, ``key`` and every metric of
    :func:`stavka.sweep.batch.metric_names`. Results are identical whatever
    the backend, workers and batch size.
    """
    from stavka.api import load
    from stavka.sweep.output import write_outputs
    from stavka.sweep.summary import summarise

    t0 = time.perf_counter()
    nworkers = workers if workers is not None else (os.cpu_count() or 1)
    _check_args(runs, days, seed, batch_size, backend, nworkers, cluster, record)
    loaded = scenario if isinstance(scenario, Loaded) else load(Path(scenario))
    plan = _plan(loaded, vary or {}, runs, days, seed, record)
    out_dir = Path(out) if out is not None else None
    existing = out_dir is not None and check_out_dir(out_dir, plan.fingerprint)
    if out_dir is not None and existing:
        clean_temporaries(out_dir)  # left by a run killed mid-write
    warn = on_warning if on_warning is not None else (
        lambda text: print(f"warning: {text}", file=sys.stderr))
    stored = (load_batches(out_dir, plan.digest, plan.columns, on_discard=warn)
              if out_dir is not None and existing else [])
    if record and out_dir is not None:
        _write(lambda: restore_daily(out_dir), out_dir)
        # a batch whose daily files are gone runs again, and so does one that reaches
        # beyond --runs (an earlier, larger sweep), short: daily/ is then exactly this
        # sweep's runs, as runs.csv is
        stored = [(k, c) for k, c in stored
                  if k.first + k.count <= runs and daily_files_ok(out_dir, k, warn)]
    else:  # stored runs beyond --runs stay out of the table (and of the count reused)
        stored = [(k, c) for k, c in stored if k.first < runs]
    stored = _disjoint(stored)
    keep = record != "" and (keep_daily or out_dir is None)
    total = plan.grid.size * runs
    have = [k for k, _ in stored]
    todo = sum(c for _, c in _missing_all(plan, have))
    if progress is not None:
        progress(total - todo, total)
    run = _Run(plan, have, out_dir, existing, progress, total, keep)
    if todo:
        run.go(backend, min(nworkers, todo), cluster, batch_size, todo)
    batches = list(stored) + run.finished
    table = _assemble(plan, batches)
    summary = summarise(plan.loaded, plan.grid, table, runs, plan.days, seed, plan.fingerprint)
    timing = {"wall_s": round(time.perf_counter() - t0, 3), "backend": backend,
              "slots": run.slots, "batch_size": run.batch, "batches_run": len(run.tasks),
              "batches_reused": len(stored), "runs_run": todo, "retries": run.retries}
    res = SweepResult(table, summary, plan.grid, plan.grid.combos(), flag_names(loaded),
                      summary["numeric"], out_dir, len(run.tasks), len(stored), timing)
    if keep:
        res.daily = _daily(plan, out_dir, [k for k, _ in stored], run.daily)
    if record and out_dir is not None:
        keys = sorted([k for k, _ in stored] + [k for k, _ in run.finished],
                      key=lambda k: (k.combo, k.first))
        _write(lambda: set_aside_daily(out_dir, keys), out_dir)
        _write(lambda: write_daily_index(out_dir, keys, plan.grid), out_dir)
    if out_dir is not None:
        if existing:  # record this run count (the identity is unchanged: checked above)
            _write(lambda: write_manifest(out_dir, plan.fingerprint), out_dir)
        write_outputs(res, plots=plots)
    return res


def _disjoint(stored: list[tuple[BatchKey, Columns]]) -> list[tuple[BatchKey, Columns]]:
    """Stored batches that do not overlap, per combination: from the first replica up,
    the longest batch at each start and then none that overlaps it (folders resumed at
    other sizes hold batches that overlap). The rest are left out: a replica only they
    held runs again, and their daily files are set aside."""
    out: list[tuple[BatchKey, Columns]] = []
    end: dict[int, int] = {}
    for k, c in sorted(stored, key=lambda kc: (kc[0].combo, kc[0].first, -kc[0].count)):
        if k.first >= end.get(k.combo, 0):
            out.append((k, c))
            end[k.combo] = k.first + k.count
    return out


def _missing_all(plan: _Plan, stored: list[BatchKey]) -> list[tuple[int, int]]:
    return [m for c in range(plan.grid.size)
            for m in _missing(plan.runs, [k for k in stored if k.combo == c])]


class _Run:
    """Running the missing batches of a plan: stores each as it finishes, counts progress."""

    def __init__(self, plan: _Plan, have: list[BatchKey], out: Path | None, existing: bool,
                 progress: Progress | None, total: int, keep_daily: bool = False):
        self.plan, self.have, self.out, self.existing = plan, have, out, existing
        self.progress, self.total = progress, total
        self.keep_daily = keep_daily
        self.daily: dict[BatchKey, dict[str, np.ndarray]] = {}
        self._meta: Any = None
        self.finished: list[tuple[BatchKey, Columns]] = []
        self.tasks: list[Task] = []
        self.done = total - sum(c for _, c in _missing_all(plan, have))
        self.slots, self.batch, self.retries = 0, 0, 0

    def go(self, backend: str, workers: int, cluster: str | None, batch_size: int,
           todo: int) -> None:
        """Open the backend, size the batches to its slots, run them all."""
        with open_pool(backend, self.plan.loaded, workers, cluster) as pool:
            self.slots = pool.slots if pool is not None else 1
            # at most batch_size, but small enough to keep every slot busy twice over
            self.batch = (batch_size if pool is None
                          else max(1, min(batch_size, math.ceil(todo / (2 * self.slots)))))
            self.tasks = _tasks(self.plan, self.have, self.batch)
            if self.out is not None and not self.existing:  # backend is up: claim the dir
                out = self.out
                _write(lambda: write_manifest(out, self.plan.fingerprint), out)
            self.retries = execute(self.tasks, self.plan.loaded, pool, self.on_done)
        self.finished.sort(key=lambda kc: (kc[0].combo, kc[0].first))

    def on_done(self, task: Task, cols: Columns) -> None:
        """Check, store (atomically) and count one finished batch."""
        want = self.plan.fingerprint["code"]
        code = str(cols.pop(CODE_KEY, want))  # absent when run in this process
        if code != want:
            raise SweepError(f"a worker runs other stavka code ({code}, here {want}): "
                             "install the same on every worker")
        daily = split_daily(cols)  # never in the batch's .npz
        if self.out is not None:
            out = self.out
            if daily is not None:  # before the batch: a stored batch has its daily files
                meta = self.meta()
                _write(lambda: save_daily(out, task.key, daily, meta), out)
            _write(lambda: save_batch(out, task.key, self.plan.digest, cols), out)
        if daily is not None and self.keep_daily:
            self.daily[task.key] = daily
        self.finished.append((task.key, cols))
        self.done += task.key.count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def meta(self) -> Any:
        if self._meta is None:
            self._meta = history_meta(self.plan.loaded, self.plan.days)
        return self._meta


def _daily(plan: _Plan, out: Path | None, stored: list[BatchKey],
           fresh: dict[BatchKey, dict[str, np.ndarray]]
           ) -> dict[int, list[tuple[int, dict[str, np.ndarray]]]]:
    """Every combination's daily history: fresh batches from memory, stored ones read back.

    Only replicas ``0..runs-1``, each once (a stored batch may reach beyond ``runs``).
    """
    meta = history_meta(plan.loaded, plan.days)
    got: dict[BatchKey, dict[str, np.ndarray]] = dict(fresh)
    for k in stored:
        if k not in got and out is not None:
            got[k] = read_daily(out, k, meta)
    byc: dict[int, list[tuple[int, dict[str, np.ndarray]]]] = {}
    for k in sorted(got, key=lambda k: (k.combo, k.first)):
        byc.setdefault(k.combo, []).append((k.first, got[k]))
    return {c: _trim(parts, plan.runs) for c, parts in byc.items()}


def _trim(parts: list[tuple[int, dict[str, np.ndarray]]], runs: int
          ) -> list[tuple[int, dict[str, np.ndarray]]]:
    """Keep replicas ``0..runs-1`` once each (batches may overlap or reach beyond)."""
    seen = np.zeros(runs, dtype=bool)
    out = []
    for first, a in parts:
        n = len(a["last_day"])
        reps = np.arange(first, first + n)
        keep = (reps < runs) & ~seen[np.minimum(reps, runs - 1)]
        if not keep.any():
            continue
        seen[reps[keep]] = True
        idx = np.nonzero(keep)[0]
        lo, hi = first + idx[0], first + idx[-1] + 1

        def events(ev: np.ndarray, lo: int = lo, hi: int = hi) -> np.ndarray:
            return ev[(ev[:, 0] >= lo) & (ev[:, 0] < hi)]

        b = dict(a)
        b["fronts"], b["last_day"] = a["fronts"][idx], a["last_day"][idx]
        b["owners"], b["wars"] = events(a["owners"]), events(a["wars"])
        out.append((int(lo), b))
    return out


def _write(fn: Callable[[], Any], out: Path) -> None:
    try:
        fn()
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write there ({exc.strerror or exc})") from None

