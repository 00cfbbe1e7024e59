"""Morale that can collapse: panic that spreads, desertion, dissolution, the state of siege
and blocking detachments (issue 14). Called by the supply phase after the day's supply,
encirclement and recovery of morale (:func:`run`); one rule each, in this order:

1. **Caps.** A side under a state of siege (``State.siege``) holds its formations' morale
   at or below ``rules.siege_morale_cap``; formations in a region where their side has a
   blocking detachment (an active formation tagged ``blocking``) at or below
   ``rules.blocking_morale_cap``.
2. **Panic spreads** toward a broken neighbour: a formation whose morale is below
   ``rules.panic_morale`` is broken. Every other formation of its side in its region or a
   neighbouring one (land, sea or river link) loses ``rules.panic_spread_per_day`` x dt of
   the gap between its morale and the lowest broken neighbour's::

       m <- m - spread * dt * (m - m_broken)        (only where m_broken < m)

3. **Desertion** grows linearly as the *effective* morale ``m_e`` (the morale plus the
   bonus of the formation's commanders, :func:`stavka.engine.commanders.morale_bonus`,
   clipped to 0..1) falls below ``rules.desert_morale`` (T)::

       deserted = men * desert_max_per_day * max(0, (T - m_e) / T) * dt * k

   with ``k = rules.siege_desert_factor`` under a state of siege times
   ``rules.blocking_desert_factor`` beside a blocking detachment. Deserters are booked as
   attrition (the ledger's cause for desertion, sickness and frost out of supply,
   :data:`stavka.enums.CAUSES`). A state of siege costs its side ``rules.siege_men_per_day``
   x dt of its men (tribunals, executions, patrols), booked as attrition too.
4. **Dissolution.** A formation whose effective morale is below ``rules.dissolve_morale``
   dissolves without fighting: its men desert and its equipment is abandoned (booked as
   attrition), it leaves play (``GONE``), with a ``dissolved`` event.

**Elite** formations (``Formation.elite``) never desert or dissolve and catch no panic;
they count for no one's panic either. The caps and the siege's cost apply to them.

Every rule is off at its value in rules v1-v3; the state arrays exist only where a
scenario uses them (:func:`stavka.world.state.uses_morale`), and :func:`run` returns at
once otherwise, so campaigns without them are bit for bit what they were.

Reads: status, positions, morale, strength, ``State.siege``, the commanders
(``State.cmd_state``). Writes: morale, strength, status, the loss ledger; events
``desertion`` (per replica and side, men), ``dissolved`` (per replica and region).
"""

from __future__ import annotations

import numpy as np

from stavka.engine import commanders
from stavka.engine.context import Ctx
from stavka.engine.effects import book_men_at, leave_play
from stavka.enums import ACTIVE, C_ATTRITION
from stavka.world.counts import group_sum, on_grid
from stavka.world.state import BLOCKING_TAG
from stavka.world.static import Static


def elite_mask(st: Static) -> np.ndarray:
    """[F] bool: elite formations (``Formation.elite``; mobilisation slots are not).
    Cached in ``Static.extra``."""
    if "elite" not in st.extra:
        el = np.zeros(st.F, dtype=bool)
        el[:len(st.spec.formations)] = [f.elite for f in st.spec.formations]
        st.extra["elite"] = el
    return st.extra["elite"]  # type: ignore[no-any-return]


def _blocking(st: Static) -> np.ndarray:
    if "blocking" not in st.extra:
        st.extra["blocking"] = np.array([BLOCKING_TAG in t for t in st.ftags], dtype=bool)
    return st.extra["blocking"]  # type: ignore[no-any-return]


def effective_morale(ctx: Ctx) -> np.ndarray:
    """[R, F] in 0..1: morale plus the bonus of the formation's present commanders,
    clipped (the morale it fights and holds with)."""
    bonus = commanders.morale_bonus(ctx)
    if bonus is None:
        return ctx.s.morale
    return np.clip(ctx.s.morale + bonus, 0.0, 1.0)  # type: ignore[no-any-return]


def neighbourhood_min(ctx: Ctx, value: np.ndarray, where: np.ndarray) -> np.ndarray:
    """[R, S, N]: the lowest ``value`` [R, F] among formations ``where`` [R, F] of each
    side in each region or a neighbouring one (+inf where there is none). A minimum does
    not depend on the order it is taken in."""
    st, s = ctx.st, ctx.s
    R, S, N = ctx.R, st.S, st.N
    flat_low = np.full(R * S * N, np.inf)
    idx = ctx.node_base("side", st.fside, S) + s.loc
    np.minimum.at(flat_low, idx[where], value[where])
    low = flat_low.reshape(R, S, N)
    out = low.copy()
    nb = ctx.derived.neighbours()  # [N, K], -1 padded
    for k in range(nb.shape[1]):
        col = nb[:, k]
        ok = col >= 0
        out[:, :, ok] = np.minimum(out[:, :, ok], low[:, :, col[ok]])
    return out


