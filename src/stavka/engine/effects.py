"""State effects that more than one phase causes: loss booking, surrender, capture of a
region, the end of a battle. Each rule lives here once; the phases call it.

* **Losses** are booked to the ledger ``State.losses`` [R, S, Fr, category, cause] of
  the formation's side and the front of the region where it stands
  (:func:`book_losses`): battle losses by the combat phase, attrition by the supply
  phase, captured men by :func:`surrender`.
* **Surrender** (:func:`surrender`): everything the formation has is lost, its men
  captured; it leaves play. Two rules cause it: an encircled formation out of supply
  and below the surrender morale (supply phase,
  ``rules.surrender_morale``), and a broken defender with no
  line of retreat or already encircled (combat phase).
* **Capture** (:func:`take_regions`): a region passes to the side whose formations took
  it -- an empty enemy region entered on the march (movement phase) or a defended one
  whose defenders broke (combat phase). A region changing alliance starts its captor's
  regauging clock (``State.taken_day``; supply phase).
* **End of battle** (:func:`end_battles`): the battle's ledgers at a region reset; the
  combat phase ends battles that were won, halted or not resumed.
* **An order** (:func:`give_order`): the player's, the script's (orders phase) and an
  event's ``attack`` and ``hold`` effects (events phase) set it the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from stavka.engine.context import Ctx
from stavka.enums import A_RAIL, ACTIVE, C_BATTLE, C_CAPTURED, C_WOUNDED, GONE, INACTIVE, RAIL
from stavka.world.counts import group_sum, on_grid
from stavka.world.flat import flat
from stavka.world.state import State


def give_order(ctx: Ctx, mask: np.ndarray, act: int, tgt: int, scripted: bool = True) -> None:
    """Set an order (action code ``act``, target node ``tgt``, -1 for none) on the
    formations of ``mask`` [R, F]: march progress restarts where the order changes, and a
    rail order books today's departure (any other order cancels a booked one)."""
    s = ctx.s
    changed = mask & ((s.action != act) | (s.target != tgt))
    s.progress[changed] = 0.0
    s.action[mask] = act
    s.target[mask] = tgt
    s.scripted[mask] = scripted
    if act == A_RAIL:
        s.rail_depart[mask] = ctx.day
    else:
        s.rail_depart[mask & (s.status == ACTIVE)] = -1


def book_losses(ctx: Ctx, r: np.ndarray, f: np.ndarray, lost: np.ndarray, cause: int) -> None:
    """Add losses ``lost`` [k, 4] (men, tanks, guns, aircraft) of formations
    ``(r[k], f[k])`` to the ledger under ``cause`` (:data:`stavka.enums.CAUSES` code).
    Sums by ``bincount`` in index order, so the result does not depend on the CPU."""
    _book(ctx, _ledger_index(ctx, r * ctx.st.F + f), lost, cause)


def _book(ctx: Ctx, idx: np.ndarray, lost: np.ndarray, cause: int) -> None:
    """:func:`book_losses` into ledger slots ``idx`` [k] (:func:`_ledger_index`)."""
    losses = ctx.s.losses
    if lost.size == 0:
        return
    # one bincount over (slot, category): each sum adds its values in formation order,
    # as one bincount per category would; a category with no loss adds zeros, exactly
    tot = group_sum((idx[:, None] * 4 + np.arange(4)).ravel(), lost.ravel(),
                    losses[..., 0, 0].size * 4)
    losses[..., cause] += tot.reshape(losses.shape[:4])


def _ledger_index(ctx: Ctx, fl: np.ndarray) -> np.ndarray:
    """[k] int: the ledger slot ``(r * S + side) * Fr + front`` of formations at flat
    indices ``fl = r * F + f`` (side: the formation's; front: of the region it is in)."""
    st = ctx.st
    return (ctx.derived.side_of(ctx.R)[fl] * len(st.front_ids)
            + st.front[flat(ctx.s.loc)[fl]])


def book_battle_losses(ctx: Ctx, r: np.ndarray, f: np.ndarray, lost: np.ndarray) -> None:
    """Book battle losses ``lost`` [k, 4] of formations ``(r[k], f[k])``: of the men,
    ``rules.wounded_fraction`` are wounded (cause ``wounded``) and the rest killed or
    missing (``battle``); equipment is lost in battle. ``rules.wounded_return_fraction``
    of the wounded will return to duty (``State.convalescent``; economy phase)."""
    st = ctx.st
    w = st.rules.wounded_fraction
    fl = r * st.F + f
    idx = _ledger_index(ctx, fl)
    if w == 0.0:
        _book(ctx, idx, lost, cause=C_BATTLE)
        return
    wounded = on_grid(lost[:, 0] * w)
    killed = lost.copy()
    killed[:, 0] -= wounded
    _book(ctx, idx, killed, cause=C_BATTLE)
    _sanitary(ctx, fl, idx, wounded, cause=C_WOUNDED)


def _sanitary(ctx: Ctx, fl: np.ndarray, idx: np.ndarray, men: np.ndarray, cause: int) -> None:
    st, s = ctx.st, ctx.s
    _book_men(ctx, idx, men, cause)
    back = on_grid(men * st.rules.wounded_return_fraction)
    s.convalescent += group_sum(ctx.derived.side_of(ctx.R)[fl], back,
                                ctx.R * st.S).reshape(ctx.R, st.S)


def book_men_at(ctx: Ctx, fl: np.ndarray, men: np.ndarray, cause: int) -> None:
    """:func:`book_losses` of men only: ``men`` [k] of formations at flat indices
    ``fl = r * F + f`` (tanks, guns and aircraft untouched)."""
    _book_men(ctx, _ledger_index(ctx, fl), men, cause)


