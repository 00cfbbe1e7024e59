"""Statistics of a sweep, vectorised over runs, combinations and metrics.

* Probability of a boolean outcome: the share of runs, with a Wilson score 95 %
  interval (good near 0 and 1, where the normal interval fails).
* Mean of a numeric outcome: with a percentile bootstrap 95 % interval from
  :data:`N_BOOT` resamples. The resamples are seeded from the sweep's seed and
  shared by every combination (as the runs are: common random numbers), so the
  intervals are deterministic.
* Sensitivity of each outcome to each varied parameter: the *range* of the
  outcome's marginal mean (probability for flags) across the parameter's
  values, averaged over the other parameters' values; and the *standardised
  regression coefficient* (SRC) of the outcome on the parameter over all runs.
  In a full factorial grid the varied parameters are uncorrelated, so the SRC
  equals the Pearson correlation between parameter and outcome; it is reported
  only for numeric parameters (int, float, bool as 0/1, dates as day numbers)
  and non-constant outcomes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

Z95 = 1.959963984540054
N_BOOT = 1000
_CHUNK = 100
_BOOT_SALT = 0xB0075


def num(x: float | np.floating[Any] | None, digits: int = 10) -> float | None:
    """A float for JSON: ``digits`` significant digits, ``None`` if missing or not finite."""
    if x is None or not math.isfinite(float(x)):
        return None
    return float(f"{float(x):.{digits}g}")


def wilson(k: np.ndarray, n: int | np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval ``(lo, hi)`` for ``k`` successes out of ``n`` (arrays broadcast)."""
    k = np.asarray(k, dtype=float)
    nn = np.asarray(n, dtype=float)
    p = k / nn
    z2 = z * z
    den = 1.0 + z2 / nn
    centre = (p + z2 / (2 * nn)) / den
    half = z * np.sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den
    lo = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))  # exact at the ends,
    hi = np.where(k >= nn, 1.0, np.clip(centre + half, 0.0, 1.0))  # not 1 - 1e-16
    return lo, hi


def bootstrap_mean_ci(x: np.ndarray, seed: int, n_boot: int = N_BOOT,
                      level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the mean of ``x[..., n, m]`` over its runs axis.

    ``x`` is ``[C, n, m]`` (combinations, runs, metrics) or ``[n, m]``. Each
    resample draws ``n`` runs with replacement; the same resampled run
    indices are used for every combination and metric. Returns ``(lo, hi)``
    shaped like ``x`` without the runs axis. Works in chunks of resamples as
    weight matrices, so memory stays at ``chunk * n`` counts.
    """
    x3 = x[None] if x.ndim == 2 else x
    c, n, m = x3.shape
    rng = np.random.default_rng([seed, _BOOT_SALT])
    means = np.empty((n_boot, c, m))
    offs = np.arange(_CHUNK)[:, None] * n
    for b0 in range(0, n_boot, _CHUNK):
        b = min(_CHUNK, n_boot - b0)
        idx = rng.integers(0, n, size=(b, n))
        counts = np.bincount((idx + offs[:b]).ravel(), minlength=b * n).reshape(b, n)
        # einsum without BLAS: the same sums in the same order on every machine
        means[b0:b0 + b] = np.einsum("bn,cnm->bcm", counts.astype(float), x3) / n
    a = (1.0 - level) / 2 * 100
    lo, hi = np.percentile(means, [a, 100 - a], axis=0)
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