def run(ctx: Ctx) -> None:
    """Caps, panic, desertion, the siege's cost and dissolution (module docstring), for
    every replica at once. Does nothing unless the scenario uses the morale collapse."""
    st, s, ru = ctx.st, ctx.s, ctx.st.rules
    if s.siege.shape[1] == 0:
        return
    dt = ctx.dt
    act = s.status == ACTIVE
    elite = elite_mask(st)[None, :]
    siege = s.siege[:, st.fside]  # [R, F]
    # 1. caps
    if ru.siege_morale_cap < 1.0:
        np.copyto(s.morale, np.minimum(s.morale, ru.siege_morale_cap), where=act & siege)
    block = None
    if (_blocking(st).any() and (ru.blocking_morale_cap < 1.0
                                 or ru.blocking_desert_factor != 1.0)):
        R, S, N = ctx.R, st.S, st.N
        b = act & _blocking(st)[None, :]
        idx = ctx.node_base("side", st.fside, S) + s.loc
        there = group_sum(idx[b], np.ones(int(b.sum())), R * S * N) > 0
        block = there[idx] & act  # [R, F]
        np.copyto(s.morale, np.minimum(s.morale, ru.blocking_morale_cap), where=block)
    # 2. panic spreads toward a broken neighbour
    if ru.panic_spread_per_day != 0.0:
        src = act & ~elite & (s.morale < ru.panic_morale)
        if src.any():
            low = neighbourhood_min(ctx, s.morale, src)
            idx = ctx.node_base("side", st.fside, st.S) + s.loc
            m_b = low.reshape(-1)[idx]
            hit = act & ~elite & (m_b < s.morale)
            drop = ru.panic_spread_per_day * dt * (s.morale - np.where(hit, m_b, s.morale))
            np.copyto(s.morale, np.maximum(s.morale - drop, 0.0), where=hit)
    m_e = effective_morale(ctx)
    # 3. desertion, and the state of siege's cost
    lost = np.zeros(s.morale.shape)
    if ru.desert_max_per_day != 0.0:
        t = ru.desert_morale
        rate = ru.desert_max_per_day * np.maximum(t - m_e, 0.0) / t * dt
        rate = np.where(siege, rate * ru.siege_desert_factor, rate)
        if block is not None:
            rate = np.where(block, rate * ru.blocking_desert_factor, rate)
        lost = np.where(act & ~elite, on_grid(s.strength[..., 0] * rate), 0.0)
    if ru.siege_men_per_day != 0.0:
        lost = lost + np.where(act & siege, on_grid(
            (s.strength[..., 0] - lost) * (ru.siege_men_per_day * dt)), 0.0)
    if lost.any():
        r, f = np.nonzero(lost > 0)
        s.strength[r, f, 0] -= lost[r, f]
        book_men_at(ctx, r * st.F + f, lost[r, f], cause=C_ATTRITION)
        if ctx.record:
            for rr in np.unique(r):
                for sd in np.unique(st.fside[f[r == rr]]):
                    m = (r == rr) & (st.fside[f] == sd)
                    ctx.emit("desertion", rr, side=int(sd),
                             subjects=tuple(st.form_ids[x] for x in f[m]),
                             men=float(lost[rr, f[m]].sum()), formations=int(m.sum()),
                             siege=bool(s.siege[rr, sd]))
        ctx.invalidate()
    # 4. dissolution
    if ru.dissolve_morale != 0.0:
        gone = act & ~elite & (m_e < ru.dissolve_morale)
        if gone.any():
            dissolve(ctx, *np.nonzero(gone))
    # a commander whose formation surrendered (encircled, out of supply) or dissolved
    commanders.lost_with_command(ctx)


def dissolve(ctx: Ctx, r: np.ndarray, f: np.ndarray) -> None:
    """Formations ``(r[k], f[k])`` (row-major) dissolve: their men desert and their
    equipment is abandoned (all booked as attrition), they leave play (``GONE``). One
    ``dissolved`` event per (replica, region) with the men who deserted."""
    s = ctx.s
    leave_play(ctx, r, f, C_ATTRITION, "dissolved",
               lambda rr, n, m: {"men": float(s.strength[rr, m, 0].sum()),
                                 "formations": int(m.size)})


def set_siege(ctx: Ctx, side: int, on: bool, m: np.ndarray) -> None:
    """Declare (``on``) or lift a state of siege for ``side`` in the replicas of mask
    ``m`` [R] (an event's ``siege`` effect). A ``siege`` event per replica where it
    changes. No-op where the campaign carries no morale state (cannot happen: a
    scenario with a ``siege`` effect always does)."""
    s = ctx.s
    if s.siege.shape[1] == 0:
        return
    change = m & (s.siege[:, side] != on)
    s.siege[m, side] = on
    for r in np.nonzero(change)[0]:
        ctx.emit("siege", r, side=side, on=on)
