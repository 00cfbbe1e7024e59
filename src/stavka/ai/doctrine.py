"""The AI's doctrine: what formations without a live order do, by their front's stance.

Called by the orders phase (:mod:`stavka.engine.phases.orders`) after the player's and
the script's orders of the day. Its other half, whether an AI attack goes in at the odds
the combat model gives, is :mod:`stavka.ai.attack` (called by the combat phase).
"""

from __future__ import annotations

import numpy as np

from stavka.ai import attack as ai_attack
from stavka.engine import kernels
from stavka.engine.context import Ctx
from stavka.engine.legality import passes
from stavka.enums import (
    A_ATTACK,
    A_DEFEND,
    A_HOLD,
    A_MOVE,
    A_NONE,
    A_RAIL,
    ACTIVE,
    KINDS,
    RAIL,
    STANCES,
)
from stavka.world import graph
from stavka.world.counts import group_sum
from stavka.world.flat import distinct, flat, take_rows


def doctrine(ctx: Ctx) -> None:
    """The default AI: formations without a live order follow their front's stance.

    attack: march on the nearest enemy-held region of the same front (ties: more
    victory points, then lower index); defend: go to the nearest threatened
    friendly region of the front that is not yet held, else dig in; hold/passive:
    stay and dig in. Whoever leaves a region obeys the garrison and cover rules
    (:func:`_may_leave`); a defender dug in behind the line goes forward again when
    ``rules.rear_release`` is 1.
    """
    st, s = ctx.st, ctx.s
    act = s.status == ACTIVE
    done_move = (s.action == A_MOVE) & (s.loc == s.target)
    s.action[done_move] = A_HOLD
    s.scripted[done_move] = False
    if st.rules.on("move_retarget"):
        _end_blocked_moves(ctx)
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
    men = _Men(ctx)
    front = st.front[s.loc]  # [R, F]
    Fr = s.stance.shape[2]
    stance = s.stance.reshape(-1)[(np.arange(ctx.R)[:, None] * st.S + st.fside[None, :]) * Fr
                                  + front]
    # enemy-held nodes per (replica, side): owner at war with the side
    # [R, S, N]: at_war[r, side, owner[r, n]]
    sides = (np.arange(ctx.R)[:, None] * st.S + np.arange(st.S)[None, :]) * st.S  # [R, S]
    enemy_node = s.at_war.reshape(-1)[sides[:, :, None] + s.owner[:, None, :]]
    if st.rules.on("stance_recall"):
        # the doctrine's own attacks end where the stance is no longer attack: its
        # formations choose again below, under the stance they now have
        recall = free & (stance != STANCES.index("attack")) & (s.action == A_ATTACK)
        s.action[recall] = A_NONE
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
        # the nearest enemy-held region of the front, less vp x target_km_per_vp
        g_best, g_has = kernels.nearest_targets(gr, gs, gl, enemy_node, st.front, st.land_dist,
                                                st.vp, float(st.rules.target_km_per_vp))
        best, has = g_best[inv], g_has[inv]
        has &= _may_leave(ctx, fl, has, men)  # an offensive never strips a city bare
        go = fl[has]
        flat(s.action)[go] = A_ATTACK
        flat(s.target)[go] = best[has]
        flat(s.progress)[go] = 0.0
    # dug-in defenders (A_DEFEND) are reconsidered only for the stacking limit
    defenders = free & (stance == STANCES.index("defend")) & (
        (s.action == A_NONE) | (s.action == A_HOLD) | (s.action == A_DEFEND))
    if defenders.any() and st.rules.on("salient_withdraw"):
        defenders = _withdraw_from_salients(ctx, defenders, enemy_node, men)
    if defenders.any() and st.rules.on("active_defence"):
        defenders = _counterattack(ctx, defenders, enemy_node, men)
    if defenders.any() and st.rules.on("reserve_dispatch"):
        defenders = _dispatch_reserves(ctx, defenders, enemy_node, men)
    if defenders.any():
        _defend(ctx, defenders, enemy_node, men)


