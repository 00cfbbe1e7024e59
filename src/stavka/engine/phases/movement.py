"""Phase 3, movement: arrivals, rail transit against train capacity, road march.

With steps shorter than a day (``Scenario.step_hours``) marches advance the step's share
of a day's km and days in place count in days; the day's trains leave at its first step.

Rail: a formation needs ``ceil(rail_trains x strength)`` trains. Each day the
trains it may dispatch are limited by what is left of every edge's daily
capacity (less what strikes and partisans cut, :func:`stavka.engine.interdiction.capacity`)
along its path (formations book in id order). A steady flow of k
trains/day occupies k trains/day of every edge of the path, so the booking is
made on all of them. The formation arrives when its last train does:
``day of last dispatch + ceil(km / rail_speed)``.

Road: ``speed x ground factor x terrain factor x (u + (1 - u) supply)`` km/day
toward the next region on the shortest land route, halved
(``u`` = ``rules.unsupplied_speed``); on a link along a paved highway (``Edge.highway``)
the ground factor is at least ``rules.highway_ground_speed``; times ``rules.enemy_ground_speed`` when the region ahead is enemy-held (screens, demolitions,
mines); entering an empty enemy region takes it
(:func:`stavka.engine.effects.take_regions`); an occupied one is a battle (combat phase).

Days in place: every formation that does not march counts one more day dug in
(``State.dug``); for a resting attacker (negative ``dug``, :mod:`stavka.ai.attack`)
that count is the rest running out.

Reads: orders, positions, status, rail bookings, supply on hand, today's ground.
Writes: status, positions, march progress, days in place, rail bookings, ownership of
regions taken on the march; with ``rules.supply_tons``, the day's troop trains per edge
(:attr:`Ctx.rail_used <stavka.engine.context.Ctx.rail_used>`, read by supply in tons).
"""

from __future__ import annotations

import numpy as np

from stavka.engine import interdiction, kernels
from stavka.engine.context import Ctx
from stavka.engine.effects import capture_event, take_regions
from stavka.engine.legality import passes
from stavka.enums import (
    A_ATTACK,
    A_HOLD,
    A_MOVE,
    A_RAIL,
    A_WITHDRAW,
    ACTIVE,
    INACTIVE,
    KINDS,
    RAIL,
)
from stavka.world.flat import flat
from stavka.world.state import State
from stavka.world.static import Static


