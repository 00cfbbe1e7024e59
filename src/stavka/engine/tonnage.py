"""Supply in tons: demand, rail and truck lift, source output and regauging.

The rule ``rules.supply_tons = 1`` (off in rules v1-v11, on from v12) replaces the supply
phase's traced level (reachability and a truck falloff) with tons delivered over tons
demanded. One entry point, :func:`levels`, called by
:func:`stavka.engine.phases.supply.supply_levels`; constants are fields of
:class:`stavka.rules.Rules` (``supply_kg_per_man``, ``supply_t_per_tank``,
``supply_t_per_gun``, ``tons_per_train``, ``regauge_km_per_day``, ``truck_tkm_per_day``,
``truck_base_km``, and the existing ``truck_range_km``), each with its source in
``rules_v*.yaml``.

The model, per replica and alliance (R x A rows, all at once):

1. **Demand** (:func:`demand`): an active formation needs ``men x kg/1000 + tanks x t +
   guns x t`` tons a day, on the fixed-point grid (:mod:`stavka.world.counts`) so that
   every sum of tons is exact whatever its order. Formations on trains need nothing.
2. **Sources** (:func:`source_tons`): a held region ships the ``supply_per_day`` of the
   factories its alliance owns there (until a factory's ``evacuate_from``); a
   ``supply_source`` region with no factory tonnage is a depot fed from off the map,
   unlimited for the alliance that held it at the start. Each term is a separate
   [R, A, N] array added up, so another source (a port's tonnage) plugs in as one more.
3. **Rail** (traced when ownership, gauge or sources change; memoised per replica in
   ``State.memo_*`` like the traced rule): a shortest-path tree over rail (and sea)
   arcs between held regions whose railway is laid to the alliance's gauge, rooted at
   its sources (:func:`stavka.world.graph.tree`: exact, canonical ties). Beyond it, a
   second tree over land arcs finds each region's railhead and road km (within
   ``truck_range_km`` x the best ground factor).
4. **Loads**: every served region's demand goes up the rail tree from its railhead to
   the root; an arc's load is the sum of what passes it. Its capacity is (the edge's
   trains a day in that direction minus today's troop trains,
   :attr:`Ctx.rail_used <stavka.engine.context.Ctx.rail_used>`) x ``tons_per_train``;
   sea arcs are unlimited. A source's ratio is min(1, its tons / the load at it).
5. **Level** of a region = min(source ratio, min over its rail path of min(1, capacity /
   load)) at its railhead x the truck falloff ``1 - km / (truck_range_km x ground
   factor)`` beyond the railhead x the truck ratio of its front: min(1, ton-km the
   alliance's trucks there can deliver (formations' trucks on the front, and a side's
   truck pool on its capital's front, x ``truck_tkm_per_day``) / ton-km needed (each
   region's demand x (``truck_base_km`` + km beyond the railhead) / the ground factor));
   a region with no haul at all (at a railhead, ``truck_base_km`` 0) needs no trucks.
   A region with no land path to a source gets 0 (encircled, as in the traced rule).
6. **Regauging** (:func:`regauge`, after the levels): a held region whose railway is not yet laid to its
   holder's gauge, rail-adjacent to the holder's rail tree, is converted at
   ``regauge_km_per_day``; when the km done reach the shortest such rail edge, it joins
   the holder's gauge (usable from the next day's trace). Progress restarts when the
   region changes hands (:func:`stavka.engine.effects.take_regions`).

Every operation is IEEE-exact arithmetic (``+ - * /``, min, max), tons sums are on the
fixed grid, and the trees are canonical, so the levels are bit-identical on every
machine. Reads: ownership, positions, strengths, trucks and truck pools, status, today's
ground and troop trains, the gauge. Writes: ``State.gauge``, ``State.gauge_km`` and the
trace memo.
"""

from __future__ import annotations

import numpy as np

from stavka.engine import interdiction, kernels
from stavka.engine.context import Ctx
from stavka.engine.phases import naval
from stavka.enums import ACTIVE, E_RAIL
from stavka.world import graph
from stavka.world.counts import group_sum, on_grid
from stavka.world.flat import distinct_rows
from stavka.world.graph import LAND_AND_SEA, RAIL_AND_SEA


def demand(ctx: Ctx) -> np.ndarray:
    """[R, F] t/day each formation needs: ``men x rules.supply_kg_per_man / 1000 + tanks
    x rules.supply_t_per_tank + guns x rules.supply_t_per_gun`` for active formations,
    0 for others, on the fixed-point grid (:func:`stavka.world.counts.on_grid`)."""
    ru, s = ctx.st.rules, ctx.s
    w = s.strength
    t = (w[..., 0] * (ru.supply_kg_per_man / 1000.0) + w[..., 1] * ru.supply_t_per_tank
         + w[..., 2] * ru.supply_t_per_gun)
    return np.where(s.status == ACTIVE, on_grid(t), 0.0)


