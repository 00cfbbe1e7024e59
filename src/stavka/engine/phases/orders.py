"""Phase 2, orders: from the player, the scenario's script, then the AI doctrine.

Player orders are checked before anything changes (an illegal one raises
:class:`IllegalOrderError` with the reason); scripted orders that are illegal in
some replica are rejected there with an ``order_rejected`` event, never dropped
silently. Formations without orders follow their side's stance on their front.
"""

from __future__ import annotations

import numpy as np

from stavka.engine.context import Ctx
from stavka.engine.phases.scripted import date_day, select
from stavka.engine.records import Order
from stavka.errors import IllegalOrderError
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
from stavka.world.static import KINDS, STANCES

ACTION_CODE = {a: ACTIONS.index(a) for a in ACTIONS}


def check(ctx: Ctx, order: Order, replica: int = 0) -> tuple[int, int, int]:
    """Check a player order in one replica; return (formation, action, target) codes."""
    st, s = ctx.st, ctx.s
    f = st.formation(order.formation)
    act = ACTION_CODE[order.action]
    tgt = st.node(order.target) if order.target else -1
    why = illegal_reason(ctx, replica, f, act, tgt)
    if why:
        raise IllegalOrderError(f"order '{order.uci()}' on {st.date(ctx.day)}: {why}")
    del s
    return f, act, tgt


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
    for f, act, tgt in checked:
        m = np.zeros((ctx.R, st.F), dtype=bool)
        m[:, f] = True
        apply(ctx, m, act, tgt)
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
        tgt = st.node(o.target) if o.target else -1
        ok = mask.copy()
        for r, f in zip(*np.nonzero(mask), strict=True):
            why = illegal_reason(ctx, int(r), int(f), act, tgt)
            if why:
                ok[r, f] = False
                # Formations that are simply not in play are skipped quietly only when
                # chosen by a selector; named formations are always reported.
                if o.formations and st.form_ids[f] in o.formations:
                    ctx.emit("order_rejected", int(r), place=tgt, subjects=(st.form_ids[f],),
                             action=o.action, reason=why)
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
    tgt_owner = np.take_along_axis(s.owner, np.maximum(s.target, 0), axis=1)
    al = st.alliance[st.fside][None, :]
    done_att = (s.action == A_ATTACK) & (s.target >= 0) & (st.alliance[tgt_owner] == al)
    s.action[done_att] = A_NONE
    s.scripted[done_att] = False
    # air formations stay at their bases and fly for the whole front (combat phase)
    free = act & ~s.scripted & ~s.over[:, None] & (st.fkind != KINDS.index("air"))[None, :]
    if not free.any():
        return
    front = st.front[s.loc]  # [R, F]
    stance = s.stance[np.arange(ctx.R)[:, None], st.fside[None, :], front]
    # enemy-held nodes per (replica, side): owner at war with the side
    enemy_node = np.take_along_axis(
        s.at_war, np.broadcast_to(s.owner[:, None, :], (ctx.R, st.S, st.N)).astype(np.int64),
        axis=2)  # [R, S, N]: at_war[r, side, owner[r, n]]
    hold_like = free & ((stance == STANCES.index("hold")) | (stance == STANCES.index("passive")))
    s.action[hold_like & (s.action == A_NONE)] = A_HOLD
    attackers = free & (stance == STANCES.index("attack")) & (
        (s.action == A_NONE) | (s.action == A_HOLD) | (s.action == A_DEFEND))
    if attackers.any():
        r_i, f_i = np.nonzero(attackers)
        en = enemy_node[r_i, st.fside[f_i]] & (st.front[None, :] == front[r_i, f_i][:, None])
        cost = st.land_dist[s.loc[r_i, f_i]] - st.vp[None, :] * 2.0
        cost = np.where(en & np.isfinite(st.land_dist[s.loc[r_i, f_i]]), cost, np.inf)
        best = np.argmin(cost, axis=1)
        has = np.isfinite(cost[np.arange(len(best)), best])
        has &= _may_leave(ctx, r_i, f_i, has)  # an offensive never strips a city bare
        s.action[r_i[has], f_i[has]] = A_ATTACK
        s.target[r_i[has], f_i[has]] = best[has]
        s.progress[r_i[has], f_i[has]] = 0.0
    defenders = free & (stance == STANCES.index("defend")) & (
        (s.action == A_NONE) | (s.action == A_HOLD))
    if defenders.any():
        _defend(ctx, defenders, enemy_node)


#: Men a defending AI keeps in a region per victory point it is worth.
GARRISON_MEN_PER_VP = 2000.0


def _may_leave(ctx: Ctx, r_i: np.ndarray, f_i: np.ndarray, leaving: np.ndarray) -> np.ndarray:
    """Garrison rule: formations leave a victory region only while enough men stay.

    Candidates leave in formation order as long as the men remaining stay at
    or above ``vp x GARRISON_MEN_PER_VP``.
    """
    st, s = ctx.st, ctx.s
    ok = np.ones(r_i.shape, dtype=bool)
    loc = s.loc[r_i, f_i]
    men_here = ctx.men_at()[r_i, st.fside[f_i], loc]
    for n in np.unique(loc[leaving & (st.vp[loc] > 0)]):
        need = st.vp[n] * GARRISON_MEN_PER_VP
        for r in np.unique(r_i[leaving & (loc == n)]):
            k = np.nonzero(leaving & (loc == n) & (r_i == r))[0]
            k = k[np.argsort(f_i[k], kind="stable")]
            gone = np.cumsum(s.strength[r, f_i[k], 0])
            ok[k] = men_here[k] - gone >= need
    return ok


def _defend(ctx: Ctx, defenders: np.ndarray, enemy_node: np.ndarray) -> None:
    """Send idle defenders to threatened friendly regions of their front."""
    st, s = ctx.st, ctx.s
    al_f = st.alliance[st.fside]
    # threatened[r, side, n]: own-alliance node adjacent to an enemy-held node
    adj = np.zeros((st.N, st.N), dtype=bool)
    land = st.ekind <= 1
    adj[st.ea[land], st.eb[land]] = adj[st.eb[land], st.ea[land]] = True
    near_enemy = (enemy_node.astype(np.int32) @ adj.astype(np.int32)) > 0  # [R, S, N]
    r_i, f_i = np.nonzero(defenders)
    sd = st.fside[f_i]
    own = st.alliance[s.owner[r_i]] == al_f[f_i][:, None]
    threatened = near_enemy[r_i, sd] & own
    here = threatened[np.arange(len(r_i)), s.loc[r_i, f_i]]
    front = st.front[s.loc[r_i, f_i]]
    cand = threatened & (st.front[None, :] == front[:, None])
    # men already defending each candidate: spread out, prefer the weakest and closest
    men = ctx.men_at()[r_i, sd]
    dist = st.land_dist[s.loc[r_i, f_i]]
    cost = np.where(cand & np.isfinite(dist), dist + men / 200.0, np.inf)
    best = np.argmin(cost, axis=1)
    has = np.isfinite(cost[np.arange(len(best)), best]) & ~here
    go = has & _may_leave(ctx, r_i, f_i, has)
    s.action[r_i[~go], f_i[~go]] = A_DEFEND
    s.action[r_i[go], f_i[go]] = A_MOVE
    s.target[r_i[go], f_i[go]] = best[go]
    s.progress[r_i[go], f_i[go]] = 0.0
