"""Fused loops over the formations of a batch, compiled by Numba: the hot sums of the day.

A day of a batch makes a few hundred NumPy passes over [R, F] arrays (1,000 replicas x 386
formations of the flagship: 3 MB each), most of them a product, a rounding to the fixed grid
(:mod:`stavka.world.counts`) and a weighted ``bincount``. Each function here does one such
chain in a single pass, compiled once per machine (``cache=True``: the machine code is kept
in ``__pycache__``, or in Numba's cache folder where that is read-only).

Bit for bit the NumPy chain it replaces, on every CPU:

* only ``+ - * /``, ``rint``, comparisons and integer arithmetic; compiled without
  ``fastmath``, so LLVM may neither reassociate a sum nor fuse a multiply-add (no FMA);
* a sum by group adds its terms in the formation order ``r * F + f``, starting from +0.0,
  as ``np.bincount`` does (a term of +0.0 changes no sum: a formation with nothing to add
  may be skipped);
* ``rint`` rounds half to even, as :func:`numpy.rint`.

``tests/engine/test_kernels.py`` checks each against its NumPy form on random inputs, and
the golden digests and the determinism matrix check the whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

#: the fixed grid's quantum (:data:`stavka.world.counts.QUANTUM`; repeated here as a literal
#: for the compiled code, checked equal by the tests)
QUANTUM = 1024.0

_jit: Any = njit(cache=True, nogil=True)  # no fastmath: IEEE-exact, as the module says


@_jit
def _on_grid(x: float) -> float:
    """One count on the fixed grid: the nearest multiple of 1/QUANTUM, ties to even
    (:func:`stavka.world.counts.on_grid` of a scalar)."""
    return np.rint(x * QUANTUM) / QUANTUM  # type: ignore[no-any-return]


@_jit
def _floor_grid(x: float) -> float:
    """The largest count on the grid not above ``x`` (:func:`stavka.world.counts.floor_grid`
    of a scalar: shares handed out of a pool)."""
    return np.floor(x * QUANTUM) / QUANTUM  # type: ignore[no-any-return]


@_jit
def sickness(strength: np.ndarray, loc: np.ndarray, act: np.ndarray, kit: np.ndarray,
             frac_of: np.ndarray, fside: np.ndarray, front: np.ndarray, n_fronts: int,
             back_frac: float, losses: np.ndarray, cause: int,
             convalescent: np.ndarray) -> bool:
    """One day of sickness (:func:`stavka.engine.phases.supply._sickness`), in place.

    Every active formation (``act`` [R, F] bool) loses ``on_grid(men x frac_of[kit[f] +
    loc])`` men (``strength`` [R, F, 4] float, ``loc`` [R, F] int, ``kit`` [F] int: N or 0,
    ``frac_of`` [2 N] float per day); the losses are summed by (replica, side, front of the
    region: ``fside`` [F], ``front`` [N]) and added to ``losses`` [R, S, Fr, 4, C] under
    category 0 (men) and ``cause``; ``on_grid(lost x back_frac)`` of each formation's,
    summed by (replica, side), to ``convalescent`` [R, S]. Returns whether anyone was lost
    (when no one is, nothing changes).
    """
    R, F = loc.shape
    S = convalescent.shape[1]
    tot = np.zeros(R * S * n_fronts)
    back = np.zeros(R * S)
    hit = False
    for r in range(R):
        for f in range(F):
            if not act[r, f]:
                continue
            m = strength[r, f, 0]
            lost = _on_grid(m * frac_of[kit[f] + loc[r, f]])
            if lost == 0.0:
                continue
            hit = True
            strength[r, f, 0] = m - lost
            rs = r * S + fside[f]
            tot[rs * n_fronts + front[loc[r, f]]] += lost
            back[rs] += _on_grid(lost * back_frac)
    if hit:
        for r in range(R):
            for s in range(S):
                rs = r * S + s
                for k in range(n_fronts):
                    losses[r, s, k, 0, cause] += tot[rs * n_fronts + k]
                convalescent[r, s] += back[rs]
    return hit


@_jit
def demand_and_trucks(strength: np.ndarray, status: np.ndarray, active: int,
                      trucks: np.ndarray, group: np.ndarray, loc: np.ndarray, groups: int,
                      N: int, t_man: float, t_tank: float, t_gun: float
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Tons a day needed, and trucks, of the active formations by (replica, group, region).

    ``strength`` [R, F, 4] float, ``status`` [R, F] int (``active``: the code in play),
    ``trucks`` [R, F] float, ``group`` [F] int (each formation's alliance, < ``groups``),
    ``loc`` [R, F] int (< ``N``). A formation's tons are ``on_grid(men x t_man + tanks x
    t_tank + guns x t_gun)`` (:func:`stavka.engine.tonnage.demand`). Returns two float
    arrays [R * groups * N], flat index ``(r * groups + group[f]) * N + loc``.
    """
    R, F = loc.shape
    tons = np.zeros(R * groups * N)
    have = np.zeros(R * groups * N)
    for r in range(R):
        for f in range(F):
            if status[r, f] != active:
                continue
            t = (strength[r, f, 0] * t_man + strength[r, f, 1] * t_tank
                 + strength[r, f, 2] * t_gun)
            k = (r * groups + group[f]) * N + loc[r, f]
            tons[k] += _on_grid(t)
            have[k] += trucks[r, f]
    return tons, have