def _end_blocked_moves(ctx: Ctx) -> None:
    """``rules.move_retarget``: an AI move (not scripted) whose destination is held by an
    enemy with troops in it is ended (``A_NONE``): the march cannot go on (movement stops
    at occupied enemy ground), so the formation chooses again today."""
    st, s = ctx.st, ctx.s
    fl = np.flatnonzero((s.action == A_MOVE) & (s.target >= 0) & ~s.scripted
                        & (s.status == ACTIVE))
    if fl.size == 0:
        return
    r_i, f_i = np.divmod(fl, st.F)
    tgt = flat(s.target)[fl]
    side = st.fside[f_i]
    owner = s.owner[r_i, tgt]
    war = s.at_war[r_i, side, owner]
    held = war & (ctx.enemy_men_at()[r_i, side, tgt] > 0)
    flat(s.action)[fl[held]] = A_NONE


class _Men:
    """``ctx.men_at()``, computed at most once for the doctrine (it moves no one)."""

    def __init__(self, ctx: Ctx):
        self.ctx = ctx
        self.men: np.ndarray | None = None

    def __call__(self) -> np.ndarray:
        if self.men is None:
            self.men = self.ctx.men_at()
        return self.men


def _running_men(grp: np.ndarray, men: np.ndarray) -> np.ndarray:
    """[k] men of each formation and the ones before it in its group: ``grp`` [k] sorted so
    that each group's formations are consecutive, ``men`` [k] in the same order."""
    cum = np.cumsum(men)
    start = np.r_[True, grp[1:] != grp[:-1]]
    return cum - np.maximum.accumulate(np.where(start, cum - men, 0.0))


def _adjacent_enemy_men(ctx: Ctx, r: np.ndarray, side: np.ndarray, n: np.ndarray) -> np.ndarray:
    """[k]: the enemy men of side ``side[k]`` in the land neighbours of region ``n[k]`` in
    replica ``r[k]``. Men are counts on the fixed grid (:mod:`stavka.world.counts`), so
    the sum is exact in any order, whatever the CPU."""
    enemy = ctx.enemy_men_at()  # [R, S, N]
    nb = ctx.derived.neighbours()[n]  # [k, K], -1 padded
    at = ((r * enemy.shape[1] + side) * enemy.shape[2])[:, None] + np.maximum(nb, 0)
    return np.where(nb >= 0, flat(enemy)[at], 0.0).sum(axis=1)  # type: ignore[no-any-return]


def _may_leave(ctx: Ctx, fl: np.ndarray, leaving: np.ndarray, men_at: _Men,
               cover: bool = True) -> np.ndarray:
    """Garrison and cover rules: formations leave a region only while enough men stay.

    ``fl`` are flat (replica * F + formation) indices in row-major order.
    Candidates leave in formation order as long as the men remaining stay at
    or above both ``vp x rules.garrison_men_per_vp`` (a victory region's garrison) and
    ``rules.cover_ratio x`` the enemy men in the regions next to it (a sector in contact
    is not uncovered); with ``cover`` false, the garrison rule alone (a salient's
    withdrawal under ``rules.salient_cover`` 0).
    """
    st, s = ctx.st, ctx.s
    ratio = st.rules.cover_ratio if cover and st.rules.cover_ratio > 0.0 else 0.0
    # one pass over the candidates (stavka.engine.kernels.may_leave; exact sums)
    enemy = ctx.enemy_men_at() if ratio > 0.0 else np.zeros((0, 0, 0))
    return kernels.may_leave(fl, leaving, st.F, s.loc.reshape(-1), s.strength.reshape(-1, 4),  # type: ignore[no-any-return]
                             st.fside, st.vp, float(st.rules.garrison_men_per_vp), ratio, enemy,
                             ctx.derived.neighbours(), men_at())


