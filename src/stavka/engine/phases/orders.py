"""Phase 2, orders: from the player, the scenario's script, then the AI doctrine.

Player orders (``ctx.orders``) are checked before anything changes (an illegal one
raises :class:`IllegalOrderError` with the reason; an order for a formation of a side the
caller does not play is refused by :func:`check_owner`); scripted orders that are
illegal in some replica are rejected there with an ``order_rejected`` event, never
dropped silently. A ``raise_partisans`` order raises its detachments here; the orders
to fleets and landings are the naval phase's (:mod:`stavka.engine.special_orders`).
Formations without orders follow their side's stance on their front
(:func:`stavka.ai.doctrine.doctrine`).

Legality has one table, :mod:`stavka.engine.legality`: the worded reason given to a
player and the vectorised test applied to the script come from it.

**Player and script, one rule:** the player's order of the day wins. A scripted
order for a formation the player ordered that day is not applied, and an
``order_overridden`` event names it; a player's order that replaces a rail
transfer booked for the formation (by an event or the script) cancels the transfer,
also with an ``order_overridden`` event. Nothing is replaced silently.

Reads: the day's orders, the script, positions, status, ownership, war. Writes:
``action``, ``target``, ``scripted``, ``progress``, ``rail_depart``.
"""

from __future__ import annotations

import numpy as np

from stavka.ai.doctrine import doctrine
from stavka.engine.context import Ctx
from stavka.engine.effects import give_order
from stavka.engine.legality import ACTION_CODE, check, illegal_reason, legal
from stavka.engine.phases.events import date_day, select
from stavka.engine.special_orders import apply_partisans
from stavka.enums import A_RAIL, ACTIONS, ACTIVE


def _event_overruled(ctx: Ctx, mask: np.ndarray, reason: str) -> None:
    """An order for formations ``mask`` [R, F] replaces one an event gave them today (its
    ``hold`` or ``attack`` effect, :attr:`Ctx.event_ordered`): reported, never silent."""
    ev = ctx.event_ordered
    if ev is None:
        return
    hit = mask & ev
    if not hit.any():
        return
    s = ctx.s
    if ctx.record:
        for r, f in zip(*np.nonzero(hit), strict=True):
            tgt = int(s.target[r, f])
            ctx.emit("order_overridden", int(r), place=tgt if tgt >= 0 else None,
                     subjects=(ctx.st.form_ids[f],), action=ACTIONS[int(s.action[r, f])],
                     by="event", reason=reason)
    ev &= ~hit


def run(ctx: Ctx) -> None:
    """Apply the player's orders (``ctx.orders``), today's scripted orders, then the AI
    doctrine."""
    st, s = ctx.st, ctx.s
    checked = [check(ctx, o, r) for o in ctx.orders if o.is_formation for r in range(ctx.R)]
    apply_partisans(ctx)  # raise_partisans orders (fleets and landings: the naval phase)
    by_player = np.zeros((ctx.R, st.F), dtype=bool)
    for f, act, tgt in checked:
        m = np.zeros((ctx.R, st.F), dtype=bool)
        m[:, f] = True
        booked = m & (s.action == A_RAIL) & (s.rail_depart >= 0) & (s.status == ACTIVE)
        if act != A_RAIL and booked.any() and ctx.record:
            for r in np.nonzero(booked[:, f])[0]:
                ctx.emit("order_overridden", int(r), place=int(s.target[r, f]),
                         subjects=(st.form_ids[f],), action="rail",
                         by="player", reason="the player's order cancels its rail transfer")
        _event_overruled(ctx, m, "the player's order of the day stands")
        give_order(ctx, m, act, tgt)
        by_player |= m
    for o in st.spec.orders:
        # a scripted order is given once, at the first step of its day
        if date_day(st, o.date) != ctx.day or not ctx.day_start:
            continue
        mask = np.zeros((ctx.R, st.F), dtype=bool)
        if o.formations:
            mask[:, [st.form_index[i] for i in o.formations]] = True
        if o.select is not None:
            mask |= select(ctx, o.select)
        mask &= ~s.over[:, None]
        act = ACTION_CODE[o.action]
        overruled = mask & by_player  # the player's order of the day wins
        if overruled.any():
            if ctx.record:
                for r, f in zip(*np.nonzero(overruled), strict=True):
                    ctx.emit("order_overridden", int(r),
                             place=st.node(o.target) if o.target else None,
                             subjects=(st.form_ids[f],), action=o.action, by="script",
                             reason="the player's order of the day stands")
            mask &= ~by_player
        tgt = st.node(o.target) if o.target else -1
        ok = legal(ctx, act, tgt, among=mask)
        named = np.zeros(st.F, dtype=bool)
        named[[st.form_index[i] for i in o.formations]] = True
        # Illegal for a named formation: reported. Chosen by a selector but not in play:
        # skipped quietly (a selector means "those of them that can").
        if ctx.record:
            for r, f in zip(*np.nonzero(mask & ~ok & named[None, :]), strict=True):
                why = illegal_reason(ctx, int(r), int(f), act, tgt)
                ctx.emit("order_rejected", int(r), place=tgt, subjects=(st.form_ids[f],),
                         action=o.action, reason=why or "not possible")
        _event_overruled(ctx, ok, "the script's order of the day stands")
        give_order(ctx, ok, act, tgt)
    doctrine(ctx)