@_jit
def men_by_region(strength: np.ndarray, status: np.ndarray, active: int, fside: np.ndarray,
                  loc: np.ndarray, S: int, N: int) -> np.ndarray:
    """[R, S, N] float: men of the active formations (``status`` == ``active``) per
    (replica, side ``fside[f]``, region ``loc``); ``strength`` [R, F, 4]."""
    R, F = loc.shape
    out = np.zeros((R, S, N))
    for r in range(R):
        for f in range(F):
            if status[r, f] == active:
                out[r, fside[f], loc[r, f]] += strength[r, f, 0]
    return out


@_jit
def enemy_men(men: np.ndarray, at_war: np.ndarray) -> np.ndarray:
    """[R, S, N] float: for each side, the men (``men`` [R, S, N]) of the sides it is at war
    with (``at_war`` [R, S, S] bool), added in side order."""
    R, S, N = men.shape
    out = np.zeros((R, S, N))
    for r in range(R):
        for a in range(S):
            for b in range(S):
                if at_war[r, a, b]:
                    for n in range(N):
                        out[r, a, n] += men[r, b, n]
    return out


@_jit
def consume(level: np.ndarray, connected: np.ndarray, group: np.ndarray, loc: np.ndarray,
            act: np.ndarray, supply: np.ndarray, rate: np.ndarray, burn: float, refill: float,
            strength: np.ndarray, starve_frac: float, starve_morale: float,
            morale: np.ndarray, encircled: np.ndarray, encircled_morale: float,
            recover_min: float, recover_morale: float, surrender_morale: float,
            fside: np.ndarray, front: np.ndarray, n_fronts: int, losses: np.ndarray,
            cause: int) -> tuple[np.ndarray, np.ndarray]:
    """A day's supply for each formation (:func:`stavka.engine.phases.supply.run`), in place.

    ``level``, ``connected`` [R * A * N] (float, bool): today's supply level and whether a
    region is joined to a source, by (replica, alliance ``group[f]``, region ``loc``). For
    each active formation (``act`` [R, F]), with ``rate`` [F] = 1 / supply days x the step's
    days and cut = not connected: ``supply`` [R, F] -= rate x (``burn`` if cut else 1), +=
    ``refill`` x rate x level, clipped to [0, 1], below 1e-9 made 0. Starving (supply 0):
    ``on_grid(men x starve_frac)`` men lost (``strength`` [R, F, 4]; summed by (replica,
    side, front) into ``losses`` [R, S, Fr, 4, C] under ``cause``, as
    :func:`stavka.engine.effects.book_men_at`), ``morale`` [R, F] -= ``starve_morale``
    (not below 0). Cut: ``encircled`` [R, F] set, morale -= ``encircled_morale``; else
    cleared and, with supply above ``recover_min``, morale += ``recover_morale`` (not above
    1). Returns (newly encircled [R, F] bool, giving up [R, F] bool: cut, morale below
    ``surrender_morale`` and supply 0).
    """
    R, F = loc.shape
    S = losses.shape[1]
    A_N = level.size // max(R, 1)
    N = front.size
    tot = np.zeros(R * S * n_fronts)
    newly = np.zeros((R, F), dtype=np.bool_)
    give_up = np.zeros((R, F), dtype=np.bool_)
    hit = False
    for r in range(R):
        for f in range(F):
            if not act[r, f]:
                continue
            k = r * A_N + group[f] * N + loc[r, f]
            cut = not connected[k]
            c = rate[f]
            new = supply[r, f] - (c * burn if cut else c)
            new += refill * c * level[k]
            new = min(max(new, 0.0), 1.0)
            if new < 1e-9:
                new = 0.0
            supply[r, f] = new
            mor = morale[r, f]
            if new <= 0.0:  # starving
                m = strength[r, f, 0]
                lost = _on_grid(m * starve_frac)
                strength[r, f, 0] = m - lost
                if lost != 0.0:
                    hit = True
                tot[(r * S + fside[f]) * n_fronts + front[loc[r, f]]] += lost
                mor = max(mor - starve_morale, 0.0)
            if cut:
                newly[r, f] = not encircled[r, f]
                encircled[r, f] = True
                mor = max(mor - encircled_morale, 0.0)
                give_up[r, f] = mor < surrender_morale and new <= 0.0
            else:
                encircled[r, f] = False
                if new > recover_min:
                    mor = min(mor + recover_morale, 1.0)
            morale[r, f] = mor
    if hit:
        for r in range(R):
            for s in range(S):
                for j in range(n_fronts):
                    losses[r, s, j, 0, cause] += tot[(r * S + s) * n_fronts + j]
    return newly, give_up