def source_tons(ctx: Ctx, held: np.ndarray) -> np.ndarray:
    """[R, A, N] t/day each alliance can ship from each region it holds (``held`` [R, A,
    N] bool): its factories' ``supply_per_day`` there (a factory stops on its
    ``evacuate_from`` date; times its total-mobilisation and resource factor,
    :func:`stavka.engine.interdiction.output_factor`), and ``inf`` at a ``supply_source``
    region without factory tonnage for the alliance that held it at the start (a depot
    fed from off the map); with a ``sea`` block, plus what each open port unloads for its
    holder (``ctx.port_supply_t``, :mod:`stavka.engine.phases.naval`)."""
    st = ctx.st
    A = held.shape[1]
    fac = np.zeros((A, st.N))
    scaled = np.zeros((ctx.R, A, st.N))  # factories under a factor (stavka.engine.interdiction)
    declared = np.zeros(st.N, dtype=bool)
    for fa in st.spec.factories:
        if fa.supply_per_day <= 0:
            continue
        n = st.node(fa.node)
        declared[n] = True
        if fa.evacuate_from is not None and ctx.day >= (fa.evacuate_from - st.start).days:
            continue
        k = st.side(fa.side)
        f = interdiction.output_factor(ctx, k, fa.resources)
        if f is None:
            fac[st.alliance[k], n] += fa.supply_per_day
        else:  # total mobilisation, lost mines
            scaled[:, st.alliance[k], n] += fa.supply_per_day * f
    depot = np.zeros((A, st.N))
    own0 = st.alliance[st.owner0]
    dep = st.source_node & ~declared
    depot[own0[dep], np.flatnonzero(dep)] = np.inf
    if scaled.any():  # total mobilisation, lost mines (stavka.engine.interdiction)
        out = np.where(held, fac[None] + scaled + depot[None], 0.0)
    else:
        out = np.where(held, fac[None] + depot[None], 0.0)
    if st.naval is not None:  # an open port's tonnage for its holder (naval phase)
        out = out + np.where(held, ctx.port_supply_t[:, None, :], 0.0)
    return out


