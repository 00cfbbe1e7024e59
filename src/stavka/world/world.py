"""A world: a compiled scenario's static tables, the state of its replicas, and what is
derived from the static tables once and kept (:class:`Derived`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stavka.world import graph
from stavka.world.state import State
from stavka.world.static import Static


class Derived:
    """Tables computed from the static tables on first use, kept for the world's life:
    the engine's one cache of static-derived data (the static tables themselves are
    frozen, and a day's products live on the day context, :class:`stavka.engine.context.Ctx`).

    Everything here is a pure function of :class:`Static` (and, for index bases, of
    the batch size), so it never enters the state digest.
    """

    def __init__(self, st: Static):
        """``st``: the static tables the tables are derived from."""
        self.st = st
        self._memo: dict[Any, Any] = {}

    def _get(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def arcs(self, kinds: tuple[int, ...]) -> graph.Arcs:
        """:func:`stavka.world.graph.arcs` of ``kinds``."""
        return self._get(("arcs", kinds), lambda: graph.arcs(self.st, kinds))  # type: ignore[no-any-return]

    def arc_edges(self, kinds: tuple[int, ...]) -> np.ndarray:
        """:func:`stavka.world.graph.arc_edges` of ``kinds`` [arcs]."""
        return self._get(("arc_edges", kinds),  # type: ignore[no-any-return]
                         lambda: graph.arc_edges(self.st, kinds))

    def arc_zones(self, kinds: tuple[int, ...]) -> np.ndarray:
        """:func:`stavka.world.graph.arc_zones` of the arcs of ``kinds`` [A] (sea block)."""
        def make() -> np.ndarray:
            tail, head, _, _ = self.arcs(kinds)
            return graph.arc_zones(self.st, tail, head, kinds)

        return self._get(("arc_zones", kinds), make)  # type: ignore[no-any-return]

    def neighbours(self) -> np.ndarray:
        """:func:`stavka.world.graph.neighbours` [N, K]."""
        return self._get("neighbours", lambda: graph.neighbours(self.st))  # type: ignore[no-any-return]

    def _rows(self, key: Any, R: int, make: Callable[[int], np.ndarray]) -> np.ndarray:
        """``make(R)`` [R, ...], an array whose row ``r`` depends on ``r`` alone: kept for
        the largest batch size asked, and a smaller batch gets its first ``R`` rows (a
        view). One array per key, however many batch sizes a run passes through as its
        ended replicas leave the batch."""
        have = self._memo.get(key)
        if have is None or have.shape[0] < R:
            have = self._memo[key] = make(R)
        return have[:R]  # type: ignore[no-any-return]

    def node_base(self, name: str, group: np.ndarray, groups: int, R: int) -> np.ndarray:
        """[R, F] int: ``(r * groups + group[f]) * N`` per (replica, formation); add ``loc``
        for the flat index of a formation's region in an [R, groups, N] table. ``name``
        names the grouping (``"side"``, ``"alliance"``)."""
        return self._rows(("node_base", name), R,
                          lambda n: (np.arange(n)[:, None] * groups + group[None, :]) * self.st.N)

    def runs(self, name: str, group: np.ndarray) -> tuple[tuple[int, int, int], ...]:
        """The runs of equal values of ``group`` [F] along the formation axis, as
        ``(start, stop, value)`` in order: a sum over formations by group is a few sums
        over contiguous column slices (the forces files list formations side by side)."""
        def make() -> tuple[tuple[int, int, int], ...]:
            cut = np.flatnonzero(group[1:] != group[:-1]) + 1
            edges = [0, *cut.tolist(), group.size]
            return tuple((a, b, int(group[a])) for a, b in zip(edges[:-1], edges[1:], strict=True)
                         if b > a)
        return self._get(("runs", name), make)  # type: ignore[no-any-return]

    def side_of(self, R: int) -> np.ndarray:
        """[R * F] int: ``r * S + fside[f]`` per flat formation index ``r * F + f``
        (the (replica, side) slot of a formation)."""
        return self._rows("side_of", R, lambda n: np.arange(n)[:, None] * self.st.S
                          + self.st.fside[None, :]).reshape(-1)


@dataclass
class World:
    """A compiled scenario (static tables) and the state of its replicas."""

    static: Static
    state: State
    derived: Derived = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Derive the tables kept once per static (:class:`Derived`), empty until asked."""
        self.derived = Derived(self.static)

    def copy(self) -> World:
        """A world with a copy of the state (the static and derived tables are shared)."""
        w = World(self.static, self.state.copy())
        w.derived = self.derived
        return w
