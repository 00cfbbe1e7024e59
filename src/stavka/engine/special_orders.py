"""Player orders to something else than a formation: fleets, landings, partisans.

The orders of :data:`stavka.engine.records.SPECIAL`, on the same path as a formation's
(``Order.parse``, :func:`stavka.engine.legality.unknown_ids`, ``check_owner`` and
``check``: an order that cannot be carried out raises
:class:`~stavka.errors.IllegalOrderError` with the reason before anything changes):

* ``FLEET fleet_move ZONE``: the fleet sails to an adjacent sea zone free of ice, in
  the naval phase, after the script's moves of the day (a scripted move of the same
  fleet that day is not made: ``order_overridden``).
* ``LANDING land``: a landing of the scenario's ``sea.landings`` is made today (a refused
  one may be ordered again; one already made may not).
* ``FLEET land TARGET FORMATION...``: an ad-hoc landing of those formations on the
  region ``TARGET`` (a port or a beach), made today.
* ``SIDE raise_partisans REGION N``: ``N`` partisan detachments raised at once, out of the
  side's ``Side.partisan_detachments``, where the partisan rule allows
  (:func:`stavka.scenario.interdiction.partisan_problem`).

**One rule, one home.** A fleet's move and a landing are checked by the naval phase's
own conditions (:func:`stavka.engine.phases.naval.move_checks`,
:func:`~stavka.engine.phases.naval.landing_checks`), worded by the same reasons: the
order is refused with the reason the phase would give a scripted move or a dated
landing. The phase checks them again when it makes them (after the day's sea battles,
the script's moves and the day's earlier landings): what changed since the order -- a
lost battle, lift used by an earlier landing, a fleet moved by its own order of the day
(a landing goes from where the fleet then is) -- refuses it there, with a
``fleet_move_refused`` or ``landing_refused`` event and the reason; nothing is dropped
silently. Sea orders act in the naval phase, which works once a day: with steps shorter
than a day they are given at a day's first step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stavka.engine.context import Ctx
from stavka.engine.phases import naval
from stavka.engine.records import Order
from stavka.errors import did_you_mean, quoted
from stavka.scenario.interdiction import partisan_problem
from stavka.world.static import Static


def _no_sea(st: Static) -> str:
    return "" if st.naval is not None else " (this scenario has no sea block)"


def unknown_ids(st: Static, order: Order) -> str | None:
    """Why ``order`` names a fleet, landing, zone, region, formation or side the scenario
    does not have (with a suggestion), or None."""
    nav = st.naval
    fleets = list(nav.fleet_ids) if nav is not None else []
    zones = list(nav.zone_ids) if nav is not None else []
    subj, tgt = order.formation, order.target
    if order.action == "raise_partisans":
        sides = list(st.side_ids)
        if subj not in sides:
            return f"unknown side {quoted(subj)}{did_you_mean(subj, sides)}"
        if tgt not in st.node_index and tgt is not None:
            return f"unknown region {quoted(tgt)}{did_you_mean(tgt, list(st.node_ids))}"
        return None
    if order.action == "land" and tgt is None:
        landings = list(nav.landing_ids) if nav is not None else []
        if subj not in landings:
            hint = (" (a fleet lands with 'FLEET land TARGET FORMATION...')"
                    if subj in fleets else _no_sea(st))
            return f"unknown landing {quoted(subj)}{did_you_mean(subj, landings)}{hint}"
        return None
    if subj not in fleets:
        return f"unknown fleet {quoted(subj)}{did_you_mean(subj, fleets)}{_no_sea(st)}"
    if order.action == "fleet_move":
        if tgt not in zones and tgt not in st.node_index and tgt is not None:
            return f"unknown sea zone {quoted(tgt)}{did_you_mean(tgt, zones)}"
        return None
    if tgt not in st.node_index and tgt not in zones and tgt is not None:
        return f"unknown region {quoted(tgt)}{did_you_mean(tgt, list(st.node_ids))}"
    for fid in order.more:
        if fid not in st.form_index:
            return f"unknown formation {quoted(fid)}{did_you_mean(fid, list(st.form_ids))}"
    return None


def owners(st: Static, order: Order) -> list[tuple[str, str]]:
    """(what, side) of everything ``order`` commands: the fleet (and the formations it
    carries), the landing's fleet, a side's partisan movement."""
    nav = st.naval
    if order.action == "raise_partisans":
        return [(f"the partisan movement of {order.formation}", order.formation)]
    assert nav is not None  # unknown_ids refused it before
    if order.action == "land" and order.target is None:
        li = nav.landing_ids.index(order.formation)
        f = int(nav.landing_fleet[li])
        return [(f"landing {order.formation} (fleet {nav.fleet_ids[f]})",
                 st.side_ids[int(nav.fleet_side[f])])]
    f = nav.fleet_ids.index(order.formation)
    out = [(f"fleet {order.formation}", st.side_ids[int(nav.fleet_side[f])])]
    for fid in order.more:
        out.append((fid, st.side_ids[int(st.fside[st.formation(fid)])]))
    return out


def problem(ctx: Ctx, order: Order, r: int) -> str | None:
    """Why ``order`` cannot be carried out today in replica ``r`` (None: it can)."""
    if order.action == "raise_partisans":
        return _partisans_problem(ctx, order, r)
    st, nav = ctx.st, ctx.st.naval
    assert nav is not None  # unknown_ids refused it before
    if not ctx.day_start:
        return ("sea orders are given at a day's first step (the naval phase works once a "
                f"day; this step begins at {ctx.hour:02d}:00)")
    iced = nav.iced[min(ctx.day, st.days - 1)]
    if order.action == "fleet_move":
        f = nav.fleet_ids.index(order.formation)
        to = order.target
        assert to is not None
        if to not in nav.zone_ids:
            cur = int(ctx.s.fleet_zone[r, f])
            near = [nav.zone_ids[z] for z in np.flatnonzero(nav.adjacent[cur]).tolist()]
            return (f"{to} is a land region; a fleet sails only to a sea zone (adjacent to "
                    f"{nav.zone_ids[cur]}: {', '.join(near) or 'none'})")
        z = nav.zone_ids.index(to)
        cur = int(ctx.s.fleet_zone[r, f])
        afloat = naval.afloat(ctx, f)[r:r + 1]
        if cur == z and afloat[0]:
            return f"fleet {order.formation} is already in {to}"
        for name, fails in naval.move_checks(nav, np.array([cur]), z, iced, afloat):
            if fails[0]:
                return naval.move_reason(nav, name, cur, z, f)
        return None
    if order.target is None:  # a landing of the sea block
        li = nav.landing_ids.index(order.formation)
        if ctx.s.landing_state[r, li] == naval.LANDED:
            return f"landing {order.formation} has already been made"
        f, forms, tgt = (int(nav.landing_fleet[li]), nav.landing_forms[li],
                         int(nav.landing_target[li]))
    else:  # an ad-hoc landing
        f = nav.fleet_ids.index(order.formation)
        if order.target in nav.zone_ids:
            return f"{order.target} is a sea zone; a landing's target is a coastal region"
        seen: set[str] = set()
        for fid in order.more:
            if fid in seen:
                return f"formation {fid} is named twice"
            seen.add(fid)
        forms = np.array([st.form_index[x] for x in order.more], dtype=np.intp)
        tgt = st.node(order.target)
    case = naval.landing_checks(ctx, nav, iced, f, forms, tgt)
    return naval.landing_reason(ctx, nav, case, r) if case.first(r) is not None else None


def _partisans_problem(ctx: Ctx, order: Order, r: int) -> str | None:
    st = ctx.st
    sid, region = order.formation, order.target
    assert region is not None
    sd, n = st.side(sid), st.node(region)
    node = st.spec.nodes[n]
    why = partisan_problem(sid, region, node.home or node.owner, node.terrain)
    if why:
        return why
    pool = ctx.s.partisan_pool
    left = float(pool[r, sd]) if pool.shape[1] else 0.0
    if order.detachments > left:
        budget = st.spec.sides[sid].partisan_detachments
        if budget == 0:
            return (f"{sid} raises no partisans by order in this scenario "
                    f"(sides.{sid}.partisan_detachments is 0)")
        return (f"{sid} has {left:,.0f} of its {budget:,} partisan detachments left to raise "
                f"(asked {order.detachments:,})")
    return None


def together_problem(ctx: Ctx, orders: Sequence[Order], r: int) -> str | None:
    """Why the day's ``orders``, each possible alone, are not possible together in
    replica ``r``: a side's ``raise_partisans`` orders raise more than it has left."""
    st = ctx.st
    asked: dict[str, int] = {}
    for o in orders:
        if o.action == "raise_partisans":
            asked[o.formation] = asked.get(o.formation, 0) + o.detachments
    for sid, k in asked.items():
        left = float(ctx.s.partisan_pool[r, st.side(sid)])
        if k > left:
            return (f"the day's raise_partisans orders for {sid} raise {k:,} detachments; it "
                    f"has {left:,.0f} left")
    return None


def apply_partisans(ctx: Ctx) -> None:
    """Raise the partisans of the day's ``raise_partisans`` orders (checked before the
    step, alone and together), in the order given, out of each side's pool (orders
    phase)."""
    from stavka.engine import interdiction

    st, s = ctx.st, ctx.s
    every = np.ones(ctx.R, dtype=bool)
    for o in ctx.orders:
        if o.action == "raise_partisans" and o.target is not None:
            sd, n, k = st.side(o.formation), st.node(o.target), o.detachments
            s.partisan_pool[:, sd] -= k
            interdiction.raise_partisans(ctx, sd, n, k, every, by="player")
