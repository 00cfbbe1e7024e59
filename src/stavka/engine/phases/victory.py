"""Phase 8, victory: sudden death and the victory conditions.

The flags of ``victory.conditions`` are evaluated by :func:`outcome` (used by
summaries and sweeps); this phase only ends replicas where a sudden-death
region has fallen.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stavka.engine.context import Ctx
from stavka.world.state import State
from stavka.world.static import Static


def run(ctx: Ctx) -> None:
    """End every replica where a side holds one of its sudden-death regions.

    Reads: ownership ``State.owner`` [R, N] and ``victory.sudden_death`` (region ->
    side). Writes: ``State.over`` [R] and ``State.winner`` [R] (side index), and a
    ``victory`` event. The victory-condition flags are not evaluated here
    (:func:`outcome`).
    """
    st, s = ctx.st, ctx.s
    for node, side in st.spec.victory.sudden_death.items():
        n, si = st.node(node), st.side(side)
        hit = (s.owner[:, n] == si) & ~s.over
        if hit.any():
            s.over[hit] = True
            s.winner[hit] = si
            for r in np.nonzero(hit)[0]:
                ctx.emit("victory", r, place=n, side=si, reason=f"{st.side_ids[si]} takes {node}")


def victory_points(st: Static, s: State) -> np.ndarray:
    """Victory points held by each side [R, S]."""
    vp = np.zeros((s.R, st.S))
    for si in range(st.S):
        vp[:, si] = ((s.owner == si) * st.vp[None, :]).sum(axis=1)
    return vp


def outcome(st: Static, s: State) -> dict[str, np.ndarray]:
    """Outcome flags per replica: each victory condition, plus sudden death."""
    out: dict[str, Any] = {}
    ev_ids = [e.id for e in st.spec.events]
    for c in st.spec.victory.conditions:
        flag = np.ones(s.R, dtype=bool)
        if c.hold is not None:
            holder = st.side(c.side) if c.side else int(st.owner0[st.node(c.hold)])
            flag &= s.owner[:, st.node(c.hold)] == holder
        if c.event is not None:
            flag &= s.fired[:, ev_ids.index(c.event)]
        out[c.id] = flag
    out["sudden_death"] = s.over.copy()
    return out
