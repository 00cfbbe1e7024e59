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
    # the NumPy chain (supply._sickness before the kernel, with effects.book_sanitary_at)
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
