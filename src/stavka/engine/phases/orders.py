"""Phase 2, orders: from the player, the scenario's script, then the AI doctrine.

Player orders are checked before anything changes (an illegal one raises
:class:`IllegalOrderError` with the reason; an order for a formation of a side the
caller does not play is refused by :func:`check_owner`); scripted orders that are
illegal in some replica are rejected there with an ``order_rejected`` event, never
dropped silently. Formations without orders follow their side's stance on their front.

**Player and script, one rule:** the player's order of the day wins. A scripted
order for a formation the player ordered that day is not applied, and an
``order_overridden`` event names it; a player's order that replaces a rail
transfer booked for the formation (by an event or the script) cancels the transfer,
also with an ``order_overridden`` event. Nothing is replaced silently.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stavka.engine.context import Ctx
from stavka.engine.phases.scripted import date_day, select
from stavka.engine.phases.supply import arcs
from stavka.engine.records import Order
from stavka.errors import IllegalOrderError, did_you_mean
from stavka.world.flat import distinct, flat, take_rows
from stavka.world.state import (
    A_ATTACK,
    A_DEFEND,
    A_HOLD,
    A_MOVE,
    A_NONE,
    A_RAIL,
    ACTIONS,
    ACTIVE,
)
from stavka.world.static import KINDS, STANCES, Static

ACTION_CODE = {a: ACTIONS.index(a) for a in ACTIONS}


def check(ctx: Ctx, order: Order, replica: int = 0) -> tuple[int, int, int]:
    """Check a player order in one replica; return (formation, action, target) codes."""
    st = ctx.st
    f = st.formation(order.formation)
    act = ACTION_CODE[order.action]
    tgt = st.node(order.target) if order.target else -1
    why = illegal_reason(ctx, replica, f, act, tgt)
    if why:
        raise IllegalOrderError(f"order '{order.uci()}' on {st.date(ctx.day)}: {why}")
    return f, act, tgt


def unknown_ids(st: Static, order: Order) -> str | None:
    """Why ``order`` names a formation or region the scenario does not have (with a
    suggestion), or None. Values are ``repr``-escaped and cut, for one-line messages."""
    if order.formation not in st.form_index:
        return (f"unknown formation {order.formation!r:.40}"
                f"{did_you_mean(order.formation, list(st.form_ids))}")
    if order.target is not None and order.target not in st.node_index:
        return f"unknown region {order.target!r:.40}{did_you_mean(order.target, list(st.node_ids))}"
    return None


def check_owner(st: Static, order: Order, sides: Sequence[str] | None) -> None:
    """Refuse an order for a formation of a side not in ``sides`` (None: any side).

    Raises :class:`IllegalOrderError` naming the formation's side and the caller's."""
    if sides is None:
        return
    f = st.formation(order.formation)
    owner = st.side_ids[int(st.fside[f])]
    if owner not in sides:
        raise IllegalOrderError(
            f"order '{order.uci()}': {order.formation} belongs to {owner}; "
            f"you play {', '.join(sides)}")


def illegal_reason(ctx: Ctx, r: int, f: int, act: int, tgt: int) -> str | None:
    """Why an order cannot be carried out in replica ``r``, or None if it can."""
    st, s = ctx.st, ctx.s
    status = int(s.status[r, f])
    if status != ACTIVE:
        return f"formation '{st.form_ids[f]}' is " + {0: "not in play yet", 2: "in rail transit",
                                                     3: "destroyed"}.get(status, "unavailable")
    loc = int(s.loc[r, f])
    side = int(st.fside[f])
    if act == A_RAIL:
        al = int(st.alliance[side])
        if tgt == loc:
            return "already there"
        if st.rail_next[al, loc, tgt] < 0:
            return (f"no railway from {st.node_ids[loc]} to {st.node_ids[tgt]} "
                    f"through own territory")
        path = st.rail_path[al, loc, tgt]
        nodes = {loc, *(int(st.ea[e]) for e in path if e >= 0), *(int(st.eb[e]) for e in path if e >= 0)}
        lost = [st.node_ids[n] for n in sorted(nodes) if st.alliance[s.owner[r, n]] != al]
        if lost:
            return f"rail path runs through enemy-held {', '.join(lost)}"
    if act in (A_MOVE, A_ATTACK):
        if st.land_next[loc, tgt] < 0 and tgt != loc:
            return f"no land route from {st.node_ids[loc]} to {st.node_ids[tgt]}"
        if act == A_ATTACK and not s.at_war[r, side].any():
            return f"{st.side_ids[side]} is at war with no one"
    return None


def legal(ctx: Ctx, act: int, tgt: int) -> np.ndarray:
    """[R, F] bool: where an order (action, target) is legal; the vectorised twin of
    :func:`illegal_reason`, which words the reason for the few that are not."""
    st, s = ctx.st, ctx.s
    ok = s.status == ACTIVE
    if act == A_RAIL:
        al = st.alliance[st.fside]
        ok &= (s.loc != tgt) & (st.rail_next[al[None, :], s.loc, tgt] >= 0)
        path = st.rail_path[al[None, :], s.loc, tgt]  # [R, F, L]
        ends = np.concatenate([np.where(path >= 0, st.ea[np.maximum(path, 0)], -1),
                               np.where(path >= 0, st.eb[np.maximum(path, 0)], -1)], axis=2)
        rows = np.arange(ctx.R)[:, None, None]
        held = st.alliance[s.owner[rows, np.maximum(ends, 0)]] == al[None, :, None]
        ok &= np.all(held | (ends < 0), axis=2)
        ok &= st.alliance[s.owner[np.arange(ctx.R)[:, None], s.loc]] == al[None, :]
    elif act in (A_MOVE, A_ATTACK):
        ok &= (st.land_next[s.loc, tgt] >= 0) | (s.loc == tgt)
        if act == A_ATTACK:
            ok &= np.any(s.at_war, axis=2)[:, st.fside]  # the formation's side is at war
    return ok


def apply(ctx: Ctx, mask: np.ndarray, act: int, tgt: int, scripted: bool = True) -> None:
    """Set an order on the formations of ``mask`` [R, F]."""
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


def run(ctx: Ctx, orders: list[Order]) -> None:
    """Apply player orders, today's scripted orders, then the AI doctrine."""
    st, s = ctx.st, ctx.s
    checked = [check(ctx, o, r) for o in orders for r in range(ctx.R)]
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
        apply(ctx, m, act, tgt)
        by_player |= m
    for o in st.spec.orders:
        if date_day(st, o.date) != ctx.day:
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
        ok = mask & legal(ctx, act, tgt)
        named = np.zeros(st.F, dtype=bool)
        named[[st.form_index[i] for i in o.formations]] = True
        # Illegal for a named formation: reported. Chosen by a selector but not in play:
        # skipped quietly (a selector means "those of them that can").
        if ctx.record:
            for r, f in zip(*np.nonzero(mask & ~ok & named[None, :]), strict=True):
                why = illegal_reason(ctx, int(r), int(f), act, tgt)
                ctx.emit("order_rejected", int(r), place=tgt, subjects=(st.form_ids[f],),
                         action=o.action, reason=why or "not possible")
        apply(ctx, ok, act, tgt)
    doctrine(ctx)


