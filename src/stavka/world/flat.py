"""Flat-index helpers for the engine's sparse array programs.

Phases work on lists of (replica, formation) pairs held as flat indices
``r * F + f`` into the row-major [R, F] state arrays. NumPy gathers and
scatters through one flat index are several times faster than through two
index arrays, and distinct keys from a lookup table avoid ``np.unique``'s sort.
"""

from __future__ import annotations

import numpy as np


def flat(a: np.ndarray) -> np.ndarray:
    """A 1-D view of a C-contiguous array, for flat gathers and scatters.

    ``a[r, f]`` with two index arrays is several times slower than
    ``flat(a)[r * F + f]``; this raises rather than silently copying, so writes
    through the view always reach the state.
    """
    return a.reshape(-1, copy=False)


def take_rows(a: np.ndarray, fl: np.ndarray) -> np.ndarray:
    """Rows ``a[r, f, :]`` of an [R, F, k] array at flat indices ``fl = r * F + f``."""
    return np.take(a.reshape(-1, a.shape[-1]), fl, axis=0)


def put_rows(a: np.ndarray, fl: np.ndarray, rows: np.ndarray) -> None:
    """Set rows ``a[r, f, :] = rows`` at distinct flat indices ``fl = r * F + f``.

    Each row is moved as one fixed-size item (a void view), about three times
    faster than NumPy's row-wise fancy assignment.
    """
    k = a.shape[-1]
    item = np.dtype((np.void, k * a.itemsize))
    dst = a.reshape(-1, k, copy=False).view(item).reshape(-1, copy=False)
    src = np.ascontiguousarray(rows, dtype=a.dtype).view(item).reshape(-1)
    np.put(dst, fl, src)


def distinct(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for keys in ``[0, size)``.

    Returns the sorted distinct keys and, for each entry of ``key``, the index
    of its key among them. O(len(key) + size) with no sort.
    """
    seen = np.zeros(size, dtype=bool)
    seen[key] = True
    uniq = np.flatnonzero(seen)
    where = np.empty(size, dtype=np.intp)
    where[uniq] = np.arange(uniq.size)
    return uniq, where[key]


def first_of(inv: np.ndarray, groups: int) -> np.ndarray:
    """Position in ``inv`` of the first entry of each group ``0 .. groups-1``
    (``np.unique``'s ``return_index``)."""
    first = np.full(groups, inv.size, dtype=np.intp)
    np.minimum.at(first, inv, np.arange(inv.size))
    return first


def distinct_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first [u], inverse [k]): for the rows of ``key`` [k, m] bool, the index of one row
    of each distinct value (the first, in ascending order of value) and, for every row,
    the position of its value among them (``np.unique`` on rows, bit-packed)."""
    packed = np.ascontiguousarray(np.packbits(key, axis=1))
    rows = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, inv = np.unique(rows, return_index=True, return_inverse=True)
    return first, inv.reshape(-1)