def _withdraw_from_salients(ctx: Ctx, defenders: np.ndarray, enemy_node: np.ndarray,
                            men_at: _Men) -> np.ndarray:
    """``rules.salient_withdraw``: defenders [R, F] in a salient fall back through its
    last exit before the pocket closes; returns the defenders left to :func:`_defend`.

    A salient is a region whose land neighbours include exactly one held by the
    defenders' alliance and two or more held by an enemy (the 1941 pattern: Volokolamsk
    with Rzhev, Klin and Mozhaisk gone). Its formations march to that neighbour, the
    garrison and cover rules (:func:`_may_leave`; the cover rule only under
    ``rules.salient_cover`` 1) permitting, so a city keeps its garrison; the rest of
    the defenders are returned unchanged.
    """
    st, s = ctx.st, ctx.s
    # a region is a salient or not for a side, whoever stands in it (one pass over the
    # defenders: stavka.engine.kernels.salient_exits)
    fl, exit_ = kernels.salient_exits(defenders, s.loc, st.fside, st.alliance[s.owner],
                                      st.alliance, enemy_node, ctx.derived.neighbours())
    salient = exit_ >= 0
    if not salient.any():
        return defenders
    go = salient & _may_leave(ctx, fl, salient, men_at, cover=st.rules.on("salient_cover"))
    g = fl[go]
    flat(s.action)[g] = A_MOVE
    flat(s.target)[g] = exit_[go]
    flat(s.progress)[g] = 0.0
    out = defenders.copy()
    flat(out)[g] = False
    return out


#: formation kinds that counterattack under ``rules.active_defence`` (not fortified-region
#: garrisons, rear services or air formations)
_COUNTER_KINDS = tuple(KINDS.index(k) for k in ("infantry", "armour", "motorised", "cavalry"))


def _counterattack(ctx: Ctx, defenders: np.ndarray, enemy_node: np.ndarray,
                   men_at: _Men) -> np.ndarray:
    """``rules.active_defence``: defenders [R, F] in contact counterattack a weak enemy
    next to them; returns the defenders left to the other rules.

    A group (the defenders of one side in one region, replica by replica) counterattacks
    the land neighbour held by an enemy with troops in it, none of them under an attack
    order (a halted enemy, not a spearhead on the move), that has the fewest enemy men,
    if its side's men in the region are at least ``rules.counterattack_ratio`` times
    those (ties: lower region index). Only infantry, armour, motorised and cavalry
    formations with ``rules.min_attack_supply`` supply on hand, not encircled and not
    resting (:func:`stavka.ai.attack.resting`) go, and only as the garrison and cover
    rules let them leave (:func:`_may_leave`), so the sector stays covered. The attack is
    the AI's:
    the combat phase calls it off below the combat model's ``ai_attack_odds``
    (:func:`stavka.ai.attack.calls_off`) and the attackers then rest; under
    ``rules.stance_recall`` the order ends the next day and is chosen again. Men are
    counts on the fixed grid, so the comparisons are exact on any CPU.
    """
    st, s = ctx.st, ctx.s
    N, S = st.N, st.S
    kind_ok = np.isin(st.fkind, _COUNTER_KINDS)
    can = (defenders & kind_ok[None, :] & (s.supply >= st.rules.min_attack_supply)
           & ~ai_attack.resting(s) & ~s.encircled)
    fl = np.flatnonzero(can)
    if fl.size == 0:
        return defenders
    r_i, f_i = np.divmod(fl, st.F)
    sd, loc = st.fside[f_i], flat(s.loc)[fl]
    grp, inv = distinct((r_i * S + sd) * N + loc, ctx.R * S * N)
    rs, gl = np.divmod(grp, N)
    nb = ctx.derived.neighbours()[gl]  # [G, K], -1 padded
    at = rs[:, None] * N + np.maximum(nb, 0)
    enemy = flat(ctx.enemy_men_at())[at]
    # [R, S, N]: some formation of side b in region n has an attack order
    ar, af = np.nonzero((s.action == A_ATTACK) & (s.status == ACTIVE))
    attacking = np.zeros((ctx.R, S, N), dtype=bool)
    attacking[ar, st.fside[af], s.loc[ar, af]] = True
    # [R, S, N]: an enemy of side a attacks from region n
    enemy_attacking = np.zeros_like(attacking)
    for b in range(S):
        enemy_attacking |= s.at_war[:, :, b][:, :, None] & attacking[:, b, None, :]
    held = (nb >= 0) & flat(enemy_node)[at] & (enemy > 0) & ~flat(enemy_attacking)[at] & (
        st.front[np.maximum(nb, 0)] == st.front[gl][:, None])
    own = flat(men_at())[grp]
    cost = np.where(held & (own[:, None] >= st.rules.counterattack_ratio * enemy), enemy,
                    np.inf)
    pick = np.argmin(cost, axis=1)
    g_has = np.isfinite(cost[np.arange(grp.size), pick])
    has = g_has[inv]
    if not has.any():
        return defenders
    has &= _may_leave(ctx, fl, has, men_at)
    go = fl[has]
    flat(s.action)[go] = A_ATTACK
    flat(s.target)[go] = nb[np.arange(grp.size), pick][inv][has]
    flat(s.progress)[go] = 0.0
    out = defenders.copy()
    flat(out)[go] = False
    return out