def doctrine(ctx: Ctx) -> None:
    """The default AI: formations without a live order follow their front's stance.

    attack: march on the nearest enemy-held region of the same front (ties: more
    victory points, then lower index); defend: go to the nearest threatened
    friendly region of the front that is not yet held, else dig in; hold/passive:
    stay and dig in.
    """
    st, s = ctx.st, ctx.s
    act = s.status == ACTIVE
    done_move = (s.action == A_MOVE) & (s.loc == s.target)
    s.action[done_move] = A_HOLD
    s.scripted[done_move] = False
    # Attack orders whose target is now friendly are finished.
    fl = np.flatnonzero((s.action == A_ATTACK) & (s.target >= 0))
    tgt_al = st.alliance[flat(s.owner)[fl // st.F * st.N + flat(s.target)[fl]]]
    done = fl[tgt_al == st.alliance[st.fside[fl % st.F]]]
    flat(s.action)[done] = A_NONE
    flat(s.scripted)[done] = False
    # air formations stay at their bases and fly for the whole front (combat phase)
    free = act & ~s.scripted & ~s.over[:, None] & (st.fkind != KINDS.index("air"))[None, :]
    if not free.any():
        return
    front = st.front[s.loc]  # [R, F]
    Fr = s.stance.shape[2]
    stance = s.stance.reshape(-1)[(np.arange(ctx.R)[:, None] * st.S + st.fside[None, :]) * Fr
                                  + front]
    # enemy-held nodes per (replica, side): owner at war with the side
    # [R, S, N]: at_war[r, side, owner[r, n]]
    sides = (np.arange(ctx.R)[:, None] * st.S + np.arange(st.S)[None, :]) * st.S  # [R, S]
    enemy_node = s.at_war.reshape(-1)[sides[:, :, None] + s.owner[:, None, :]]
    hold_like = free & ((stance == STANCES.index("hold")) | (stance == STANCES.index("passive")))
    s.action[hold_like & (s.action == A_NONE)] = A_HOLD
    attackers = free & (stance == STANCES.index("attack")) & (
        (s.action == A_NONE) | (s.action == A_HOLD) | (s.action == A_DEFEND))
    if attackers.any():
        fl = np.flatnonzero(attackers)
        r_i, f_i = np.divmod(fl, st.F)
        # formations of one side in one region choose alike: choose once per group
        sd, loc = st.fside[f_i], flat(s.loc)[fl]
        grp, inv = distinct((r_i * st.S + sd) * st.N + loc, ctx.R * st.S * st.N)
        rs, gl = np.divmod(grp, st.N)
        gr, gs = np.divmod(rs, st.S)
        en = enemy_node[gr, gs] & (st.front[None, :] == st.front[gl][:, None])
        dist = st.land_dist[gl]
        cost = np.where(en & np.isfinite(dist), dist - st.vp[None, :] * 2.0, np.inf)
        g_best = np.argmin(cost, axis=1)
        g_has = np.isfinite(cost[np.arange(grp.size), g_best])
        best, has = g_best[inv], g_has[inv]
        has &= _may_leave(ctx, fl, has)  # an offensive never strips a city bare
        go = fl[has]
        flat(s.action)[go] = A_ATTACK
        flat(s.target)[go] = best[has]
        flat(s.progress)[go] = 0.0
    defenders = free & (stance == STANCES.index("defend")) & (
        (s.action == A_NONE) | (s.action == A_HOLD))
    if defenders.any():
        _defend(ctx, defenders, enemy_node)
    ctx.cache.pop("doctrine_men", None)


def _men(ctx: Ctx) -> np.ndarray:
    """``ctx.men_at()``, computed once for the doctrine (it moves no one)."""
    if "doctrine_men" not in ctx.cache:
        ctx.cache["doctrine_men"] = ctx.men_at()
    return ctx.cache["doctrine_men"]  # type: ignore[no-any-return]


#: Men a defending AI keeps in a region per victory point it is worth.
GARRISON_MEN_PER_VP = 2000.0


def _may_leave(ctx: Ctx, fl: np.ndarray, leaving: np.ndarray) -> np.ndarray:
    """Garrison rule: formations leave a victory region only while enough men stay.

    ``fl`` are flat (replica * F + formation) indices in row-major order.
    Candidates leave in formation order as long as the men remaining stay at
    or above ``vp x GARRISON_MEN_PER_VP``.
    """
    st, s = ctx.st, ctx.s
    ok = np.ones(fl.shape, dtype=bool)
    loc = flat(s.loc)[fl]
    k = np.flatnonzero(leaving & (st.vp[loc] > 0))
    if k.size == 0:
        return ok
    r_k, f_k = np.divmod(fl[k], st.F)
    sd, loc_k = st.fside[f_k], loc[k]
    men_here = flat(_men(ctx))[(r_k * st.S + sd) * st.N + loc_k]
    # group by (replica, region, side), formations in index order; men gone so far
    grp = (r_k * st.N + loc_k) * st.S + sd
    order = np.lexsort((f_k, grp))
    k, grp, men_here = k[order], grp[order], men_here[order]
    men = take_rows(s.strength, fl[k])[:, 0]
    cum = np.cumsum(men)
    start = np.r_[True, grp[1:] != grp[:-1]]
    base = np.maximum.accumulate(np.where(start, cum - men, 0.0))
    gone = cum - base
    ok[k] = men_here - gone >= st.vp[loc[k]] * GARRISON_MEN_PER_VP
    return ok


def _defend(ctx: Ctx, defenders: np.ndarray, enemy_node: np.ndarray) -> None:
    """Send idle defenders to threatened friendly regions of their front."""
    st, s = ctx.st, ctx.s
    # threatened[r, side, n]: own-alliance node adjacent to an enemy-held node
    tail, head, _, sc = arcs(ctx, (0, 1))
    near_enemy = np.zeros(enemy_node.shape, dtype=bool)  # [R, S, N]
    nodes, got = sc.any(enemy_node[..., tail])
    near_enemy[..., nodes] = got
    fl = np.flatnonzero(defenders)
    r_i, f_i = np.divmod(fl, st.F)
    sd = st.fside[f_i]
    loc = flat(s.loc)[fl]
    own_al = st.alliance[s.owner][:, None, :] == np.arange(int(st.alliance.max()) + 1)[None, :, None]
    threat_all = near_enemy & own_al[:, st.alliance, :]  # [R, S, N]
    # only regions threatened somewhere are candidates: keeps the arrays small
    cols = np.nonzero(threat_all.any(axis=(0, 1)))[0]
    if cols.size == 0:
        flat(s.action)[fl] = A_DEFEND
        return
    # formations of one side in one region choose alike: choose once per group
    grp, inv = distinct((r_i * st.S + sd) * st.N + loc, ctx.R * st.S * st.N)
    rs, gl = np.divmod(grp, st.N)
    here = flat(threat_all)[grp]
    at = rs[:, None] * st.N + cols[None, :]  # flat [R, S, N] index of (group, candidate)
    threatened = flat(threat_all)[at]
    cand = threatened & (st.front[cols][None, :] == st.front[gl][:, None])
    # men already defending each candidate: spread out, prefer the weakest and closest
    men = flat(_men(ctx))[at]
    dist = st.land_dist[gl[:, None], cols[None, :]]
    cost = np.where(cand & np.isfinite(dist), dist + men / 200.0, np.inf)
    pick = np.argmin(cost, axis=1)
    g_best = cols[pick]
    g_has = np.isfinite(cost[np.arange(grp.size), pick]) & ~here
    best, has = g_best[inv], g_has[inv]
    go = has & _may_leave(ctx, fl, has)
    flat(s.action)[fl[~go]] = A_DEFEND
    flat(s.action)[fl[go]] = A_MOVE
    flat(s.target)[fl[go]] = best[go]
    flat(s.progress)[fl[go]] = 0.0