def trains_needed(st, s, f_idx: np.ndarray, r_idx: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Trains to move formations: rail_trains scaled by men / establishment (min 25 %).

    ``f_idx``, ``r_idx`` [k]: formation and replica of each formation to move; returns
    [k] float, whole trains.
    """
    frac = np.clip(s.strength[r_idx, f_idx, 0] / np.maximum(st.est[f_idx, 0], 1.0),
                   st.rules.min_train_fraction, 1.0)
    return np.ceil(st.rail_trains[f_idx] * frac)


def run(ctx: Ctx) -> None:
    """Bring arrivals into play, load, dispatch and unload rail transfers, march by road
    and count days in place (see the module docstring).

    A rail order whose route was lost since it was given is dropped with an
    ``order_rejected`` event (no error). Road marches advance in km/day toward the next
    region; an empty enemy region entered is taken (``capture`` event), an occupied one
    is left to the combat phase.
    """
    st, s, day = ctx.st, ctx.s, ctx.day
    # 1. formations entering play today
    arrive = (s.status == INACTIVE) & (s.arrive_day == day)
    if arrive.any():
        s.status[arrive] = ACTIVE
        s.arrive_day[arrive] = -1
        if ctx.record:
            for r, f in zip(*np.nonzero(arrive), strict=True):
                ctx.emit("reinforcement", r, place=int(s.loc[r, f]), side=int(st.fside[f]),
                         subjects=(st.form_ids[f],), men=float(s.strength[r, f, 0]))
    _rail(ctx)
    _road(ctx)
    ctx.invalidate()


def _rail(ctx: Ctx) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    # start loading
    start = (s.status == ACTIVE) & (s.action == A_RAIL) & (s.rail_depart >= 0) & (s.rail_depart <= day)
    if start.any():
        r_i, f_i = np.nonzero(start)
        # the route may have been lost since the order was given
        ok = passes(ctx, r_i, f_i, A_RAIL, s.target[r_i, f_i], only=("rail_route", "rail_held"))
        for r, f in zip(r_i[~ok], f_i[~ok], strict=True):
            ctx.emit("order_rejected", r, place=int(s.target[r, f]), subjects=(st.form_ids[f],),
                     action="rail", reason="no railway through own territory")
            s.action[r, f] = A_HOLD
            s.rail_depart[r, f] = -1
            s.scripted[r, f] = False
        r_i, f_i = r_i[ok], f_i[ok]
        s.status[r_i, f_i] = RAIL
        s.rail_from[r_i, f_i] = s.loc[r_i, f_i]
        s.rail_left[r_i, f_i] = trains_needed(st, s, f_i, r_i)
        s.rail_eta[r_i, f_i] = -1
        for r, f in zip(r_i, f_i, strict=True):
            ctx.emit("rail_depart", r, place=int(s.loc[r, f]), side=int(st.fside[f]),
                     subjects=(st.form_ids[f],), to=st.node_ids[s.target[r, f]],
                     trains=float(s.rail_left[r, f]), men=float(s.strength[r, f, 0]),
                     km=float(st.rail_dist[st.alliance[st.fside[f]], s.loc[r, f], s.target[r, f]]))
    # dispatch trains against today's capacity, formations in id order; with steps
    # shorter than a day, the day's trains leave at its first step (a capacity in whole
    # trains a day does not split into hours)
    loading = (s.status == RAIL) & (s.rail_left > 0)
    if loading.any() and ctx.day_start:
        # capacity left today per edge and direction (0: a->b, 1: b->a)
        trains = interdiction.capacity(ctx)  # [R, E]: less strikes and partisans
        cap = np.repeat(trains[:, :, None], 2, axis=2)
        rows = np.arange(ctx.R)
        for f in np.nonzero(loading.any(axis=0))[0]:
            m = loading[:, f]
            r = rows[m]
            al = st.alliance[st.fside[f]]
            path = st.rail_path[al, s.rail_from[r, f], s.target[r, f]]  # [k, L]
            way = st.rail_dir[al, s.rail_from[r, f], s.target[r, f]]
            valid = path >= 0
            c = np.where(valid, cap[r[:, None], np.maximum(path, 0), way], np.inf)
            bottleneck = np.floor(c.min(axis=1))
            k = np.minimum(s.rail_left[r, f], np.maximum(bottleneck, 0.0))
            rr = np.repeat(r, path.shape[1])[valid.ravel()]
            np.subtract.at(cap, (rr, path[valid], way[valid]), np.repeat(k, valid.sum(axis=1)))
            s.rail_left[r, f] -= k
            done = s.rail_left[r, f] <= 0
            km = st.rail_dist[al, s.rail_from[r, f], s.target[r, f]]
            s.rail_eta[r[done], f] = day + np.ceil(km[done] / st.spec.rail_speed_km_day).astype(int)
        if st.rules.on("supply_tons"):  # supply in tons gets what the troop trains left
            ctx.rail_used = trains[:, :, None] - cap
    # arrivals
    arr = (s.status == RAIL) & (s.rail_left <= 0) & (s.rail_eta >= 0) & (s.rail_eta <= day)
    if arr.any():
        s.loc[arr] = s.target[arr]
        short = _stop_short(st, s, arr)  # {(r, f): the station the enemy took} if any
        s.status[arr] = ACTIVE
        s.action[arr] = A_HOLD
        s.scripted[arr] = False
        s.dug[arr] = 0
        s.progress[arr] = 0
        s.rail_depart[arr] = -1
        s.rail_eta[arr] = -1
        for r, f in zip(*np.nonzero(arr), strict=True):
            lost = short.get((int(r), int(f)))
            ctx.emit("rail_arrive", r, place=int(s.loc[r, f]), side=int(st.fside[f]),
                     subjects=(st.form_ids[f],), men=float(s.strength[r, f, 0]),
                     origin=st.node_ids[s.rail_from[r, f]],
                     **({"stopped_short": st.node_ids[lost]} if lost is not None else {}))


def _stop_short(st: Static, s: State, arr: np.ndarray) -> dict[tuple[int, int], int]:
    """Trains whose destination the enemy took while they were on the way detrain at the
    last station of their route their alliance still holds (the departure station if
    none): a formation never detrains into enemy hands. ``arr`` [R, F] marks the day's
    arrivals, already placed at their destination in ``s.loc``; moves those that stop
    short and returns {(replica, formation): the destination they did not reach}."""
    out: dict[tuple[int, int], int] = {}
    rr, ff = np.nonzero(arr)
    lost = st.alliance[s.owner[rr, s.loc[rr, ff]]] != st.alliance[st.fside[ff]]
    for r, f in zip(rr[lost], ff[lost], strict=True):  # rare: walk the route
        al = st.alliance[st.fside[f]]
        dest = int(s.loc[r, f])
        stop = cur = int(s.rail_from[r, f])
        path = st.rail_path[al, cur, dest]
        way = st.rail_dir[al, cur, dest]
        for e, d in zip(path, way, strict=True):
            if e < 0:
                break
            cur = int(st.eb[e] if d == 0 else st.ea[e])
            if st.alliance[s.owner[r, cur]] != al:
                break
            stop = cur
        s.loc[r, f] = stop
        out[(int(r), int(f))] = dest
    return out


def road_speed(ctx: Ctx, f_i: np.ndarray, r_i: np.ndarray, nxt: np.ndarray,
               loc: np.ndarray | None = None) -> np.ndarray:
    """km/day of formations (f_i, r_i) marching into nodes ``nxt`` (from ``loc``, which
    matters only on a highway link: ``rules.highway_ground_speed``)."""
    return _speed(ctx, f_i, r_i * ctx.st.F + f_i, nxt, loc)


def _speed(ctx: Ctx, f_i: np.ndarray, fl: np.ndarray, nxt: np.ndarray,
           loc: np.ndarray | None = None) -> np.ndarray:
    st = ctx.st
    gs = st.ground_speed[ctx.ground()[nxt]]
    floor = st.rules.highway_ground_speed
    if floor > 0.0 and loc is not None:  # a paved highway: mud and snow slow a column less
        # on the link the march takes between the two (edge_of: land first, the shortest)
        on_highway = st.ehighway[flat(st.edge_of)[loc * st.N + nxt]]
        gs = np.where(on_highway, np.maximum(gs, floor), gs)
    # motorisation: trucks below the type's needs slow a motorised formation to foot pace
    v = st.speed[f_i] * gs * st.terrain_speed[st.terrain[nxt]]
    foot = st.rules.unmotorised_speed
    if foot != 1.0:  # motorisation: a mobile formation short of trucks slows toward foot pace
        need = st.est_trucks[f_i]
        fill = np.clip(flat(ctx.s.trucks)[fl] / np.maximum(need, 1.0), 0.0, 1.0)
        v = v * np.where(_mobile(st)[f_i], foot + (1.0 - foot) * fill, 1.0)
    low = st.rules.unsupplied_speed
    return v * (low + (1.0 - low) * flat(ctx.s.supply)[fl])


def _mobile(st: Static) -> np.ndarray:
    """[F] bool: armour and motorised formations with a truck need, whose road speed falls
    toward ``rules.unmotorised_speed`` when they are short of trucks (:func:`_speed`)."""
    return (st.est_trucks > 0) & ((st.fkind == KINDS.index("armour"))
                                  | (st.fkind == KINDS.index("motorised")))


#: the action codes that march (compared one by one: an [R, F] int8 lookup through a
#: table index would first widen every code to a pointer-sized integer)
_MARCHES = (A_MOVE, A_ATTACK, A_WITHDRAW)


def _road(ctx: Ctx) -> None:
    st, s = ctx.st, ctx.s
    F, N = st.F, st.N
    # one pass over the formations (stavka.engine.kernels.march): who marches, who is
    # stopped (neutral ground blocks; occupied enemy ground is a battle, not a march), the
    # km a day (_speed's factors) and the arrivals; days in place for the others
    fl, nxt = kernels.march(
        s.status, s.action, s.target, s.loc, ACTIVE, np.array(_MARCHES), s.dug, ctx.dt,
        st.land_next.reshape(-1), s.owner, st.alliance, st.fside, s.at_war, ctx.enemy_men_at(),
        st.ground_speed[ctx.ground()], float(st.rules.highway_ground_speed), st.ehighway,
        st.edge_of.reshape(-1), st.speed, st.terrain_speed[st.terrain],
        float(st.rules.unmotorised_speed), st.est_trucks.astype(np.float64), _mobile(st), s.trucks,
        float(st.rules.unsupplied_speed), s.supply, float(st.rules.enemy_ground_speed),
        s.progress, st.ekm)
    if fl.size == 0:
        return
    r_i, f_i = np.divmod(fl, F)
    side = st.fside[f_i]
    # capture empty enemy regions entered; where formations of several sides enter one
    # region on the same day, the first in (replica, formation) order takes it
    taken = np.flatnonzero(st.alliance[flat(s.owner)[r_i * N + nxt]] != st.alliance[side])
    if taken.size:
        _, first = np.unique(r_i[taken] * N + nxt[taken], return_index=True)
        k = taken[np.sort(first)]
        prev, _ = take_regions(ctx, r_i[k], nxt[k], side[k])
        for r, f, n, sd, pv in zip(r_i[k], f_i[k], nxt[k], side[k], prev, strict=True):
            capture_event(ctx, int(r), int(n), int(sd), int(pv), (st.form_ids[f],),
                          defended=False)
