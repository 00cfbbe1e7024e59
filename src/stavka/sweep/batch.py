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

from stavka.engine.core import compile_world, step
from stavka.engine.phases.victory import outcome, victory_points
from stavka.engine.rng import Streams
from stavka.enums import ACTIVE, CATS
from stavka.scenario.loader import Loaded
from stavka.world.state import State
from stavka.world.static import Static


def metric_names(loaded: Loaded) -> list[str]:
    """Column names :func:`run_batch` returns, in order (flags first, then numbers)."""
    spec = loaded.spec
    names = [c.id for c in spec.victory.conditions] + ["sudden_death"]
    names += ["winner", "days"]
    sides = list(spec.sides)
    names += [f"vp_{s}" for s in sides]
    names += [f"loss_{s}_{c}" for s in sides for c in CATS]
    names += [f"captured_{s}_men" for s in sides]
    names += [f"strength_{s}_{c}" for s in sides for c in CATS]
    return names


def flag_names(loaded: Loaded) -> list[str]:
    """The boolean outcome columns (victory conditions and sudden death)."""
    return [c.id for c in loaded.spec.victory.conditions] + ["sudden_death"]


def run_batch(loaded: Loaded, params: dict[str, Any] | None, seed: int, first: int,
              count: int, days: int | None = None) -> dict[str, np.ndarray]:
    """Run ``count`` replicas and return ``{metric: array[count]}`` plus ``replica`` and ``key``.

    A replica that reaches sudden death is scored on the day it ends and then
    dropped from the batch, so its row never depends on its batch-mates.
    ``winner`` is the sudden-death winner's side id, or ``""``.
    """
    if count < 1:
        raise ValueError(f"count must be >= 1 (got {count})")
    world = compile_world(loaded.spec, params, replicas=count)
    st = world.static
    rng = Streams.from_seed(seed, count, first=first)
    keys = rng.keys.copy()
    n = st.days if days is None else min(days, st.days)
    rows = np.arange(count)  # row of each live replica
    parts: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    for _ in range(n):
        step(world, (), rng, record=False)
        s = world.state
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
    return out


def _metrics(st: Static, s: State) -> dict[str, np.ndarray]:
    R = s.R
    out: dict[str, np.ndarray] = {}
    for k, v in outcome(st, s).items():
        out[k] = v.astype(bool)
    out["winner"] = np.array([st.side_ids[w] if w >= 0 else "" for w in s.winner], dtype=object)
    out["days"] = np.full(R, s.day, dtype=np.int64)
    vp = victory_points(st, s)
    for si, sid in enumerate(st.side_ids):
        out[f"vp_{sid}"] = vp[:, si].astype(float)
    tot = s.losses.sum(axis=(2, 4))  # [R, S, 4]
    for si, sid in enumerate(st.side_ids):
        for c, cat in enumerate(CATS):
            out[f"loss_{sid}_{cat}"] = np.round(tot[:, si, c])
    for si, sid in enumerate(st.side_ids):
        out[f"captured_{sid}_men"] = np.round(s.losses[:, si, :, 0, 1].sum(axis=1))
    alive = s.status == ACTIVE
    for si, sid in enumerate(st.side_ids):
        m = alive & (st.fside[None, :] == si)
        for c, cat in enumerate(CATS):
            out[f"strength_{sid}_{cat}"] = np.round((s.strength[..., c] * m).sum(axis=1))
    return out
