"""Counts (men, tanks, guns, aircraft, trucks, manpower) as fixed-point numbers.

A count is a whole number of units plus a remainder in 1/:data:`QUANTUM` units,
stored in float64: every count in the state is a multiple of ``1/QUANTUM``.
Losses are fractions of a count (0.5 % of 10,001 men is 50.005 men), so a
formation may carry part of a man from one day to the next; the part is kept on
the fixed grid (``on_grid``: the nearest multiple of 1/1024, ties to even) rather
than as whatever bits a multiplication left. Why:

* the digest hashes well-defined quantities: an integer count and a remainder
  in 1024ths;
* sums of counts are exact (multiples of 2**-10 below 2**43, about 8.8e12, are
  all representable in binary64), so totals of men per region, side or front do
  not depend on the order of summation.

``QUANTUM`` = 1024 = 2**10: multiplying and dividing by a power of two are exact, so
``on_grid`` is exact apart from its one deliberate rounding.
"""

from __future__ import annotations

import numpy as np

#: Remainders are kept in 1/QUANTUM of a unit (a power of two: exact scaling).
QUANTUM = 1024.0


def on_grid(x: np.ndarray | float) -> np.ndarray:
    """The nearest count on the fixed grid (multiple of ``1/QUANTUM``; ties to even).

    ``x``: counts of any shape (float64). Returns a float64 array of the same shape.
    """
    return np.rint(np.asarray(x, dtype=np.float64) * QUANTUM) / QUANTUM


def floor_grid(x: np.ndarray | float) -> np.ndarray:
    """The largest count on the fixed grid not above ``x`` (for shares handed out of a
    pool: their sum never exceeds what was there). Shapes as :func:`on_grid`."""
    return np.floor(np.asarray(x, dtype=np.float64) * QUANTUM) / QUANTUM


def group_sum(idx: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """``weights`` summed by group ``idx`` into ``n`` float64 slots (``np.bincount`` in
    index order, so the result does not depend on the CPU).

    Always float64: numpy's weighted ``bincount`` of an *empty* index returns int64
    zeros, and adding a count to those in place fails (a scenario with no formations,
    no battles, no aircraft). Every weighted group sum of the state path goes through
    here (``tests/scenario/test_degenerate_maps.py`` checks it)."""
    out = np.bincount(idx, weights=weights, minlength=n)
    return out.astype(np.float64, copy=False)