@_jit
def rail_levels(d: np.ndarray, rhead: np.ndarray, parc: np.ndarray, root: np.ndarray,
                rt: np.ndarray, arc_tons: np.ndarray, tons: np.ndarray, N: int) -> np.ndarray:
    """The rail part of each region's supply level (:func:`stavka.engine.tonnage.levels`).

    Per row (replica x alliance) and region, flat ``row * N + n``: ``d`` tons needed a day
    (on the fixed grid), ``rhead`` the railhead serving it (-1: none), ``parc`` the rail
    tree's parent arc (-1 at a root and where unreached), ``root`` the source it hangs from
    (-1: none); ``rt`` [arcs] each arc's tail region, ``arc_tons`` [rows * arcs] what each
    arc carries a day, ``tons`` what each region ships. Every served region's demand goes
    up the tree from its railhead to the root: an arc's ratio is min(1, tons it carries /
    its load), a source's min(1, its tons / the load at it). Returns [rows * N] float: at
    each railed region, min(source ratio, every arc ratio on its way); 0 elsewhere. The
    sums are of counts on the fixed grid, so exact in any order.
    """
    n_arc = rt.size
    size = d.size
    at_head = np.zeros(size)
    for i in range(size):
        if rhead[i] >= 0:
            at_head[(i // N) * N + rhead[i]] += d[i]
    rows = size // N if N else 0
    load = np.zeros(rows * n_arc)
    at_src = np.zeros(size)
    for i in range(size):
        w = at_head[i]
        if w > 0:
            row = i // N
            cur = i
            while parc[cur] >= 0:
                a = parc[cur]
                load[row * n_arc + a] += w
                cur = row * N + rt[a]
        if root[i] >= 0:
            at_src[(i // N) * N + root[i]] += w
    ratio = np.ones(rows * n_arc)
    for j in range(rows * n_arc):
        if load[j] > 0:
            ratio[j] = min(1.0, arc_tons[j] / load[j])
    out = np.zeros(size)
    for i in range(size):
        if root[i] < 0:
            continue
        row = i // N
        s = row * N + root[i]
        acc = min(1.0, tons[s] / at_src[s]) if at_src[s] > 0 else 1.0
        cur = i
        while parc[cur] >= 0:
            a = parc[cur]
            acc = min(acc, ratio[row * n_arc + a])
            cur = row * N + rt[a]
        out[i] = acc
    return out


@_jit
def men_on_front(strength: np.ndarray, status: np.ndarray, active: int, forms: np.ndarray,
                 loc: np.ndarray, on_front: np.ndarray) -> np.ndarray:
    """[R] float: men of the active formations ``forms`` [k] (indices into F) standing in
    the regions of ``on_front`` [N] bool (``strength`` [R, F, 4], ``status``, ``loc`` [R,
    F]). Counts on the fixed grid: the sum is exact in any order."""
    R = loc.shape[0]
    out = np.zeros(R)
    for r in range(R):
        acc = 0.0
        for f in forms:
            if status[r, f] == active and on_front[loc[r, f]]:
                acc += strength[r, f, 0]
        out[r] = acc
    return out


@_jit
def battle_losses(fk: np.ndarray, frac: np.ndarray, strength: np.ndarray, trucks: np.ndarray,
                  loc: np.ndarray, fside: np.ndarray, front: np.ndarray, n_fronts: int,
                  wounded: float, back_frac: float, losses: np.ndarray, c_battle: int,
                  c_wounded: int, convalescent: np.ndarray) -> np.ndarray:
    """A day's battle losses back to the formations, booked (combat phase), in place.

    ``fk`` [k] ascending flat indices ``r * F + f`` of the formations in battle, ``frac``
    [k, 4] the fraction each loses of its men, tanks, guns and aircraft (its trucks go
    with the last). Each loses ``on_grid(have x frac)`` (``strength`` [R, F, 4], ``trucks``
    [R, F]); as :func:`stavka.engine.effects.book_battle_losses`, ``on_grid(men lost x
    wounded)`` are booked as wounded (cause ``c_wounded``, and ``on_grid(that x
    back_frac)`` join ``convalescent`` [R, S]) and the rest under ``c_battle``, summed by
    (replica, side, front of the region) in formation order into ``losses`` [R, S, Fr, 4,
    C]. Returns the losses [k, 4].
    """
    R, F = loc.shape
    S = convalescent.shape[1]
    k_n = fk.size
    lost = np.zeros((k_n, 4))
    tot = np.zeros(R * S * n_fronts * 4)
    tot_w = np.zeros(R * S * n_fronts)
    back = np.zeros(R * S)
    for k in range(k_n):
        r = fk[k] // F
        f = fk[k] - r * F
        for c in range(4):
            have = strength[r, f, c]
            x = _on_grid(have * frac[k, c])
            strength[r, f, c] = have - x
            lost[k, c] = x
        t = trucks[r, f]
        trucks[r, f] = t - _on_grid(t * frac[k, 3])
        rs = r * S + fside[f]
        slot = rs * n_fronts + front[loc[r, f]]
        w = _on_grid(lost[k, 0] * wounded)
        tot[slot * 4] += lost[k, 0] - w
        for c in range(1, 4):
            tot[slot * 4 + c] += lost[k, c]
        tot_w[slot] += w
        back[rs] += _on_grid(w * back_frac)
    if k_n:
        for r in range(R):
            for s in range(S):
                rs = r * S + s
                for j in range(n_fronts):
                    slot = rs * n_fronts + j
                    for c in range(4):
                        losses[r, s, j, c, c_battle] += tot[slot * 4 + c]
                    losses[r, s, j, 0, c_wounded] += tot_w[slot]
                convalescent[r, s] += back[rs]
    return lost


@_jit
def force_sums(fl: np.ndarray, idx: np.ndarray, n: int, strength: np.ndarray,
               cev: np.ndarray, morale: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """[7, n] float: per battle side ``idx`` [k] (< ``n``) of the formations at flat
    indices ``fl`` [k] (``strength`` [R * F, 4], ``morale``, ``supply`` [R * F]; ``cev``
    [k]): men, tanks, guns, aircraft, and the sums of cev, morale and supply weighted by
    men; added in the order of ``fl``, as ``np.bincount`` adds (combat phase's
    ``force_of``)."""
    out = np.zeros((7, n))
    for j in range(fl.size):
        i = fl[j]
        g = idx[j]
        m0 = strength[i, 0]
        out[0, g] += m0
        out[1, g] += strength[i, 1]
        out[2, g] += strength[i, 2]
        out[3, g] += strength[i, 3]
        out[4, g] += cev[j] * m0
        out[5, g] += morale[i] * m0
        out[6, g] += supply[i] * m0
    return out


@_jit
def may_leave(fl: np.ndarray, leaving: np.ndarray, F: int, loc: np.ndarray,
              strength: np.ndarray, fside: np.ndarray, vp: np.ndarray, garrison: float,
              cover_ratio: float, enemy: np.ndarray, nb: np.ndarray, men: np.ndarray
              ) -> np.ndarray:
    """[k] bool: the garrison and cover rules (:func:`stavka.ai.doctrine._may_leave`).

    ``fl`` [k] flat indices ``r * F + f`` in ascending order, ``leaving`` [k] bool the
    candidates; ``loc`` [R * F], ``strength`` [R * F, 4]; ``vp`` [N] victory points,
    ``garrison`` men per point; ``cover_ratio`` > 0: also keep that many times the enemy
    men next to the region (``enemy`` [R, S, N], ``nb`` [N, K] land neighbours, -1
    padded), cover_ratio 0: the garrison rule alone, for victory regions only. ``men``
    [R, S, N]: men there. Candidates of a (replica, side, region) leave in formation
    order while the men left stay at or above what it must keep. Sums of counts on the
    fixed grid: exact in any order.
    """
    k_n = fl.size
    S, N = men.shape[1], men.shape[2]
    ok = np.ones(k_n, dtype=np.bool_)
    gone = np.zeros(S * N)
    touched = np.empty(k_n, dtype=np.int64)
    n_touched = 0
    cur_r = -1
    for i in range(k_n):
        if not leaving[i]:
            continue
        r = fl[i] // F
        f = fl[i] - r * F
        if r != cur_r:  # a new replica: its groups start empty
            for j in range(n_touched):
                gone[touched[j]] = 0.0
            n_touched = 0
            cur_r = r
        n = loc[fl[i]]
        sd = fside[f]
        if cover_ratio > 0.0:
            near = 0.0
            for j in range(nb.shape[1]):
                if nb[n, j] >= 0:
                    near += enemy[r, sd, nb[n, j]]
            need = max(vp[n] * garrison, cover_ratio * near)
            if not need > 0:
                continue
        else:
            if not vp[n] > 0:
                continue
            need = vp[n] * garrison
        g = sd * N + n
        if gone[g] == 0.0:
            touched[n_touched] = g
            n_touched += 1
        gone[g] += strength[fl[i], 0]
        ok[i] = men[r, sd, n] - gone[g] >= need
    return ok


@_jit
def threat(enemy_node: np.ndarray, owner_al: np.ndarray, side_al: np.ndarray, nb: np.ndarray,
           enemy: np.ndarray, stack: float, keep_ratio: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """The defend doctrine's threatened regions and what each keeps
    (:func:`stavka.ai.doctrine._defend`).

    ``enemy_node`` [R, S, N] bool: held by a side at war with each side; ``owner_al`` [R, N]
    the alliance holding each region, ``side_al`` [S] each side's; ``nb`` [N, K] land
    neighbours (-1 padded); ``enemy`` [R, S, N] enemy men. Returns (threatened [R, S, N]
    bool: held by the side's alliance and next to an enemy-held region; keep [R, S, N]:
    ``stack``, or in a threatened region with ``keep_ratio`` > 0, min(``stack``,
    ``keep_ratio`` x the enemy men next to it); the men are counts on the fixed grid, so
    their sum is exact in any order).
    """
    R, S, N = enemy_node.shape
    K = nb.shape[1]
    threatened = np.zeros((R, S, N), dtype=np.bool_)
    keep = np.full((R, S, N), stack)
    for r in range(R):
        for s in range(S):
            for n in range(N):
                if owner_al[r, n] != side_al[s]:
                    continue
                near = False
                for j in range(K):
                    m = nb[n, j]
                    if m >= 0 and enemy_node[r, s, m]:
                        near = True
                        break
                if not near:
                    continue
                threatened[r, s, n] = True
                if keep_ratio > 0:
                    adj = 0.0
                    for j in range(K):
                        m = nb[n, j]
                        if m >= 0:
                            adj += enemy[r, s, m]
                    keep[r, s, n] = min(stack, keep_ratio * adj)
    return threatened, keep


@_jit
def march(status: np.ndarray, action: np.ndarray, target: np.ndarray, loc: np.ndarray,
          active: int, marches: np.ndarray, dug: np.ndarray, dt: float, land_next: np.ndarray,
          owner: np.ndarray, alliance: np.ndarray, fside: np.ndarray, at_war: np.ndarray,
          enemy: np.ndarray, ground: np.ndarray, highway_floor: float, highway: np.ndarray,
          edge_of: np.ndarray, speed: np.ndarray, terrain: np.ndarray, foot: float,
          need: np.ndarray, mobile: np.ndarray, trucks: np.ndarray, low: float,
          supply: np.ndarray, enemy_speed: float, progress: np.ndarray, ekm: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """A step's march on the roads (:func:`stavka.engine.phases.movement._road`), in place.

    [R, F] state: ``status``, ``action`` (a march: one of ``marches``), ``target``,
    ``loc``, ``dug`` (days in place, += ``dt`` for a formation that stays), ``trucks``,
    ``supply``, ``progress`` (km along the link). Static: ``land_next`` [N * N] the next
    region on the way (-1: none), ``edge_of`` [N * N] the link taken, ``ekm`` [E] its km,
    ``highway`` [E] paved; per region ``ground`` the ground factor today, ``terrain`` the
    terrain factor; per formation ``speed`` km/day, ``need`` trucks needed, ``mobile``
    (armour or motorised with a truck need). A marcher goes on unless the next region is
    neutral or held by an enemy with men in it (``owner`` [R, N], ``alliance`` [S],
    ``fside`` [F], ``at_war`` [R, S, S], ``enemy`` [R, S, N]); its km a day are speed x
    ground (at least ``highway_floor`` on a highway when above 0) x terrain x (a mobile
    formation short of trucks: ``foot + (1 - foot) x fill``) x (``low + (1 - low) x
    supply``) x (``enemy_speed`` on enemy ground), times ``dt``; it arrives when its
    progress reaches the link's km (loc = next, progress and dug 0). Returns the arrivals
    (flat indices ``r * F + f`` ascending, and the regions entered).
    """
    R, F = loc.shape
    N = owner.shape[1]
    arr_fl = np.empty(R * F, dtype=np.int64)
    arr_n = np.empty(R * F, dtype=np.int64)
    n_arr = 0
    for r in range(R):
        for f in range(F):
            if status[r, f] != active:
                continue
            a = action[r, f]
            tg = target[r, f]
            here = loc[r, f]
            if not ((a == marches[0] or a == marches[1] or a == marches[2])
                    and tg >= 0 and tg != here):
                dug[r, f] += dt
                continue
            nxt = land_next[here * N + tg]
            if nxt < 0:
                dug[r, f] += dt
                continue
            sd = fside[f]
            own = owner[r, nxt]
            allied = alliance[own] == alliance[sd]
            if not (allied or (at_war[r, sd, own] and enemy[r, sd, nxt] <= 0)):
                dug[r, f] += dt
                continue
            e = edge_of[here * N + nxt]
            gs = ground[nxt]
            if highway_floor > 0.0 and highway[e]:
                gs = max(gs, highway_floor)
            v = speed[f] * gs * terrain[nxt]
            if foot != 1.0:
                fill = min(max(trucks[r, f] / max(need[f], 1.0), 0.0), 1.0)
                v = v * (foot + (1.0 - foot) * fill if mobile[f] else 1.0)
            v = v * (low + (1.0 - low) * supply[r, f])
            v = v * (1.0 if allied else enemy_speed)
            p = progress[r, f] + v * dt
            if p >= ekm[e]:
                loc[r, f] = nxt
                progress[r, f] = 0.0
                dug[r, f] = 0
                arr_fl[n_arr] = r * F + f
                arr_n[n_arr] = nxt
                n_arr += 1
            else:
                progress[r, f] = p
    return arr_fl[:n_arr], arr_n[:n_arr]


@_jit
def refit(ok: np.ndarray, strength: np.ndarray, est: np.ndarray, fside: np.ndarray,
          pool: np.ndarray, truck_pool: np.ndarray, trucks: np.ndarray,
          do_trucks: bool) -> None:
    """A day's refit from the replacement pools (:func:`stavka.engine.phases.economy._refit`),
    in place.

    Each formation that may refit (``ok`` [R, F] bool) is short ``max(est[f] - strength,
    0)`` (``est`` [F, 4], ``strength`` [R, F, 4]) of men, tanks, guns and aircraft; its
    side's pool (``pool`` [R, S, 4]) is shared in proportion to the shortfalls: each gets
    ``floor_grid(short x min(pool, need) / need)`` (rounded down, so no more than the pool
    is handed out), taken from the pool. With ``do_trucks``, the side's truck pool
    (``truck_pool`` [R, S]) goes to its refitting formations in proportion to their men
    (``trucks`` [R, F]), and is emptied where any were. Sums in formation order.
    """
    R, F = ok.shape
    S = pool.shape[1]
    need = np.zeros((R * S, 4))
    for r in range(R):
        for f in range(F):
            if ok[r, f]:
                g = r * S + fside[f]
                for c in range(4):
                    need[g, c] += max(est[f, c] - strength[r, f, c], 0.0)
    share = np.zeros((R * S, 4))
    for g in range(R * S):
        for c in range(4):
            n = need[g, c]
            if n > 0:
                share[g, c] = min(pool[g // S, g % S, c], n) / max(n, 1e-9)
    gave = np.zeros((R * S, 4))
    for r in range(R):
        for f in range(F):
            if ok[r, f]:
                g = r * S + fside[f]
                for c in range(4):
                    have = strength[r, f, c]
                    short = max(est[f, c] - have, 0.0)
                    add = _floor_grid(short * share[g, c])
                    strength[r, f, c] = have + add
                    gave[g, c] += add
    for g in range(R * S):
        for c in range(4):
            pool[g // S, g % S, c] -= gave[g, c]
    if not do_trucks:
        return
    tot = np.zeros(R * S)
    for r in range(R):
        for f in range(F):
            if ok[r, f]:
                tot[r * S + fside[f]] += strength[r, f, 0]
    for r in range(R):
        for f in range(F):
            g = r * S + fside[f]
            sh = truck_pool[r, fside[f]] / max(tot[g], 1.0) if tot[g] > 0 else 0.0
            m = strength[r, f, 0] if ok[r, f] else 0.0
            trucks[r, f] += _floor_grid(m * sh)
    for g in range(R * S):
        if tot[g] > 0:
            truck_pool[g // S, g % S] = 0.0


@_jit
def nearest_targets(gr: np.ndarray, gs: np.ndarray, gl: np.ndarray, enemy_node: np.ndarray,
                    front: np.ndarray, land_dist: np.ndarray, vp: np.ndarray,
                    km_per_vp: float) -> tuple[np.ndarray, np.ndarray]:
    """The attack doctrine's choice (:func:`stavka.ai.doctrine.doctrine`): for each group
    (replica ``gr``, side ``gs``, region ``gl`` [g]), the enemy-held region (``enemy_node``
    [R, S, N] bool) of the same front (``front`` [N]) with the least ``land km (land_dist
    [N, N], inf: no way) - vp x km_per_vp``; ties to the lower index, as ``np.argmin``.
    Returns (region [g] int, 0 where none; whether there is one [g] bool)."""
    g_n = gl.size
    N = front.size
    best = np.zeros(g_n, dtype=np.int64)
    has = np.zeros(g_n, dtype=np.bool_)
    for i in range(g_n):
        r, s, at = gr[i], gs[i], gl[i]
        fr = front[at]
        bc = np.inf
        for n in range(N):
            d = land_dist[at, n]
            if enemy_node[r, s, n] and front[n] == fr and np.isfinite(d):
                c = d - vp[n] * km_per_vp
                if c < bc:
                    bc = c
                    best[i] = n
                    has[i] = True
    return best, has


@_jit
def salient_exits(defenders: np.ndarray, loc: np.ndarray, fside: np.ndarray,
                  owner_al: np.ndarray, side_al: np.ndarray, enemy_node: np.ndarray,
                  nb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The salient rule's test (:func:`stavka.ai.doctrine._withdraw_from_salients`).

    For each defender (``defenders`` [R, F] bool; ``loc`` [R, F], ``fside`` [F]): is its
    region a salient for its side, i.e. among its land neighbours (``nb`` [N, K], -1
    padded) exactly one is held by its alliance (``owner_al`` [R, N], ``side_al`` [S]) and
    two or more by an enemy (``enemy_node`` [R, S, N])? Returns (the defenders' flat
    indices ``r * F + f`` ascending [k]; the exit [k]: that one friendly neighbour, -1
    where the region is no salient).
    """
    R, F = loc.shape
    K = nb.shape[1]
    fl = np.empty(R * F, dtype=np.int64)
    out = np.empty(R * F, dtype=np.int64)
    k = 0
    for r in range(R):
        for f in range(F):
            if not defenders[r, f]:
                continue
            n, sd = loc[r, f], fside[f]
            own, foe, first = 0, 0, -1
            for j in range(K):
                m = nb[n, j]
                if m < 0:
                    continue
                if owner_al[r, m] == side_al[sd]:
                    own += 1
                    if first < 0:
                        first = m
                if enemy_node[r, sd, m]:
                    foe += 1
            fl[k] = r * F + f
            out[k] = first if own == 1 and foe >= 2 else -1
            k += 1
    return fl[:k], out[:k]
