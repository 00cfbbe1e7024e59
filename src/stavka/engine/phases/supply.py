"""Phase 4, supply: traced from sources over owned rail, then by truck beyond the railhead.

* A region is *rail-supplied* for an alliance if a chain of rail (or sea)
  edges between regions it holds links it to one of its supply sources. A
  captured railway serves its new owner only ``rules.regauge_days`` after capture.
* Beyond the railhead supply goes by road: the level falls linearly to 0 at
  ``rules.truck_range_km`` of road from the nearest rail-supplied region, times the
  ground's speed factor (mud halves the reach).
* A region with no land path at all (through held regions) to a source is
  cut off: formations there are *encircled*.
* Opt-in, ``rules.supply_tons`` = 1: the level is tons delivered over tons demanded,
  with rail capacity shared with troop trains, trucks, source output and progressive
  regauging (:mod:`stavka.engine.tonnage`); encirclement is traced as above.
* With a ``sea`` block (:mod:`stavka.engine.phases.naval`): an open port
  (``ctx.port_supply_t`` > 0) is a source and a railhead of its holder (under supply in
  tons, a source of its tonnage), and a sea edge
  that names a zone carries an alliance's supply only while the zone is open to it.

Formations consume ``1/supply_days`` of their load a day and refill ``rules.refill_rate`` times that
times the level where they stand. With nothing on hand they lose men and
morale; encircled formations also lose morale, and surrender once they are
both out of supply and below ``rules.surrender_morale`` (the other cause of surrender, a
broken defender with no way out, is the combat phase's; both go through
:func:`stavka.engine.effects.surrender`).

Partisans hostile to a region's holder cut its supply level there
(:func:`stavka.engine.interdiction.supply_factor`). Last, the morale collapse
(:func:`stavka.engine.morale.run`: panic, desertion, the state of siege, dissolution),
which does nothing unless the scenario uses it, then the step's repair of struck edges
and fortifications and the hunt for partisans (:func:`stavka.engine.interdiction.run`). Every rate here
is per day, times the step's length in days (``ctx.dt``, exactly 1.0 at 24-hour steps).

Reads: ownership, positions, the regauging clock (``taken_day``), supply on hand,
morale, today's ground; with a sea block, the naval phase's ``port_supply_t`` and sea
control. Writes: supply on hand, men lost to attrition and their ledger,
morale, ``encircled``, the trace memo (``memo_*``), and the day's product
:attr:`Ctx.supply_level <stavka.engine.context.Ctx.supply_level>` (read by combat). With
``rules.supply_tons`` it also reads strengths, trucks, truck pools, factories and the day's
troop trains, and writes the regauging state (``gauge``, ``gauge_km``).
"""

from __future__ import annotations

import numpy as np

from stavka import detmath
from stavka.engine import interdiction, kernels, morale, tonnage
from stavka.engine.context import Ctx
from stavka.engine.effects import surrender
from stavka.engine.phases import naval
from stavka.enums import ACTIVE, C_ATTRITION, C_SICK
from stavka.world import graph
from stavka.world.counts import group_sum
from stavka.world.flat import distinct_rows
from stavka.world.graph import LAND_AND_SEA, RAIL_AND_SEA


