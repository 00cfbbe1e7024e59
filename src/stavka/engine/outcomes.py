"""Outcome metrics, declared once: name -> function of the state, per replica.

``Campaign.summary`` (:mod:`stavka.api`) and every sweep's ``runs.csv``
(:mod:`stavka.sweep.batch`) read their outcomes from :func:`evaluate`, so a metric
means the same thing in both. Counts are whole numbers (the fixed-point counts of
:mod:`stavka.world.counts`, rounded); ``vp_*`` are victory points; flags are bools.

Per scenario, in this order (:func:`metric_names`):

* one flag per victory condition (its ``id``), then ``sudden_death``;
* ``winner`` (the sudden-death winner's side id, or ``""``) and ``days`` (days run);
* ``vp_<side>``: victory points held;
* ``loss_<side>_<category>``: losses of all causes, men/tanks/guns/aircraft;
* ``captured_<side>_men``: men lost as prisoners (surrenders);
* ``strength_<side>_<category>``: strength of the side's formations in play;
* with a ``diplomacy:`` block, its columns (:func:`stavka.engine.diplomacy.metric_names`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stavka.engine import diplomacy
from stavka.engine.phases.victory import outcome, victory_points
from stavka.enums import ACTIVE, C_CAPTURED, CATS
from stavka.scenario.schema import Scenario
from stavka.world.state import State
from stavka.world.static import Static


def flag_names(spec: Scenario) -> list[str]:
    """The boolean outcomes: each victory condition's id, then ``sudden_death``."""
    return [c.id for c in spec.victory.conditions] + ["sudden_death"]


def metric_names(spec: Scenario) -> list[str]:
    """Every outcome's name, in the order :func:`evaluate` returns them."""
    sides = list(spec.sides)
    return (flag_names(spec) + ["winner", "days"]
            + [f"vp_{s}" for s in sides]
            + [f"loss_{s}_{c}" for s in sides for c in CATS]
            + [f"captured_{s}_men" for s in sides]
            + [f"strength_{s}_{c}" for s in sides for c in CATS]
            + diplomacy.metric_names(spec))


def evaluate(st: Static, s: State) -> dict[str, np.ndarray]:
    """Every outcome of every replica: ``{name: array[R]}`` in :func:`metric_names` order
    (flags bool, ``winner`` object (str), ``days`` int64, the rest float64)."""
    R = s.R
    out: dict[str, Any] = {}
    for k, v in outcome(st, s).items():
        out[k] = v.astype(bool)
    out["winner"] = np.array([st.side_ids[w] if w >= 0 else "" for w in s.winner], dtype=object)
    out["days"] = np.full(R, s.day, dtype=np.int64)
    vp = victory_points(st, s)
    for si, sid in enumerate(st.side_ids):
        out[f"vp_{sid}"] = vp[:, si].astype(float)
    tot = s.losses.sum(axis=(2, 4))  # [R, S, 4]: exact (counts are fixed-point)
    for si, sid in enumerate(st.side_ids):
        for c, cat in enumerate(CATS):
            out[f"loss_{sid}_{cat}"] = np.round(tot[:, si, c])
    for si, sid in enumerate(st.side_ids):
        out[f"captured_{sid}_men"] = np.round(s.losses[:, si, :, 0, C_CAPTURED].sum(axis=1))
    alive = s.status == ACTIVE
    for si, sid in enumerate(st.side_ids):
        m = alive & (st.fside[None, :] == si)
        for c, cat in enumerate(CATS):
            out[f"strength_{sid}_{cat}"] = np.round((s.strength[..., c] * m).sum(axis=1))
    out.update(diplomacy.metrics(st, s))
    return out
