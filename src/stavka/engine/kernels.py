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
            lost = np.rint(m * frac_of[kit[f] + loc[r, f]] * QUANTUM) / QUANTUM
            if lost == 0.0:
                continue
            hit = True
            strength[r, f, 0] = m - lost
            rs = r * S + fside[f]
            tot[rs * n_fronts + front[loc[r, f]]] += lost
            back[rs] += np.rint(lost * back_frac * QUANTUM) / QUANTUM
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
            tons[k] += np.rint(t * QUANTUM) / QUANTUM
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