def supply_levels(ctx: Ctx) -> tuple[np.ndarray, np.ndarray]:
    """(level [R, A, N] in 0..1, connected [R, A, N] bool) for every alliance: the traced
    rule (module docstring), or with ``rules.supply_tons`` = 1 tons delivered over tons
    demanded (:func:`stavka.engine.tonnage.levels`, which also regauges a day)."""
    st, s = ctx.st, ctx.s
    A = int(st.alliance.max()) + 1
    held = st.alliance[s.owner][:, None, :] == np.arange(A)[None, :, None]  # [R, A, N]
    src = held & st.source_node[None, None, :]
    port = None
    if st.naval is not None:  # an open port is a source of its holder (naval phase)
        port = held & (ctx.port_supply_t > 0.0)[:, None, :]
        src = src | port
    if st.rules.on("supply_tons"):  # rules v12 on: tons delivered over tons demanded
        lv, con = tonnage.levels(ctx, held, src)
        return interdiction.supply_factor(ctx, lv), con
    rt, rh, _, _ = ctx.derived.arcs(RAIL_AND_SEA)  # shipping between held ports counts as rail
    lt, lh, lkm, _ = ctx.derived.arcs(LAND_AND_SEA)
    # rail: hop counts are enough (reachability); land: km from the railhead
    own_rail = held & ((st.alliance[st.owner0][None, None, :] == np.arange(A)[None, :, None])
                       | ((s.taken_day >= 0) & (ctx.day - s.taken_day >= st.rules.regauge_days))[:, None, :])
    # Tracing is a pure function of (held, own_rail): redo it only for replicas
    # where either changed since the last trace (most days, none do).
    redo = ~s.memo_ok | (held != s.memo_held).any(axis=(1, 2)) | \
        (own_rail != s.memo_rail).any(axis=(1, 2))
    if port is not None:
        redo |= (port != s.memo_ports).any(axis=(1, 2))
    lanes = None
    if st.naval is not None and st.naval.has_lanes:  # sea lanes close with ice or enemy control
        lanes = naval.lanes_open(ctx, st.naval)
        redo |= (lanes != s.memo_lanes).any(axis=(1, 2))
    if redo.any():
        r = np.nonzero(redo)[0]
        # Replicas with the same inputs trace alike (many do: a third of the rows are
        # distinct in a batch of 1,000): trace each distinct one once, hand it to all
        inputs = [held, own_rail, src] + [x for x in (port, lanes) if x is not None]
        u, inv = distinct_rows(np.concatenate([x[r].reshape(r.size, -1) for x in inputs],
                                               axis=1))
        ur = r[u]
        h, o, sr = held[ur], own_rail[ur], src[ur]
        rail_ok = land_ok = None
        if lanes is not None:
            s.memo_lanes[r] = lanes[r]
            rail_ok = graph.arcs_open(lanes[ur], ctx.derived.arc_zones(RAIL_AND_SEA))
            land_ok = graph.arcs_open(lanes[ur], ctx.derived.arc_zones(LAND_AND_SEA))
        railed = graph.reach(sr & o, o, rt, rh, rail_ok)
        if port is not None:  # ships unload at the quay: a railhead even before regauging
            railed |= port[ur]
            s.memo_ports[r] = port[r]
        # beyond the longest truck reach the level is 0 whatever the distance
        s.memo_truck_km[r] = graph.distance(railed, h, lt, lh, lkm,
                                            cap=st.rules.truck_range_km * float(st.ground_speed.max())
                                            * float(detmath.power(st.rules.truck_fill_max,
                                                                  st.rules.truck_reach_exp)),
                                            arc_ok=land_ok)[inv]
        s.memo_connected[r] = graph.reach(sr, h, lt, lh, land_ok)[inv]
        s.memo_held[r], s.memo_rail[r], s.memo_ok[r] = held[r], own_rail[r], True
    truck_km, connected = s.memo_truck_km, s.memo_connected
    # mud and snow shorten what trucks can haul as they slow them
    reach = st.rules.truck_range_km * st.ground_speed[ctx.ground()]  # [N]
    if st.rules.truck_reach_exp != 0.0:
        reach = reach[None, None, :] * motor_factor(ctx, A)[:, :, None]  # [R, A, N]
    # a reach of 0 (a ground at speed 0 stops the trucks, or a side without any): full
    # at the railhead itself, nothing beyond it - never 0/0
    open_road = reach > 0.0
    # a reach just above 0 (a tiny rule value) overflows the ratio to inf, which the clip
    # takes to 0, the right limit: no warning for it
    with np.errstate(over="ignore"):
        ratio = truck_km / np.where(open_road, reach, 1.0)
    level = np.where(open_road, np.clip(1.0 - ratio, 0.0, 1.0),
                     np.where(truck_km <= 0.0, 1.0, 0.0))
    return interdiction.supply_factor(ctx, np.where(connected, level, 0.0)), connected


def motor_factor(ctx: Ctx, A: int) -> np.ndarray:
    """[R, A]: each alliance's supply-reach factor from its trucks: (trucks of its
    formations in play + its sides' truck pools) / the trucks those formations need,
    clipped to ``rules.truck_fill_min..truck_fill_max``, to the power
    ``rules.truck_reach_exp``. Sums of counts are exact (fixed-point), so any order gives
    the same bits; the power is :func:`stavka.detmath.power`."""
    st, s = ctx.st, ctx.s
    R = ctx.R
    act = s.status == ACTIVE
    trucks = np.where(act, s.trucks, 0.0)
    est = np.where(act, st.est_trucks[None, :], 0.0)
    have, need = np.zeros(R * A), np.zeros(R * A)
    for a, b, al in ctx.derived.runs("alliance", st.alliance[st.fside]):
        have[al::A] += trucks[:, a:b].sum(axis=1)
        need[al::A] += est[:, a:b].sum(axis=1)
    pool_key = (np.arange(R)[:, None] * A + st.alliance[None, :]).ravel()
    have += group_sum(pool_key, s.truck_pool.ravel(), R * A)
    fill = np.where(need > 0, have / np.maximum(need, 1.0), 1.0)
    fill = np.clip(fill, st.rules.truck_fill_min, st.rules.truck_fill_max)
    return detmath.power(fill, st.rules.truck_reach_exp).reshape(R, A)  # type: ignore[no-any-return]