def _dispatch_reserves(ctx: Ctx, defenders: np.ndarray, enemy_node: np.ndarray,
                       men_at: _Men) -> np.ndarray:
    """``rules.reserve_dispatch``: send reserves to threatened cities; returns the
    defenders [R, F] left to :func:`_defend`.

    A *threatened city* of a side is a region with victory points held by its alliance
    next to an enemy-held one. Its *shortfall* is ``max(vp x rules.garrison_men_per_vp,
    rules.cover_ratio x the enemy men next to it)`` less the side's men there and on the
    way there (marching or by rail). A *reserve* is a defender standing where no enemy is
    next to it. Each reserve picks the city of its front with a shortfall that is nearest
    (rail km where its alliance's railway runs, else land km, less ``vp x
    rules.target_km_per_vp``); per city the reserves go nearest first, then in formation
    order, while the men sent before them are short of the shortfall, and only as the
    garrison rule of their own region lets them leave (:func:`_may_leave`). They go by
    rail if the railway is theirs today, else on foot. A reserve a city could use but
    does not need today stays, dug in. Men on the way count the next day, so a city is
    not sent more than it lacks. Defenders at the front, and reserves no city with a
    shortfall can use, are left to :func:`_defend`.
    """
    st, s = ctx.st, ctx.s
    N, S = st.N, st.S
    near = graph.next_to(enemy_node, ctx.derived.neighbours())  # [R, S, N]
    own = st.alliance[s.owner][:, None, :] == st.alliance[None, :, None]  # [R, S, N]
    city = near & own & (st.vp > 0)[None, None, :]
    if not city.any():
        return defenders
    fl = np.flatnonzero(defenders)
    r_i, f_i = np.divmod(fl, st.F)
    sd, loc = st.fside[f_i], flat(s.loc)[fl]
    rear = ~near[r_i, sd, loc]
    fl, r_i, f_i, sd, loc = fl[rear], r_i[rear], f_i[rear], sd[rear], loc[rear]
    if fl.size == 0:
        return defenders
    # the shortfall of each threatened city [R * S * N] (0 elsewhere)
    cr, cs, cn = np.nonzero(city)
    need = np.maximum(st.vp[cn] * st.rules.garrison_men_per_vp,
                      st.rules.cover_ratio * _adjacent_enemy_men(ctx, cr, cs, cn))
    going = (((s.action == A_MOVE) | (s.action == A_RAIL))
             & ((s.status == ACTIVE) | (s.status == RAIL)) & (s.target >= 0)
             & (s.target != s.loc))
    gr, gf = np.nonzero(going)
    on_way = group_sum((gr * S + st.fside[gf]) * N + s.target[gr, gf],
                       s.strength[gr, gf, 0], ctx.R * S * N)
    short = np.zeros(ctx.R * S * N)
    at = (cr * S + cs) * N + cn
    short[at] = np.maximum(need - flat(men_at())[at] - on_way[at], 0.0)
    cols = np.nonzero((short.reshape(ctx.R, S, N) > 0).any(axis=(0, 1)))[0]
    if cols.size == 0:
        return defenders
    # each reserve's city, chosen once per (replica, side, region)
    grp, inv = distinct((r_i * S + sd) * N + loc, ctx.R * S * N)
    g_rs, g_l = np.divmod(grp, N)
    g_al = st.alliance[g_rs % S]
    rail = st.rail_dist[g_al[:, None], g_l[:, None], cols[None, :]]
    dist = np.where(np.isfinite(rail), rail, st.land_dist[g_l[:, None], cols[None, :]])
    cand = (short[g_rs[:, None] * N + cols[None, :]] > 0) & np.isfinite(dist) & (
        st.front[cols][None, :] == st.front[g_l][:, None])
    cost = np.where(cand, dist - st.vp[cols][None, :] * st.rules.target_km_per_vp, np.inf)
    pick = np.argmin(cost, axis=1)
    g_has = np.isfinite(cost[np.arange(grp.size), pick])
    has = g_has[inv]
    if not has.any():
        return defenders
    tgt = cols[pick][inv]
    km = dist[np.arange(grp.size), pick][inv]
    # per city, nearest first, then formation order: send while the men before are short
    k = np.flatnonzero(has)
    key = ((r_i[k] * S + sd[k]) * N + tgt[k])
    order = np.lexsort((f_i[k], km[k], key))
    k, key = k[order], key[order]
    men_f = take_rows(s.strength, fl[k])[:, 0]
    before = _running_men(key, men_f) - men_f
    send = np.zeros(fl.shape, dtype=bool)
    send[k] = before < short[key]
    send &= _may_leave(ctx, fl, send, men_at)
    # a reserve a city could use but does not need today stays where it is (dug in); the
    # next day's shortfalls decide again
    out = defenders.copy()
    flat(out)[fl[has]] = False
    flat(s.action)[fl[has & ~send]] = A_DEFEND
    g = np.flatnonzero(send)
    if g.size == 0:
        return out
    by_rail = passes(ctx, r_i[g], f_i[g], A_RAIL, tgt[g], only=("rail_route", "rail_held"))
    for mask, act in ((by_rail, A_RAIL), (~by_rail, A_MOVE)):
        sel = fl[g[mask]]
        flat(s.action)[sel] = act
        flat(s.target)[sel] = tgt[g[mask]]
        flat(s.progress)[sel] = 0.0
        flat(s.rail_depart)[sel] = ctx.day if act == A_RAIL else -1
    return out


