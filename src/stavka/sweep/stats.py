"""Statistics of a sweep, vectorised over runs, combinations and metrics.

* Probability of a boolean outcome: the share of runs, with a Wilson score 95 %
  interval (good near 0 and 1, where the normal interval fails), from
  ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``.
* Mean of a numeric outcome: with a percentile bootstrap 95 % interval from
  :data:`N_BOOT` resamples (``scipy.stats.bootstrap``). The resamples are
  drawn by a ``numpy.random.Generator`` seeded from the sweep's seed and shared
  by every combination (as the runs are: common random numbers), so the
  intervals are deterministic.
* Sensitivity of each outcome to each varied parameter: the *range* of the
  outcome's marginal mean (probability for flags) across the parameter's
  values, averaged over the other parameters' values; and the *standardised
  regression coefficient* (SRC) of the outcome on the parameter over all runs.
  In a full factorial grid the varied parameters are uncorrelated, so the SRC
  equals the Pearson correlation between parameter and outcome; it is reported
  only for numeric parameters (int, float, bool as 0/1, dates as day numbers)
  and non-constant outcomes.

These are presentation, not the engine's state path: the determinism rules
(``tests/test_determinism_rules.py``) do not apply, and a sum here may differ in
its last bit between machines (NumPy's reductions use CPU-dependent SIMD
kernels). :func:`num` rounds every number written to ``summary.json`` to 10
significant digits, which hides such differences in all but pathological cases.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

N_BOOT = 1000
_BOOT_SALT = 0xB0075
# Most resampled values scipy.stats.bootstrap holds at once (8 bytes each): the
# batch of resamples is chosen to fit. The draws do not depend on it
# (Generator.integers gives the same stream in one call or in several).
_MAX_RESAMPLED = 1 << 23
# scipy >= 1.15 calls the generator `rng`; 1.13-1.14 (allowed by pyproject) `random_state`
_RNG_KW = "rng" if "rng" in inspect.signature(stats.bootstrap).parameters else "random_state"


def num(x: float | np.floating[Any] | None, digits: int = 10) -> float | None:
    """A float for JSON: ``digits`` significant digits, ``None`` if missing or not finite."""
    if x is None or not math.isfinite(float(x)):
        return None
    return float(f"{float(x):.{digits}g}")


def wilson(k: np.ndarray, n: int | np.ndarray, level: float = 0.95
           ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval ``(lo, hi)`` for ``k`` successes out of ``n`` trials.

    ``k`` and ``n`` are counts (arrays broadcast; ``0 <= k <= n``, ``n >= 1``);
    ``level`` is the confidence level. Returns two float arrays of the broadcast
    shape: exactly 0 at ``k = 0`` and exactly 1 at ``k = n``.
    """
    kk, nn = np.broadcast_arrays(np.asarray(k), np.asarray(n))
    lo = np.empty(kk.shape)
    hi = np.empty(kk.shape)
    cache: dict[tuple[int, int], tuple[float, float]] = {}
    for i, (ki, ni) in enumerate(zip(kk.ravel(), nn.ravel(), strict=True)):
        key = (int(round(float(ki))), int(ni))  # counts (k may arrive as a float sum of 0/1)
        if key not in cache:
            ci = stats.binomtest(*key).proportion_ci(confidence_level=level, method="wilson")
            cache[key] = (float(ci.low), float(ci.high))
        lo.flat[i], hi.flat[i] = cache[key]
    return lo, hi


def bootstrap_mean_ci(x: np.ndarray, seed: int, n_boot: int = N_BOOT,
                      level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the mean of ``x[..., n, m]`` over its runs axis.

    ``x`` is ``[C, n, m]`` (combinations, runs, metrics) or ``[n, m]``. Each
    resample draws ``n`` runs with replacement; the same resampled run indices
    are used for every combination and metric (scipy draws one index row per
    resample and applies it to every column), and the generator is seeded from
    ``seed`` alone, so the same ``x`` and ``seed`` give the same interval.
    Returns ``(lo, hi)`` shaped like ``x`` without the runs axis. With one run
    the interval is that run's value.
    """
    x3 = np.asarray(x, dtype=float)
    x3 = x3[None] if x3.ndim == 2 else x3
    c, n, m = x3.shape
    if n < 2 or c * m == 0:  # scipy needs two observations; one resamples to itself
        lo = hi = x3[:, 0, :] if n else np.full((c, m), np.nan)
    else:
        batch = int(min(n_boot, max(1, _MAX_RESAMPLED // (c * m * n))))
        # a column that holds one whole number in every run (most often 0: a side that
        # loses nothing, a metric of a front where nothing happens) resamples to exactly
        # that number (every partial sum is a whole number below 2**53), so its interval is
        # that number and it is left out of the resampling. scipy draws one row of run
        # indices per resample for all columns, and ``batch`` is kept as for every column,
        # so the other columns' intervals are bit for bit what they were with it.
        first = x3[:, :1, :]
        fixed = ((x3 == first).all(axis=(0, 1)) & (first[0, 0] == np.rint(first[0, 0]))
                 & (np.abs(first[0, 0]) * n < 2.0**53))
        lo = np.broadcast_to(first[:, 0, :], (c, m)).copy()
        hi = lo.copy()
        cols = np.flatnonzero(~fixed)
        if cols.size:
            res = stats.bootstrap(
                (x3[:, :, cols],), np.mean, n_resamples=n_boot, batch=batch, vectorized=True,
                axis=1, confidence_level=level, method="percentile",
                **{_RNG_KW: np.random.default_rng([seed, _BOOT_SALT])})
            lo[:, cols] = res.confidence_interval.low
            hi[:, cols] = res.confidence_interval.high
    return (lo[0], hi[0]) if x.ndim == 2 else (lo, hi)


def numeric_code(values: Sequence[Any]) -> np.ndarray | None:
    """Parameter values as numbers for regression (dates as ordinals), or None if impossible."""
    out = []
    for v in values:
        if isinstance(v, dt.date):
            out.append(float(v.toordinal()))
        elif isinstance(v, bool | int | float):
            out.append(float(v))
        else:
            return None
    return np.array(out)


def marginal_means(combo_means: np.ndarray, sizes: Sequence[int], axis: int) -> np.ndarray:
    """``[values_of_param, outcomes]`` means over the other parameters' values.

    ``combo_means`` is ``[C, outcomes]`` in product order (last parameter fastest).
    """
    grid = combo_means.reshape(*sizes, combo_means.shape[-1])
    other = tuple(i for i in range(len(sizes)) if i != axis)
    return grid.mean(axis=other) if other else grid


def src(x_runs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Standardised regression coefficients of each column of ``y [n, m]`` on ``x [n]``.

    With one regressor (or uncorrelated ones) this is the correlation; columns
    with no spread give NaN.
    """
    xc = x_runs - x_runs.mean()
    yc = y - y.mean(axis=0)
    sx = math.sqrt(float((xc * xc).mean()))
    sy = np.sqrt((yc * yc).mean(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.einsum("n,nm->m", xc, yc) / len(xc) / (sx * sy) if sx > 0 else np.full(y.shape[1], np.nan)
    r = np.where(np.abs(r) < 1e-9, 0.0, r)  # rounding dust of an exact zero
    return np.where(sy > 0, r, np.nan)