def run(ctx: Ctx) -> None:
    """Trace supply, refill and consume, starve, encircle, surrender (module docstring)."""
    st, s = ctx.st, ctx.s
    level, connected = supply_levels(ctx)
    ctx.supply_level = level
    if st.rules.on("supply_tons") and ctx.day_start:  # a day's regauging, once a day
        tonnage.regauge(ctx)  # for tomorrow's trace
    act = s.status == ACTIVE
    dt = ctx.dt  # every rate below is per day; a step lasts dt days (1.0: exact, a no-op)
    ru = st.rules
    # one fused pass over the formations (stavka.engine.kernels.consume): refill and burn
    # (an encircled formation burns its load faster: break-out attacks, dumps lost), starve
    # (the men booked as attrition), encircle, and morale down or back
    newly, give_up = kernels.consume(
        level.reshape(-1), connected.reshape(-1), st.alliance[st.fside], s.loc, act, s.supply,
        1.0 / st.supply_days * dt, ru.encircled_burn, ru.refill_rate, s.strength,
        ru.starve_men_per_day * dt, ru.starve_morale_per_day * dt, s.morale, s.encircled,
        ru.encircled_morale_per_day * dt, ru.recover_min_supply, ru.recover_morale_per_day * dt,
        ru.surrender_morale, st.fside, st.front, len(st.front_ids), s.losses, C_ATTRITION)
    _sickness(ctx, act)
    if ctx.record and newly.any():
        for r in np.unique(np.nonzero(newly)[0]):
            for n in np.unique(s.loc[r, newly[r]]):
                m = newly[r] & (s.loc[r] == n)
                ids = tuple(st.form_ids[f] for f in np.nonzero(m)[0])
                ctx.emit("encircled", r, place=int(n), side=int(st.fside[np.nonzero(m)[0][0]]),
                         subjects=ids, men=float(s.strength[r, m, 0].sum()), formations=len(ids))
    if give_up.any():
        r, f = np.nonzero(give_up)
        surrender(ctx, r, f, reason="encircled, out of supply")
    morale.run(ctx)  # the morale collapse (off unless the scenario uses it)
    interdiction.run(ctx)  # repairs and the partisan hunt (none unless the scenario has them)



def _sickness(ctx: Ctx, act: np.ndarray) -> None:
    """Sanitary losses out of battle: every active formation loses ``rules.sick_per_day``
    of its men to disease, and a side without winter equipment
    (``Side.winter_equipment`` false) another ``rules.frost_sick_per_degday`` per degree C
    of its region's temperature below ``rules.frost_threshold_c``. Booked as cause
    ``sick``; ``rules.wounded_return_fraction`` of them return like the wounded."""
    st, s, ru = ctx.st, ctx.s, ctx.st.rules
    if ru.sick_per_day == 0.0 and ru.frost_sick_per_degday == 0.0:
        return
    rate = np.full(st.N, ru.sick_per_day)
    cold = ru.frost_sick_per_degday * np.maximum(ru.frost_threshold_c - ctx.temp(), 0.0)  # [N]
    # the day's rate per (winter kit or not, region): row 0 without kit, row 1 with
    frac_of = ((rate[None, :] + np.where(np.array([[False], [True]]), 0.0, cold[None, :]))
               * ctx.dt).reshape(-1)
    kit = np.where(st.winter_kit[st.fside], st.N, 0)  # [F] the row of frac_of
    # one fused pass (stavka.engine.kernels.sickness): the men lost on the fixed grid, booked
    # as effects.book_battle_losses books the wounded, the returning share to the
    # convalescents
    kernels.sickness(s.strength, s.loc, act, kit, frac_of, st.fside, st.front,
                     len(st.front_ids), ru.wounded_return_fraction, s.losses, C_SICK,
                     s.convalescent)