def _defend(ctx: Ctx, defenders: np.ndarray, enemy_node: np.ndarray, men_at: _Men) -> None:
    """Send idle defenders to threatened friendly regions of their front; a threatened
    region keeps the first ``min(rules.defend_stack_men, rules.defend_keep_ratio x the
    enemy men next to it)`` of its idle and dug-in defenders (the ratio when it is above
    0) and sends the surplus on: forces follow the threat."""
    st, s = ctx.st, ctx.s
    keep_ratio = st.rules.defend_keep_ratio
    if st.rules.defend_stack_men >= 1e9 and not st.rules.on("rear_release") and keep_ratio == 0:
        # a dug-in defender moves only as a stacking limit's surplus or from the rear:
        # with neither rule on it stays dug in, and needs no choice (most defenders)
        defenders = defenders & (s.action != A_DEFEND)
        if not defenders.any():
            return
    # threatened[r, side, n]: own-alliance node adjacent to an enemy-held node
    # and what a threatened region keeps of its defenders (below) [R, S, N]: the stacking
    # limit, or keep_ratio x the enemy men next to it if fewer (only threatened regions
    # keep anything short of the limit): one pass, stavka.engine.kernels.threat
    threat_all, keep_all = kernels.threat(
        enemy_node, st.alliance[s.owner], st.alliance, ctx.derived.neighbours(),
        ctx.enemy_men_at() if keep_ratio > 0 else np.zeros((0, 0, 0)),
        float(st.rules.defend_stack_men), float(keep_ratio))
    # a dug-in defender needs no choice where nobody can leave: a threatened region whose
    # side holds less than it keeps (no surplus), the rear - without rules.rear_release,
    # or on a front where nothing is threatened (the Far East at peace) - and a victory
    # region under its garrison. Each group's choice is its own, so leaving these out
    # changes nothing
    movable = threat_all & (men_at() >= keep_all)
    if st.rules.on("rear_release"):
        fronts = np.zeros(threat_all.shape[:2] + (len(st.front_ids),), dtype=bool)
        for fr in range(len(st.front_ids)):
            fronts[:, :, fr] = threat_all[:, :, st.front == fr].any(axis=2)
        movable |= ~threat_all & fronts[:, :, st.front]
    # and nobody leaves a victory region holding less than its garrison (_may_leave)
    movable &= men_at() >= (st.vp * st.rules.garrison_men_per_vp)[None, None, :]
    dug = np.flatnonzero(defenders & (s.action == A_DEFEND))
    d_r, d_f = np.divmod(dug, st.F)
    stay = ~flat(movable)[(d_r * st.S + st.fside[d_f]) * st.N + flat(s.loc)[dug]]
    if stay.any():
        defenders = defenders.copy()
        flat(defenders)[dug[stay]] = False
        if not defenders.any():
            return
    fl = np.flatnonzero(defenders)
    r_i, f_i = np.divmod(fl, st.F)
    sd = st.fside[f_i]
    loc = flat(s.loc)[fl]
    # only regions threatened somewhere are candidates: keeps the arrays small
    cols = np.nonzero(threat_all.any(axis=(0, 1)))[0]
    dug_in = flat(s.action)[fl] == A_DEFEND
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
    men = flat(men_at())[at]
    dist = st.land_dist[gl[:, None], cols[None, :]]
    cost = np.where(cand & np.isfinite(dist), dist + men / st.rules.defend_men_per_km, np.inf)
    pick = np.argmin(cost, axis=1)
    g_best = cols[pick]
    g_has = np.isfinite(cost[np.arange(grp.size), pick]) & ~here
    best, has = g_best[inv], g_has[inv]
    # a threatened region keeps its first rules.defend_stack_men of idle defenders (in
    # formation order), or defend_keep_ratio x the enemy next to it if fewer; the surplus
    # goes to the best other threatened region
    if here.any():
        other = np.where(cols[None, :] == gl[:, None], np.inf, cost)
        pick2 = np.argmin(other, axis=1)
        g_best2 = cols[pick2]
        g_has2 = np.isfinite(other[np.arange(grp.size), pick2]) & here
        men_f = take_rows(s.strength, fl)[:, 0]
        order = np.argsort(inv, kind="stable")  # by group, formations in index order
        before = np.empty_like(men_f)  # men of this group's earlier formations
        before[order] = _running_men(inv[order], men_f[order]) - men_f[order]
        surplus = g_has2[inv] & (before >= flat(keep_all)[grp][inv])
        best = np.where(surplus, g_best2[inv], best)
        has = has | surplus
    else:
        surplus = np.zeros(fl.shape, dtype=bool)
    # a dug-in defender moves only as surplus, or (rules.rear_release) when no enemy is
    # next to it any more: the line, not the rear, is held
    stays = dug_in & here[inv] if st.rules.on("rear_release") else dug_in
    has = np.where(stays, surplus, has)
    go = has & _may_leave(ctx, fl, has, men_at)
    flat(s.action)[fl[~go]] = A_DEFEND
    flat(s.action)[fl[go]] = A_MOVE
    flat(s.target)[fl[go]] = best[go]
    flat(s.progress)[fl[go]] = 0.0