def levels(ctx: Ctx, held: np.ndarray, src_node: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(level [R, A, N] float 0..1, connected [R, A, N] bool) under supply in tons (the
    module docstring). Writes only the trace memo (the supply phase then regauges a day,
    :func:`regauge`).

    ``held`` [R, A, N] bool: regions each alliance holds; ``src_node`` [R, A, N] bool:
    held supply-source regions (the encirclement test, as in the traced rule).
    """
    st, s, ru = ctx.st, ctx.s, ctx.st.rules
    R, N = ctx.R, st.N
    A = held.shape[1]
    rows = R * A
    own = held & (s.gauge[:, None, :] == np.arange(A)[None, :, None])
    if st.naval is not None:  # ships unload at the quay: an open port is a railhead at once
        own = own | (held & (ctx.port_supply_t > 0.0)[:, None, :])
    tons = source_tons(ctx, held)
    origin = own & (tons > 0)
    # the trace is redone only for the (replica, alliance) rows whose inputs changed (a
    # German railway regauged leaves the Allies' and Japan's trees as they were), and of
    # those only the parts whose own inputs changed: the rail tree reads the gauge and the
    # sources, the connection the regions held, the truck tree both
    fresh = ~s.memo_ok[:, None]  # [R, 1]
    redo_rail = fresh | (own != s.memo_rail).any(axis=2) | (origin != s.memo_src).any(axis=2)
    redo_land = fresh | (held != s.memo_held).any(axis=2) | (src_node != s.memo_srcnode).any(axis=2)
    lanes = None
    if st.naval is not None and st.naval.has_lanes:  # sea lanes close with ice or enemy control
        lanes = naval.lanes_open(ctx, st.naval)
        shut = (lanes != s.memo_lanes).any(axis=2)
        redo_rail, redo_land = redo_rail | shut, redo_land | shut
    if redo_rail.any() or redo_land.any():
        _trace(ctx, redo_rail, redo_land, held, own, origin, src_node, lanes)
    rt, rh, _, _ = ctx.derived.arcs(RAIL_AND_SEA)
    parc = s.memo_parc.reshape(rows, N)
    root = s.memo_root.reshape(rows, N)
    rhead = s.memo_rhead.reshape(rows, N)
    km = s.memo_truck_km.reshape(rows, N)
    served = rhead >= 0
    base = (np.arange(rows) * N)[:, None]
    # demand by (replica, alliance, region), and carried by rail to each railhead
    # tons needed and trucks, by (replica, alliance, region): demand() and the trucks of
    # _truck_ratio summed in one pass (stavka.engine.kernels.demand_and_trucks)
    d, trucks_at = kernels.demand_and_trucks(
        s.strength, s.status, ACTIVE, s.trucks, st.alliance[st.fside], s.loc, A, N,
        ru.supply_kg_per_man / 1000.0, ru.supply_t_per_tank, ru.supply_t_per_gun)
    d = d.reshape(rows, N)
    # 4. loads: every railhead's tons up the tree to its source; 5. each railed region: the
    # least ratio on its way up, the source's included (stavka.engine.kernels.rail_levels;
    # exact sums: on the grid)
    rail_frac = kernels.rail_levels(d.reshape(-1), rhead.reshape(-1), parc.reshape(-1),
                                    root.reshape(-1), rt, _arc_tons(ctx, A).reshape(-1),
                                    tons.reshape(-1), N)
    # the truck leg: falloff with road km, and the front's ton-km against its trucks
    gs = np.maximum(st.ground_speed[ctx.ground()], 1e-9)  # [N]
    fall = np.clip(1.0 - km / (ru.truck_range_km * gs)[None, :], 0.0, 1.0)
    haul = ru.truck_base_km + np.where(served, km, 0.0)  # [rows, N] road km by truck
    truck = _truck_ratio(ctx, A, np.where(served, d * (haul / gs[None, :]), 0.0), trucks_at)
    truck = np.where(haul > 0, truck, 1.0)  # no haul, no trucks needed
    lv = np.where(served, rail_frac[(base + np.maximum(rhead, 0)).ravel()].reshape(rows, N)
                  * fall * truck, 0.0)
    connected = s.memo_connected
    return np.where(connected, lv.reshape(R, A, N), 0.0), connected


def _arc_tons(ctx: Ctx, A: int) -> np.ndarray:
    """[R * A, arcs] t/day each rail-and-sea arc can carry today: (trains a day in the
    arc's direction, less strikes and partisans, - today's troop trains) x ``rules.tons_per_train``; sea arcs ``inf``."""
    st = ctx.st
    rt, _, _, _ = ctx.derived.arcs(RAIL_AND_SEA)
    edge = ctx.derived.arc_edges(RAIL_AND_SEA)
    way = (st.ea[edge] != rt).astype(np.intp)  # 0: the arc runs the edge a->b
    rail = st.ekind[edge] == E_RAIL
    trains = interdiction.capacity(ctx)[:, edge]  # less strikes and partisans
    if ctx.rail_used is not None:
        trains = trains - ctx.rail_used[:, edge, way]
    t = np.where(rail[None, :], np.maximum(trains, 0.0) * st.rules.tons_per_train, np.inf)
    return np.repeat(t, A, axis=0)


def _truck_ratio(ctx: Ctx, A: int, need: np.ndarray, by_node: np.ndarray) -> np.ndarray:
    """[R * A, N]: min(1, ton-km the alliance's trucks on a region's front deliver a day /
    ton-km needed on that front (``need`` [R * A, N], summed by front)). ``by_node`` [R * A
    * N]: the trucks of the active formations by (replica, alliance, region). Trucks are
    counts on the fixed grid, so summing them by region and then by front is exact."""
    st, s = ctx.st, ctx.s
    R = ctx.R
    Fr = len(st.front_ids)
    nkey = (np.arange(R * A)[:, None] * Fr + st.front[None, :])  # [R * A, N] -> front slot
    have = group_sum(nkey.ravel(), by_node, R * A * Fr)
    pkey = (np.arange(R)[:, None] * A + st.alliance[None, :]) * Fr + \
        st.front[np.maximum(st.capital, 0)][None, :]
    have += group_sum(pkey.ravel(), s.truck_pool.ravel(), R * A * Fr)
    want = group_sum(nkey.ravel(), on_grid(need).ravel(), R * A * Fr)
    cap = have * st.rules.truck_tkm_per_day
    r = np.where(want > 0, np.minimum(1.0, cap / np.where(want > 0, want, 1.0)), 1.0)
    return r[nkey]  # type: ignore[no-any-return]


def _trace(ctx: Ctx, redo_rail: np.ndarray, redo_land: np.ndarray, held: np.ndarray,
           own: np.ndarray, origin: np.ndarray, src_node: np.ndarray,
           lanes: np.ndarray | None = None) -> None:
    """Recompute the memo where its inputs changed: the rail tree over own-gauge rail from
    the sources (rows of ``redo_rail`` [R, A]: gauge, sources or lanes changed), the
    connection to a source over held land (rows of ``redo_land``: regions held, sources
    or lanes changed), and the truck tree over held land from the rail tree (rows of
    either). ``lanes`` [R, A, Z] bool (a sea block with lanes): the sea arcs of a closed
    lane (ice, enemy control) carry nothing, as in the traced rule. Each part of a row is
    a pure function of its own inputs, so rows with the same inputs (many, in a batch) are
    traced once and handed to all, and a part whose inputs did not change is kept."""
    st, s = ctx.st, ctx.s
    rt, rh, rkm, _ = ctx.derived.arcs(RAIL_AND_SEA)
    lt, lh, lkm, _ = ctx.derived.arcs(LAND_AND_SEA)
    extra = [lanes] if lanes is not None else []

    def part(redo: np.ndarray, inputs: list[np.ndarray]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rows to redo (rr, aa), their distinct inputs' rows (ur, ua) and the map back."""
        rr, aa = np.nonzero(redo)
        u, inv = distinct_rows(np.concatenate([x[rr, aa] for x in inputs + extra], axis=1))
        return rr, aa, rr[u], aa[u], inv

    def arcs_ok(ur: np.ndarray, ua: np.ndarray, kind: tuple[int, ...]) -> np.ndarray | None:
        if lanes is None:
            return None
        return graph.arcs_open(lanes[ur, ua], ctx.derived.arc_zones(kind))  # [u, arcs]

    if redo_rail.any():
        rr, aa, ur, ua, inv = part(redo_rail, [own, origin])
        _, parc, root = graph.tree(origin[ur, ua], own[ur, ua], rt, rh, rkm,
                                   arc_ok=arcs_ok(ur, ua, RAIL_AND_SEA))
        s.memo_parc[rr, aa], s.memo_root[rr, aa] = parc[inv], root[inv]
        s.memo_rail[rr, aa], s.memo_src[rr, aa] = own[rr, aa], origin[rr, aa]
    cap = st.rules.truck_range_km * float(st.ground_speed.max())
    rr, aa, ur, ua, inv = part(redo_rail | redo_land, [s.memo_root >= 0, held])
    km, _, rhead = graph.tree(s.memo_root[ur, ua] >= 0, held[ur, ua], lt, lh, lkm, cap=cap,
                              arc_ok=arcs_ok(ur, ua, LAND_AND_SEA))
    s.memo_rhead[rr, aa], s.memo_truck_km[rr, aa] = rhead[inv], km[inv]
    if redo_land.any():
        rr, aa, ur, ua, inv = part(redo_land, [held, src_node])
        s.memo_connected[rr, aa] = graph.reach(src_node[ur, ua], held[ur, ua], lt, lh,
                                               arcs_ok(ur, ua, LAND_AND_SEA))[inv]
        s.memo_held[rr, aa], s.memo_srcnode[rr, aa] = held[rr, aa], src_node[rr, aa]
    if lanes is not None:
        s.memo_lanes[redo_rail | redo_land] = lanes[redo_rail | redo_land]
    s.memo_ok[(redo_rail | redo_land).any(axis=1)] = True


def regauge(ctx: Ctx) -> None:
    """One day of regauging: every held region not laid to its holder's gauge and joined
    by a rail edge to a region of the holder's rail tree (as of today's trace,
    ``State.memo_root``) gets ``rules.regauge_km_per_day`` more km done
    (``State.gauge_km``); when they reach the shortest such edge's km it takes the
    holder's gauge (``State.gauge``), usable from the next trace."""
    st, s, ru = ctx.st, ctx.s, ctx.st.rules
    if ru.regauge_km_per_day <= 0:
        return
    A = s.memo_root.shape[1]
    held = st.alliance[s.owner][:, None, :] == np.arange(A)[None, :, None]  # [R, A, N]
    tail, head, km, _ = ctx.derived.arcs((E_RAIL,))
    if not tail.size:
        return
    todo = held & (s.gauge[:, None, :] != np.arange(A)[None, :, None])  # [R, A, N]
    if not todo.any():
        return
    # only the (replica, alliance) rows with something to regauge (most days, the
    # attacker's): k rows
    rr, aa = np.nonzero(todo.any(axis=2))
    railed = s.memo_root[rr, aa] >= 0  # [k, N]
    cand = railed[:, tail] & todo[rr, aa][:, head]  # [k, arcs]
    if not cand.any():
        return
    # the shortest candidate edge into each region (a region is held by one alliance, so
    # by one row of its replica): the few (row, arc) candidates, least km per region
    ci, ca = np.nonzero(cand)
    best = np.full((ctx.R, st.N), np.inf)  # [R, N]
    np.minimum.at(best, (rr[ci], head[ca]), km[ca])
    front = np.isfinite(best)
    s.gauge_km[front] += ru.regauge_km_per_day
    done = front & (s.gauge_km >= best)
    if done.any():
        r, n = np.nonzero(done)
        s.gauge[r, n] = st.alliance[s.owner[r, n]]
        s.gauge_km[r, n] = 0.0