def _book_men(ctx: Ctx, idx: np.ndarray, men: np.ndarray, cause: int) -> None:
    losses = ctx.s.losses
    if men.any():
        tot = group_sum(idx, men, losses[..., 0, 0].size)
        losses[..., 0, cause] += tot.reshape(losses.shape[:3])


def surrender(ctx: Ctx, r: np.ndarray, f: np.ndarray, reason: str | None) -> None:
    """Formations ``(r[k], f[k])`` (row-major order) surrender: all they have is lost,
    the men captured; status becomes GONE. A ``surrender`` event per (replica, region)
    with ``reason`` (``None`` reads "broken at <region>")."""
    st, s = ctx.st, ctx.s

    def values(rr: int, n: int, m: np.ndarray) -> dict[str, Any]:
        why = reason if reason is not None else f"broken at {st.spec.nodes[n].name}"
        return {"men": float(s.strength[rr, m, 0].sum()),
                "tanks": float(s.strength[rr, m, 1].sum()), "formations": int(m.size),
                "reason": why}

    leave_play(ctx, r, f, C_CAPTURED, "surrender", values)


def status_words(s: State, r: int, f: int) -> str:
    """What formation ``f`` of replica ``r`` is when it is not in play, for a refusal's
    message: "not in play yet", "in rail transit", "destroyed" (surrendered, dissolved:
    :func:`leave_play` zeroes what it had) or "withdrawn from the theatre" (an event's
    ``withdraw`` effect keeps it); "in play" when it is active."""
    st_ = int(s.status[r, f])
    if st_ == GONE:
        return "withdrawn from the theatre" if s.strength[r, f].any() else "destroyed"
    return {INACTIVE: "not in play yet", RAIL: "in rail transit"}.get(st_, "in play")


def leave_play(ctx: Ctx, r: np.ndarray, f: np.ndarray, cause: int, kind: str,
               values: Callable[[int, int, np.ndarray], dict[str, Any]]) -> None:
    """Formations ``(r[k], f[k])`` (row-major order) leave play: everything they have is
    booked as lost under ``cause`` and their status becomes GONE. When recording, one
    ``kind`` event per (replica, region), its values ``values(replica, region,
    formations)`` (read before the strengths are zeroed). Used by :func:`surrender` and
    the morale collapse's dissolution (:func:`stavka.engine.morale.dissolve`)."""
    st, s = ctx.st, ctx.s
    book_losses(ctx, r, f, s.strength[r, f], cause=cause)
    if ctx.record:
        for rr in np.unique(r):
            fs = f[r == rr]
            locs = s.loc[rr, fs]
            for n in np.unique(locs):
                m = fs[locs == n]
                ctx.emit(kind, rr, place=int(n), side=int(st.fside[m[0]]),
                         subjects=tuple(st.form_ids[x] for x in m),
                         **values(int(rr), int(n), m))
    s.strength[r, f] = 0.0
    s.trucks[r, f] = 0.0
    s.status[r, f] = GONE
    s.encircled[r, f] = False
    ctx.invalidate()


def take_regions(ctx: Ctx, r: np.ndarray, n: np.ndarray, side: np.ndarray) -> tuple[
        np.ndarray, np.ndarray]:
    """Regions ``(r[k], n[k])`` pass to ``side[k]``; returns (previous owner [k], whether
    the alliance changed [k]). Where it changed, the regauging clock starts today. The
    caller emits the ``capture`` events (:func:`capture_event`), in its own order."""
    st, s = ctx.st, ctx.s
    prev = s.owner[r, n].copy()
    s.owner[r, n] = side
    changed = st.alliance[prev] != st.alliance[side]
    s.taken_day[r[changed], n[changed]] = ctx.day
    if s.gauge_km.size:  # supply in tons: the new holder starts its regauging afresh
        s.gauge_km[r[changed], n[changed]] = 0.0
    return prev, changed


def capture_event(ctx: Ctx, r: int, n: int, side: int, prev: int, subjects: tuple[str, ...],
                  defended: bool) -> None:
    """The ``capture`` event of region ``n`` taken by ``side`` from ``prev``."""
    ctx.emit("capture", r, place=n, side=side, subjects=subjects,
             previous=ctx.st.side_ids[prev], defended=defended)


def end_battles(ctx: Ctx, r: np.ndarray, n: np.ndarray, att_side: np.ndarray,
                outcome: str) -> None:
    """End the battles at regions ``(r[k], n[k])``: a ``battle`` end event each (with
    ``outcome``, days and men lost), then the battle ledgers reset."""
    s = ctx.s
    h = ctx.st.step_hours
    if ctx.record:
        for rk, nk, ak in zip(r.tolist(), n.tolist(), att_side.tolist(), strict=True):
            # eng_days counts steps: days at 24-hour steps; with shorter steps the event
            # also carries the battle's hours
            steps = int(s.eng_days[rk, nk])
            more: dict[str, Any] = {} if h == 24 else {"hours": steps * h}
            ctx.emit("battle", rk, place=nk, side=ak, phase="end", outcome=outcome,
                     days=steps if h == 24 else -(-steps * h // 24),
                     attacker_lost=float(s.eng_men[rk, nk, 0]),
                     defender_lost=float(s.eng_men[rk, nk, 1]), **more)
    reset_battles(ctx, (r, n))


def reset_battles(ctx: Ctx, where: tuple[np.ndarray, np.ndarray] | np.ndarray) -> None:
    """Reset the battle ledgers at ``where`` (an index pair or an [R, N] mask), no event."""
    s = ctx.s
    s.eng_att[where] = s.eng_def[where] = 0
    s.eng_days[where] = 0
    s.eng_side[where] = -1
    s.eng_men[where] = 0
    if s.eng_day0.shape[-1]:  # steps shorter than a day
        s.eng_day0[where] = 0
