"""The compiled kernels (:mod:`stavka.engine.kernels`) are bit for bit the NumPy chains
they replaced: each is checked here against that chain, written out in NumPy, on random
inputs with awkward values (counts off the grid, halves that round to even, zeros, empty
batches). Equality is of the bytes, not within a tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from stavka.engine import kernels
from stavka.world.counts import QUANTUM, group_sum, on_grid

SHAPES = [(0, 5, 3, 2, 2), (1, 1, 1, 1, 1), (7, 40, 9, 3, 4), (30, 200, 25, 4, 3)]


def _same(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype
    assert a.tobytes() == b.tobytes()


def _state(seed: int, R: int, F: int, N: int, S: int):
    g = np.random.default_rng(seed)
    strength = np.round(g.uniform(0, 20_000, (R, F, 4)) * 64) / 64  # on a coarser grid
    strength[g.random((R, F)) < 0.1] = 0.0
    strength[..., 0] += g.choice([0.0, 0.5 / QUANTUM, 1.5 / QUANTUM], size=(R, F))  # ties
    status = g.integers(0, 4, (R, F)).astype(np.int8)
    loc = g.integers(0, N, (R, F)).astype(np.int32)
    fside = g.integers(0, S, F).astype(np.int16)
    trucks = np.round(g.uniform(0, 500, (R, F)) * 1024) / 1024
    return g, strength, status, loc, fside, trucks


def test_the_grid_is_the_same() -> None:
    assert kernels.QUANTUM == QUANTUM


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
def test_sickness_is_the_numpy_chain(shape: tuple[int, ...], seed: int) -> None:
    R, F, N, S, Fr = shape
    g, strength, status, loc, fside, _ = _state(seed, R, F, N, S)
    act = status == 1
    kit = np.where(g.random(F) < 0.5, N, 0)
    frac_of = g.choice([0.0, 0.0002, 0.00075, 1 / 3], size=2 * N)
    front = g.integers(0, Fr, N).astype(np.int16)
    losses = g.uniform(0, 1e5, (R, S, Fr, 4, 5))
    conval = g.uniform(0, 1e4, (R, S))
    cause, back_frac = 4, 0.7
    # the NumPy chain (supply._sickness before the kernel, with the sanitary booking of
    # effects.book_battle_losses)
    want_s, want_l, want_c = strength.copy(), losses.copy(), conval.copy()
    men = want_s[..., 0]
    lost = np.where(act, on_grid(men * frac_of[kit[None, :] + loc]), 0.0)
    fs = np.flatnonzero(lost)
    if fs.size:
        men -= lost
        fl, v = fs, lost.reshape(-1)[fs]
        side_of = (np.arange(R)[:, None] * S + fside[None, :]).reshape(-1)
        idx = side_of[fl] * Fr + front[loc.reshape(-1)[fl]]
        want_l[..., 0, cause] += group_sum(idx, v, R * S * Fr).reshape(R, S, Fr)
        want_c += group_sum(side_of[fl], on_grid(v * back_frac), R * S).reshape(R, S)
    hit = kernels.sickness(strength, loc, act, kit, frac_of, fside, front, Fr, back_frac,
                           losses, cause, conval)
    assert hit == bool(fs.size)
    _same(strength, want_s)
    _same(losses, want_l)
    _same(conval, want_c)


@pytest.mark.parametrize("shape", SHAPES)
def test_demand_and_trucks_is_the_numpy_chain(shape: tuple[int, ...]) -> None:
    R, F, N, S, _ = shape
    g, strength, status, loc, fside, trucks = _state(3, R, F, N, S)
    A = 2
    group = (fside % A).astype(np.int64)
    c = (4.0 / 1000.0, 2.0, 0.05)
    key = ((np.arange(R)[:, None] * A + group[None, :]) * N + loc).ravel()
    t = strength[..., 0] * c[0] + strength[..., 1] * c[1] + strength[..., 2] * c[2]
    tons = np.where(status == 1, on_grid(t), 0.0)
    want_d = group_sum(key, tons.ravel(), R * A * N)
    want_t = group_sum(key, np.where(status == 1, trucks, 0.0).ravel(), R * A * N)
    d, have = kernels.demand_and_trucks(strength, status, 1, trucks, group, loc, A, N, *c)
    _same(d, want_d)
    _same(have, want_t)


@pytest.mark.parametrize("shape", SHAPES)
def test_men_by_region_and_enemy_men_are_the_numpy_chain(shape: tuple[int, ...]) -> None:
    R, F, N, S, _ = shape
    g, strength, status, loc, fside, _ = _state(5, R, F, N, S)
    idx = ((np.arange(R)[:, None] * S + fside[None, :]) * N + loc).ravel()
    want = group_sum(idx, ((status == 1) * strength[..., 0]).ravel(), R * S * N).reshape(R, S, N)
    men = kernels.men_by_region(strength, status, 1, fside, loc, S, N)
    _same(men, want)
    war = g.random((R, S, S)) < 0.4
    acc = np.zeros_like(men)
    for a in range(S):
        for b in range(S):
            acc[:, a, :] += np.where(war[:, a, b, None], men[:, b, :], 0.0)
    _same(kernels.enemy_men(men, war), acc)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("burn", [1.0, 1.5])
def test_consume_is_the_numpy_chain(shape: tuple[int, ...], burn: float) -> None:
    R, F, N, S, Fr = shape
    g, strength, status, loc, fside, _ = _state(7, R, F, N, S)
    A = 2
    group = (fside % A).astype(np.int64)
    act = status == 1
    level = g.choice([0.0, 0.25, 1.0, 1 / 3], size=(R, A, N))
    connected = g.random((R, A, N)) < 0.8
    supply = g.choice([0.0, 1e-10, 0.05, 0.5, 1.0], size=(R, F))
    rate = 1.0 / g.choice([3.0, 7.0, 10.0], size=F) * 1.0
    dust = g.random((R, F)) < 0.2  # ends the day with a speck of supply (made 0) if no refill
    supply = np.where(dust, rate[None, :] + 5e-10, supply)
    morale = g.choice([0.0, 0.1, 0.3, 0.9, 1.0], size=(R, F))
    encircled = g.random((R, F)) < 0.3
    front = g.integers(0, Fr, N).astype(np.int16)
    losses = g.uniform(0, 1e5, (R, S, Fr, 4, 5))
    k = dict(refill=2.0, starve=0.005, starve_m=0.02, enc_m=0.0625, rec_min=0.3, rec_m=0.05,
             surr=0.2)
    # the NumPy chain (supply.run before the kernel)
    want = [a.copy() for a in (supply, strength, morale, encircled, losses)]
    w_sup, w_str, w_mor, w_enc, w_los = want
    key = ((np.arange(R)[:, None] * A + group[None, :]) * N + loc)
    lv = level.reshape(-1)[key]
    cut = ~connected.reshape(-1)[key] & act
    c = rate[None, :]
    new = w_sup - (c * np.where(cut, burn, 1.0) if burn != 1.0 else c)
    new += k["refill"] * c * lv
    np.clip(new, 0.0, 1.0, out=new)
    new[new < 1e-9] = 0.0
    np.copyto(w_sup, new, where=act)
    fs = np.flatnonzero(act & (w_sup <= 0.0))
    if fs.size:
        men = w_str.reshape(-1)[fs * 4]
        lost = on_grid(men * k["starve"])
        w_str.reshape(-1)[fs * 4] = men - lost
        if lost.any():
            side_of = (np.arange(R)[:, None] * S + fside[None, :]).reshape(-1)
            idx = side_of[fs] * Fr + front[loc.reshape(-1)[fs]]
            w_los[..., 0, 2] += group_sum(idx, lost, R * S * Fr).reshape(R, S, Fr)
        w_mor.reshape(-1)[fs] = np.maximum(w_mor.reshape(-1)[fs] - k["starve_m"], 0.0)
    want_newly = cut & ~w_enc
    np.copyto(w_enc, cut, where=act)
    w_mor[cut] = np.maximum(w_mor[cut] - k["enc_m"], 0.0)
    ok = act & ~cut & (w_sup > k["rec_min"])
    np.copyto(w_mor, np.minimum(w_mor + k["rec_m"], 1.0), where=ok)
    want_give_up = cut & (w_mor < k["surr"]) & (w_sup <= 0.0)
    newly, give_up = kernels.consume(
        level.reshape(-1), connected.reshape(-1), group, loc, act, supply, rate, burn,
        k["refill"], strength, k["starve"], k["starve_m"], morale, encircled, k["enc_m"],
        k["rec_min"], k["rec_m"], k["surr"], fside, front, Fr, losses, 2)
    for got, exp in zip((supply, strength, morale, encircled, losses, newly, give_up),
                        (*want, want_newly, want_give_up), strict=True):
        _same(got, exp)


def _rail_levels_numpy(d, rhead, parc, root, rt, arc_tons, tons, N):
    """stavka.engine.tonnage.levels' steps 4 and 5 before the kernel."""
    rows = d.size // N
    d, rhead, parc, root = (x.reshape(rows, N) for x in (d, rhead, parc, root))
    served = rhead >= 0
    base = (np.arange(rows) * N)[:, None]
    d_rail = group_sum((base + rhead)[served], d[served], rows * N)
    n_arc = rt.size
    cur = np.flatnonzero(d_rail > 0)
    w = d_rail[cur]
    keys, wts = [], []
    while cur.size:
        a = parc.ravel()[cur]
        live = a >= 0
        cur, w, a = cur[live], w[live], a[live]
        row = cur // N
        keys.append(row * n_arc + a)
        wts.append(w)
        cur = row * N + rt[a]
    load = group_sum(np.concatenate(keys) if keys else np.zeros(0, dtype=np.intp),
                     np.concatenate(wts) if wts else np.zeros(0), rows * n_arc)
    ratio = np.where(load > 0, np.minimum(1.0, arc_tons / np.where(load > 0, load, 1.0)), 1.0)
    at_src = group_sum((base + root)[root >= 0], d_rail.reshape(rows, N)[root >= 0], rows * N)
    src_ratio = np.where(at_src > 0, np.minimum(1.0, tons / np.where(at_src > 0, at_src, 1.0)),
                         1.0)
    railed = np.flatnonzero(root.ravel() >= 0)
    acc = src_ratio[(railed // N) * N + root.ravel()[railed]]
    pos, cur = np.arange(railed.size), railed
    while cur.size:
        a = parc.ravel()[cur]
        live = a >= 0
        pos, cur, a = pos[live], cur[live], a[live]
        row = cur // N
        acc[pos] = np.minimum(acc[pos], ratio[row * n_arc + a])
        cur = row * N + rt[a]
    out = np.zeros(rows * N)
    out[railed] = acc
    return out


@pytest.mark.parametrize("rows", [0, 1, 9, 60])
def test_rail_levels_is_the_numpy_chain(rows: int) -> None:
    g = np.random.default_rng(rows)
    N = 12
    # a random rail forest per row: region n's parent arc leads to a lower-numbered region
    tails = np.array([g.integers(0, n) for n in range(1, N)], dtype=np.int64)
    rt = np.concatenate([tails, tails])  # arcs 0..N-2 into regions 1..N-1 (+ spare arcs)
    parc = np.full((rows, N), -1, dtype=np.int64)
    root = np.full((rows, N), -1, dtype=np.int64)
    for r in range(rows):
        on = g.random(N) < 0.8
        for n in range(N):
            if not on[n]:
                continue
            if n and on[tails[n - 1]] and root[r, tails[n - 1]] >= 0 and g.random() < 0.8:
                parc[r, n] = n - 1 + (N - 1) * int(g.random() < 0.5)
                root[r, n] = root[r, tails[n - 1]]
            else:
                root[r, n] = n  # a source
    rhead = np.where(g.random((rows, N)) < 0.7, g.integers(0, N, (rows, N)), -1)
    rhead = np.where((rhead >= 0) & (root[np.arange(rows)[:, None], np.maximum(rhead, 0)] >= 0),
                     rhead, -1)
    d = on_grid(g.uniform(0, 900, (rows, N)) * (g.random((rows, N)) < 0.8))
    arc_tons = g.choice([0.0, 300.0, 1200.0, np.inf], size=rows * rt.size)
    tons = g.choice([0.0, 500.0, 5000.0, np.inf], size=rows * N)
    args = (d.ravel(), rhead.ravel(), parc.ravel(), root.ravel(), rt, arc_tons, tons, N)
    _same(kernels.rail_levels(*args), _rail_levels_numpy(*args))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("wounded", [0.0, 0.7])
def test_battle_losses_is_the_numpy_chain(shape: tuple[int, ...], wounded: float) -> None:
    R, F, N, S, Fr = shape
    g, strength, _, loc, fside, trucks = _state(11, R, F, N, S)
    fk = np.flatnonzero(g.random(R * F) < 0.3)
    frac = g.choice([0.0, 0.01, 0.25, 1 / 3, 1.0], size=(fk.size, 4))
    front = g.integers(0, Fr, N).astype(np.int16)
    losses = g.uniform(0, 1e5, (R, S, Fr, 4, 5))
    conval = g.uniform(0, 1e4, (R, S))
    want_s, want_t, want_l, want_c = strength.copy(), trucks.copy(), losses.copy(), conval.copy()
    # the NumPy chain (combat.run and effects.book_battle_losses before the kernel)
    have = want_s.reshape(-1, 4)[fk]
    lost = on_grid(have * frac)
    want_s.reshape(-1, 4)[fk] = have - lost
    t = want_t.reshape(-1)
    t[fk] = t[fk] - on_grid(t[fk] * frac[:, 3])
    side_of = (np.arange(R)[:, None] * S + fside[None, :]).reshape(-1)
    idx = side_of[fk] * Fr + front[loc.reshape(-1)[fk]]
    slots = R * S * Fr
    w = on_grid(lost[:, 0] * wounded)
    killed = lost.copy()
    killed[:, 0] -= w
    if fk.size:
        tot = group_sum((idx[:, None] * 4 + np.arange(4)).ravel(), killed.ravel(), slots * 4)
        want_l[..., 0] += tot.reshape(R, S, Fr, 4)
    if wounded and w.any():
        want_l[..., 0, 3] += group_sum(idx, w, slots).reshape(R, S, Fr)
        want_c += group_sum(side_of[fk], on_grid(w * 0.7), R * S).reshape(R, S)
    got = kernels.battle_losses(fk, frac, strength, trucks, loc, fside, front, Fr, wounded, 0.7,
                                losses, 0, 3, conval)
    for a, b in zip((got, strength, trucks, losses, conval),
                    (lost, want_s, want_t, want_l, want_c), strict=True):
        _same(a, b)


@pytest.mark.parametrize("shape", SHAPES)
def test_men_on_front_is_the_sum_of_men_by_region(shape: tuple[int, ...]) -> None:
    R, F, N, S, Fr = shape
    g, strength, status, loc, fside, _ = _state(13, R, F, N, S)
    front = g.integers(0, Fr, N)
    men = kernels.men_by_region(strength, status, 1, fside, loc, S, N)
    for side in range(S):
        for fr in range(Fr):
            got = kernels.men_on_front(strength, status, 1, np.flatnonzero(fside == side), loc,
                                       front == fr)
            _same(got, men[:, side, front == fr].sum(axis=1))


@pytest.mark.parametrize("shape", SHAPES)
def test_force_sums_are_the_numpy_chain(shape: tuple[int, ...]) -> None:
    R, F, N, S, _ = shape
    g, strength, _, _, _, _ = _state(17, R, F, N, S)
    fl = np.flatnonzero(g.random(R * F) < 0.4)
    n = max(1, fl.size // 3)
    idx = g.integers(0, n, fl.size)
    cev = g.choice([0.7, 1.0, 1 / 3, 1.3], size=fl.size)
    morale, supply = g.random(R * F), g.random(R * F)
    sr = strength.reshape(-1, 4)[fl]
    m0 = sr[:, 0]
    want = [group_sum(idx, v, n) for v in (m0, sr[:, 1], sr[:, 2], sr[:, 3], cev * m0,
                                           morale[fl] * m0, supply[fl] * m0)]
    got = kernels.force_sums(fl, idx, n, strength.reshape(-1, 4), cev, morale, supply)
    for i in range(7):
        _same(np.ascontiguousarray(got[i]), want[i])


def _may_leave_numpy(fl, leaving, F, loc, strength, fside, vp, garrison, ratio, enemy, nb, men):
    """stavka.ai.doctrine._may_leave before the kernel (with _adjacent_enemy_men)."""
    from stavka.ai.doctrine import _running_men
    from stavka.world.flat import distinct

    R, S, N = men.shape
    ok = np.ones(fl.shape, dtype=bool)
    loc_ = loc[fl]
    if ratio > 0.0:
        k = np.flatnonzero(leaving)
        r_k, f_k = np.divmod(fl[k], F)
        grp, inv = distinct((r_k * S + fside[f_k]) * N + loc_[k], R * S * N)
        g_rs, g_n = np.divmod(grp, N)
        g_r, g_s = np.divmod(g_rs, S)
        nbs = nb[g_n]
        at = ((g_r * S + g_s) * N)[:, None] + np.maximum(nbs, 0)
        near = np.where(nbs >= 0, enemy.reshape(-1)[at], 0.0).sum(axis=1)
        need = np.maximum(vp[loc_[k]] * garrison, ratio * near[inv])
        keep = need > 0
        k, r_k, f_k, need = k[keep], r_k[keep], f_k[keep], need[keep]
    else:
        k = np.flatnonzero(leaving & (vp[loc_] > 0))
        r_k, f_k = np.divmod(fl[k], F)
        need = vp[loc_[k]] * garrison
    if k.size == 0:
        return ok
    sd, loc_k = fside[f_k], loc_[k]
    men_here = men.reshape(-1)[(r_k * S + sd) * N + loc_k]
    grp = (r_k * N + loc_k) * S + sd
    order = np.argsort(grp * F + f_k, kind="stable")
    k, grp, men_here, need = k[order], grp[order], men_here[order], need[order]
    gone = _running_men(grp, strength[fl[k], 0])
    ok[k] = men_here - gone >= need
    return ok


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ratio", [0.0, 0.25, 2.0])
def test_may_leave_is_the_numpy_chain(shape: tuple[int, ...], ratio: float) -> None:
    R, F, N, S, _ = shape
    g, strength, status, loc, fside, _ = _state(19, R, F, N, S)
    men = kernels.men_by_region(strength, status, 1, fside, loc, S, N)
    enemy = kernels.enemy_men(men, g.random((R, S, S)) < 0.5)
    fl = np.flatnonzero((status == 1).reshape(-1) & (g.random(R * F) < 0.7))
    leaving = g.random(fl.size) < 0.6
    vp = g.choice([0.0, 0.0, 1.0, 5.0], size=N)
    nb = np.full((N, 3), -1, dtype=np.int32)
    for n in range(N):
        k = int(g.integers(0, 4))
        nb[n, :k] = g.integers(0, N, k)
    args = (fl, leaving, F, loc.reshape(-1), strength.reshape(-1, 4), fside, vp, 6000.0, ratio,
            enemy, nb, men)
    want = _may_leave_numpy(*args)
    assert want.any() and (~want).any() or fl.size < 50  # both answers occur
    _same(kernels.may_leave(*args), want)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("keep_ratio", [0.0, 2.0])
def test_threat_is_the_numpy_chain(shape: tuple[int, ...], keep_ratio: float) -> None:
    from stavka.world.graph import next_to

    R, F, N, S, _ = shape
    g, strength, status, loc, fside, _ = _state(23, R, F, N, S)
    men = kernels.men_by_region(strength, status, 1, fside, loc, S, N)
    enemy = kernels.enemy_men(men, g.random((R, S, S)) < 0.5)
    enemy_node = g.random((R, S, N)) < 0.3
    side_al = g.integers(0, 2, S)
    owner_al = g.integers(0, 2, (R, N))
    nb = np.full((N, 3), -1, dtype=np.int32)
    for n in range(N):
        k = int(g.integers(0, 4))
        nb[n, :k] = g.integers(0, N, k)
    stack = 25_000.0
    # the NumPy form (doctrine._defend before the kernel, with _adjacent_enemy_men)
    threat = next_to(enemy_node, nb) & (owner_al[:, None, :] == side_al[None, :, None])
    keep = np.full(threat.shape, stack)
    if keep_ratio > 0:
        tr, ts, tn = np.nonzero(threat)
        nbs = nb[tn]
        at = ((tr * S + ts) * N)[:, None] + np.maximum(nbs, 0)
        adj = np.where(nbs >= 0, enemy.reshape(-1)[at], 0.0).sum(axis=1)
        keep[tr, ts, tn] = np.minimum(stack, keep_ratio * adj)
    got_t, got_k = kernels.threat(enemy_node, owner_al, side_al, nb, enemy, stack, keep_ratio)
    _same(got_t, threat)
    _same(got_k, keep)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("floor", [0.0, 0.9])
def test_march_is_the_numpy_chain(shape: tuple[int, ...], floor: float) -> None:
    R, F, N, S, _ = shape
    g, strength, status, loc, fside, trucks = _state(29, R, F, N, S)
    marches = np.array([2, 3, 5])
    action = g.choice([0, 1, 2, 3, 5], size=(R, F)).astype(np.int8)
    target = np.where(g.random((R, F)) < 0.9, g.integers(0, N, (R, F)), -1).astype(np.int32)
    dug = g.choice([0.0, 1.0, 4.0], size=(R, F))
    progress = g.choice([0.0, 10.0, 39.0], size=(R, F))
    supply = g.choice([0.0, 0.5, 1.0], size=(R, F))
    land_next = np.where(g.random((N, N)) < 0.85, g.integers(0, N, (N, N)), -1)
    E = 2 * N
    edge_of = g.integers(0, E, (N, N))
    ekm = g.choice([20.0, 40.0, 60.0], size=E)
    highway = g.random(E) < 0.3
    owner = g.integers(0, S, (R, N)).astype(np.int16)
    alliance = g.integers(0, 2, S)
    at_war = g.random((R, S, S)) < 0.6
    men = kernels.men_by_region(strength, status, 1, fside, loc, S, N)
    enemy = kernels.enemy_men(men, at_war)
    ground = g.choice([0.6, 0.8, 1.0], size=N)
    terrain = g.choice([0.6, 0.9, 1.0], size=N)
    speed = g.choice([15.0, 25.0, 40.0], size=F)
    need = g.choice([0.0, 100.0, 400.0], size=F)
    mobile = (need > 0) & (g.random(F) < 0.5)
    foot, low, enemy_speed, dt = 0.5, 0.5, 0.8, 1.0
    want = [a.copy() for a in (loc, dug, progress)]
    w_loc, w_dug, w_prog = want
    # the NumPy chain (movement._road and _speed before the kernel)
    active = status == 1
    marching = (action == marches[0]) | (action == marches[1]) | (action == marches[2])
    marching &= active & (target >= 0) & (target != w_loc)
    w_dug += (active & ~marching) * dt
    fl = np.flatnonzero(marching)
    r_i, f_i = np.divmod(fl, F)
    lc = w_loc.reshape(-1)[fl]
    nxt = land_next.reshape(-1)[lc * N + target.reshape(-1)[fl]]
    side = fside[f_i]
    reachable = nxt >= 0
    nxt = np.maximum(nxt, 0)
    own = owner.reshape(-1)[r_i * N + nxt]
    allied = alliance[own] == alliance[side]
    rs = r_i * S + side
    war = at_war.reshape(-1)[rs * S + own]
    em = enemy.reshape(-1)[rs * N + nxt]
    can = reachable & (allied | (war & (em <= 0)))
    w_dug.reshape(-1)[fl[~can]] += dt
    fl, f_i, nxt, lc = fl[can], f_i[can], nxt[can], lc[can]
    gs = ground[nxt]
    if floor > 0.0:
        gs = np.where(highway[edge_of.reshape(-1)[lc * N + nxt]], np.maximum(gs, floor), gs)
    v = speed[f_i] * gs * terrain[nxt]
    fill = np.clip(trucks.reshape(-1)[fl] / np.maximum(need[f_i], 1.0), 0.0, 1.0)
    v = v * np.where(mobile[f_i], foot + (1.0 - foot) * fill, 1.0)
    v = v * (low + (1.0 - low) * supply.reshape(-1)[fl])
    v = v * np.where(allied[can], 1.0, enemy_speed)
    prog = w_prog.reshape(-1)
    prog[fl] += v * dt
    there = prog[fl] >= ekm[edge_of.reshape(-1)[lc * N + nxt]]
    fl, nxt = fl[there], nxt[there]
    w_loc.reshape(-1)[fl] = nxt
    prog[fl] = 0.0
    w_dug.reshape(-1)[fl] = 0
    got_fl, got_n = kernels.march(
        status, action, target, loc, 1, marches, dug, dt, land_next.reshape(-1), owner,
        alliance, fside, at_war, enemy, ground, floor, highway, edge_of.reshape(-1), speed,
        terrain, foot, need, mobile, trucks, low, supply, enemy_speed, progress, ekm)
    assert fl.size > 0 or R * F < 100
    _same(got_fl, fl.astype(np.int64))
    _same(got_n, nxt.astype(np.int64))
    for a, b in zip((loc, dug, progress), want, strict=True):
        _same(a, b)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("trucks_too", [False, True])
def test_refit_is_the_numpy_chain(shape: tuple[int, ...], trucks_too: bool) -> None:
    from stavka.world.counts import floor_grid

    R, F, N, S, _ = shape
    g, strength, status, _, fside, trucks = _state(31, R, F, N, S)
    ok = (status == 1) & (g.random((R, F)) < 0.8)
    est = np.round(g.uniform(5_000, 20_000, (F, 4)))
    pool = np.round(g.uniform(0, 50_000, (R, S, 4)) * 1024) / 1024
    pool[g.random((R, S, 4)) < 0.2] = 0.0
    truck_pool = np.where(g.random((R, S)) < 0.7, 300.0, 0.0) if trucks_too else np.zeros((R, S))
    want = [a.copy() for a in (strength, pool, truck_pool, trucks)]
    w_str, w_pool, w_tp, w_tr = want
    # the NumPy chain (economy._refit before the kernel)
    fl = np.flatnonzero(ok)
    r, f = np.divmod(fl, F)
    sc = w_str.reshape(-1, 4)[fl]
    short = np.maximum(est[f] - sc, 0.0)
    gi = r * S + fside[f]
    for c in range(4):
        need = group_sum(gi, short[:, c], R * S).reshape(R, S)
        give = np.minimum(w_pool[..., c], need)
        share = np.where(need > 0, give / np.maximum(need, 1e-9), 0.0)
        add = floor_grid(short[:, c] * share.ravel()[gi])
        sc[:, c] += add
        w_pool[..., c] -= group_sum(gi, add, R * S).reshape(R, S)
    w_str.reshape(-1, 4)[fl] = sc
    if w_tp.any():
        idx = (np.arange(R)[:, None] * S + fside[None, :]).ravel()
        men = np.where(ok, w_str[..., 0], 0.0)
        tot = group_sum(idx, men.ravel(), R * S).reshape(R, S)
        share = np.where(tot > 0, w_tp / np.maximum(tot, 1.0), 0.0)
        w_tr += floor_grid(men * share[np.arange(R)[:, None], fside[None, :]])
        w_tp[tot > 0] = 0.0
    kernels.refit(ok, strength, est, fside, pool, truck_pool, trucks, bool(truck_pool.any()))
    for a, b in zip((strength, pool, truck_pool, trucks), want, strict=True):
        _same(a, b)


@pytest.mark.parametrize("shape", SHAPES)
def test_nearest_targets_is_argmin(shape: tuple[int, ...]) -> None:
    R, _, N, S, Fr = shape
    g = np.random.default_rng(37)
    k = 3 * R + 1
    gr, gs, gl = g.integers(0, max(R, 1), k), g.integers(0, S, k), g.integers(0, N, k)
    enemy_node = g.random((max(R, 1), S, N)) < 0.4
    front = g.integers(0, Fr, N)
    land_dist = np.where(g.random((N, N)) < 0.8, g.choice([50.0, 100.0, 150.0], (N, N)), np.inf)
    vp = g.choice([0.0, 0.0, 5.0, 25.0], size=N)
    en = enemy_node[gr, gs] & (front[None, :] == front[gl][:, None])
    dist = land_dist[gl]
    cost = np.where(en & np.isfinite(dist), dist - vp[None, :] * 2.0, np.inf)  # ties: 50 - 0 ...
    want_best = np.argmin(cost, axis=1)
    want_has = np.isfinite(cost[np.arange(k), want_best])
    best, has = kernels.nearest_targets(gr, gs, gl, enemy_node, front, land_dist, vp, 2.0)
    _same(has, want_has)
    _same(best[has], want_best[want_has].astype(np.int64))


@pytest.mark.parametrize("shape", SHAPES)
def test_salient_exits_are_the_numpy_chain(shape: tuple[int, ...]) -> None:
    R, F, N, S, _ = shape
    g, _, status, loc, fside, _ = _state(41, R, F, N, S)
    defenders = (status == 1) & (g.random((R, F)) < 0.7)
    side_al = g.integers(0, 2, S)
    owner_al = g.integers(0, 2, (R, N))
    enemy_node = g.random((R, S, N)) < 0.5
    nb = np.full((N, 4), -1, dtype=np.int32)
    for n in range(N):
        k = min(int(g.integers(0, 5)), N)
        nb[n, :k] = g.choice(N, size=k, replace=False)
    # the NumPy form (doctrine._withdraw_from_salients before the kernel), per defender
    fl = np.flatnonzero(defenders)
    r_i, f_i = np.divmod(fl, F)
    sd, lc = fside[f_i], loc.reshape(-1)[fl]
    nbs = nb[lc]
    valid = nbs >= 0
    nbc = np.maximum(nbs, 0)
    own = valid & (owner_al[r_i[:, None], nbc] == side_al[sd][:, None])
    foe = valid & enemy_node[r_i[:, None], sd[:, None], nbc]
    salient = (own.sum(axis=1) == 1) & (foe.sum(axis=1) >= 2)
    exit_ = np.where(salient, nbc[np.arange(fl.size), np.argmax(own, axis=1)], -1)
    got_fl, got_exit = kernels.salient_exits(defenders, loc, fside, owner_al, side_al,
                                             enemy_node, nb)
    assert salient.any() or fl.size < 50
    _same(got_fl, fl.astype(np.int64))
    _same(got_exit, exit_.astype(np.int64))
