"""Run one batch of replicas of one parameter combination: the unit of work of a sweep.

A batch is replicas ``first .. first+count-1`` of master ``seed`` (their keys
come from ``SeedSequence(seed).spawn``), run as one vectorised world for
``days`` days without event records. The result is one row per replica of
outcome metrics, as columns. Because each replica's random numbers depend only
on its own key, a replica's row is the same whatever batch it runs in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stavka.engine import outcomes
from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams
from stavka.scenario.loader import Loaded


def metric_names(loaded: Loaded) -> list[str]:
    """Column names :func:`run_batch` returns, in order (:func:`stavka.engine.outcomes.metric_names`)."""
    return outcomes.metric_names(loaded.spec)


def flag_names(loaded: Loaded) -> list[str]:
    """The boolean outcome columns (victory conditions and sudden death)."""
    return outcomes.flag_names(loaded.spec)


def run_batch(loaded: Loaded, params: dict[str, Any] | None, seed: int, first: int,
              count: int, days: int | None = None, record: str = "") -> dict[str, np.ndarray]:
    """Run ``count`` replicas and return ``{metric: array[count]}`` plus ``replica`` and ``key``.

    A replica that reaches sudden death is scored on the day it ends and then
    dropped from the batch, so its row never depends on its batch-mates.
    ``winner`` is the sudden-death winner's side id, or ``""``.
    With ``record="daily"`` the result also holds the batch's daily history, the
    ``daily.*`` arrays of :class:`stavka.validation.history.DailyRecorder` (read from
    the state after each day; the runs and their outcome columns are unchanged).
    """
    if record not in ("", "daily"):
        raise ValueError(f"record must be '' or 'daily' (got {record!r})")
    if count < 1:
        raise ValueError(f"count must be >= 1 (got {count})")
    world = compile_world(loaded.spec, params, replicas=count)
    st = world.static
    rng = Streams.from_seed(seed, count, first=first)
    keys = rng.keys.copy()
    n = st.days if days is None else min(days, st.days)
    rows = np.arange(count)  # row of each live replica
    rec = None
    if record:
        from stavka.validation.history import DailyRecorder

        rec = DailyRecorder(st, world.state, first, n)
    parts: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    spd = st.steps_per_day  # steps in a day (Scenario.step_hours; 1 at 24 hours)
    for i in range(n * spd):
        step(world, (), rng, record=False)
        s = world.state
        # the daily history: at each day's end, and before ended replicas leave the batch
        if rec is not None and ((i + 1) % spd == 0 or s.over.any()):
            rec.record(s, rows)
        if s.over.any():
            ended = np.nonzero(s.over)[0]
            parts.append((rows[ended], _metrics(st, s.take(ended))))
            live = np.nonzero(~s.over)[0]
            if live.size == 0:
                rows = rows[:0]
                break
            world.state = s.take(live)
            rng = rng.subset(live)
            rows = rows[live]
    if rows.size:
        parts.append((rows, _metrics(st, world.state)))
    out: dict[str, np.ndarray] = {
        "replica": np.arange(first, first + count, dtype=np.int64),
        "key": keys,
    }
    for name in parts[0][1]:
        col = np.empty(count, dtype=parts[0][1][name].dtype)
        for r, m in parts:
            col[r] = m[name]
        out[name] = col
    if rec is not None:
        out.update(rec.result())
    return out


_metrics = outcomes.evaluate
