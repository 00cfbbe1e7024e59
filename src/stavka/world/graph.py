"""The map as a graph: arcs, neighbours, reachability and road distance over held regions.

Pure functions of the static tables (and of which regions a side holds). The supply
trace (:mod:`stavka.engine.phases.supply`), the AI's choice of threatened regions
(:mod:`stavka.ai.doctrine`) and a broken defender's line of retreat
(:mod:`stavka.engine.phases.combat`) all walk the map through here. What is costly and
does not change during a campaign is kept by :class:`stavka.world.world.Derived`.

Distances are summed in whole metres (:func:`stavka.world.static.metres`), so a path's
length is exact and no tie-breaking or summation order can move a bit.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from stavka.enums import E_RAIL, E_ROAD, E_SEA
from stavka.world.static import Static, metres

#: Edge kinds a land trace may use (rail, road, and sea between held ports).
LAND_AND_SEA = (E_RAIL, E_ROAD, E_SEA)
#: Edge kinds a railway trace may use (shipping between held ports counts as rail).
RAIL_AND_SEA = (E_RAIL, E_SEA)
#: Edge kinds a march may use.
LAND = (E_RAIL, E_ROAD)


class Scatter:
    """Reduce values on directed arcs into their head nodes (repeated heads are fine)."""

    def __init__(self, heads: np.ndarray):
        """``heads``: [A] int, the head node of each arc."""
        self.order = np.argsort(heads, kind="stable")
        self.nodes, self.first = np.unique(heads[self.order], return_index=True)


Arcs = tuple[np.ndarray, np.ndarray, np.ndarray, Scatter]


def arcs(st: Static, kinds: tuple[int, ...]) -> Arcs:
    """Both directions of the edges of ``kinds`` (:data:`stavka.enums.EDGE_KINDS` codes):
    (tails [A] int, heads [A] int, km [A] float, a :class:`Scatter` over the heads).

    Arcs are sorted by tail, one per (tail, head) pair (the shortest, where two edges of
    these kinds join the same regions).
    """
    tail, head, km, _ = _arc_table(st, kinds)
    return tail, head, km, Scatter(head)


def arc_edges(st: Static, kinds: tuple[int, ...]) -> np.ndarray:
    """[A] int: the edge (index into the static edge tables) of each arc of
    :func:`arcs` of ``kinds``, in the same order."""
    return _arc_table(st, kinds)[3]


def _arc_table(st: Static, kinds: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, np.ndarray]:
    m = np.isin(st.ekind, kinds)
    eid = np.flatnonzero(m)
    tail = np.concatenate([st.ea[m], st.eb[m]]).astype(np.intp)
    head = np.concatenate([st.eb[m], st.ea[m]]).astype(np.intp)
    km = np.concatenate([st.ekm[m], st.ekm[m]])
    edge = np.concatenate([eid, eid]).astype(np.intp)
    o = np.lexsort((km, head, tail))  # by tail, then head, shortest first (stable)
    tail, head, km, edge = tail[o], head[o], km[o], edge[o]
    one = np.r_[True, (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])][:tail.size]  # none: none
    return tail[one], head[one], km[one], edge[one]


def arc_zones(st: Static, tail: np.ndarray, head: np.ndarray, kinds: tuple[int, ...]
              ) -> np.ndarray:
    """[A] int: the sea zone each arc's lane crosses (``Edge.zone``), or -1 where the arc
    never closes: where some edge of ``kinds`` joining its two regions is not a sea edge
    crossing one and the same zone. Needs a ``sea`` block (``st.naval``)."""
    nav = st.naval
    assert nav is not None
    out = np.full(tail.size, -1, dtype=np.int32)
    m = np.isin(st.ekind, kinds)
    by_pair: dict[tuple[int, int], set[int]] = {}
    for e in np.flatnonzero(m).tolist():
        key = (min(int(st.ea[e]), int(st.eb[e])), max(int(st.ea[e]), int(st.eb[e])))
        by_pair.setdefault(key, set()).add(int(nav.edge_zone[e]))
    for i, (a, b) in enumerate(zip(tail.tolist(), head.tolist(), strict=True)):
        zs = by_pair.get((min(a, b), max(a, b)), {-1})
        if len(zs) == 1:
            out[i] = next(iter(zs))
    return out


def neighbours(st: Static) -> np.ndarray:
    """[N, K] int32: the land (rail or road) neighbours of each region, ascending, padded
    with -1 to the largest degree K (at least 1)."""
    land = np.isin(st.ekind, LAND)
    lists = [sorted({*st.eb[land & (st.ea == n)].tolist(), *st.ea[land & (st.eb == n)].tolist()})
             for n in range(st.N)]
    k = max(1, max((len(x) for x in lists), default=0))
    nb = np.full((st.N, k), -1, dtype=np.int32)
    for n, x in enumerate(lists):
        nb[n, :len(x)] = x
    return nb


def next_to(flags: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """[..., N] bool: whether any neighbour of each region (``nb`` [N, K], -1 padded, as
    :func:`neighbours`) has ``flags[..., N]`` set. Worked region-major (one contiguous
    row per region), where whole rows gather fast, then turned back."""
    shape, n = flags.shape, flags.shape[-1]
    by_node = np.ascontiguousarray(flags.reshape(-1, n).T)  # [N, rows]
    out = np.zeros_like(by_node)
    for j in range(nb.shape[1]):
        col = nb[:, j]
        has = col >= 0
        out[has] |= by_node[col[has]]
    return np.ascontiguousarray(out.T).reshape(shape)


def block_graph(held: np.ndarray, tail: np.ndarray, head: np.ndarray,
                w: np.ndarray, arc_ok: np.ndarray | None = None) -> csr_matrix:
    """One sparse graph of all rows of ``held`` [k, N] bool: node ``row * N + n``, the arcs
    (sorted by tail) whose two ends the row holds, weighted ``w`` [A]. ``arc_ok`` [k, A]
    bool, if given, closes the arcs it is false for in that row (sea lanes)."""
    k, n = held.shape
    use = held[:, tail] & held[:, head]
    if arc_ok is not None:
        use &= arc_ok
    rr, aa = np.nonzero(use)
    indptr = np.zeros(k * n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rr * n + tail[aa], minlength=k * n), out=indptr[1:])
    cols = (rr * n + head[aa]).astype(np.int32)
    return csr_matrix((w[aa], cols, indptr), shape=(k * n, k * n))


def distance(start: np.ndarray, held: np.ndarray, tail: np.ndarray, head: np.ndarray,
             km: np.ndarray, cap: float = np.inf, arc_ok: np.ndarray | None = None
             ) -> np.ndarray:
    """Shortest km from the ``start`` regions over arcs between held regions.

    ``start`` and ``held``: [..., N] bool (``start`` a subset of ``held``); returns
    [..., N] float km, ``inf`` where cut off or farther than ``cap`` km. Every row (the
    leading axes) at once: Dijkstra from all start nodes over one block-diagonal graph of
    the rows (SciPy's csgraph), in whole metres. ``arc_ok`` [..., A] bool, if given,
    closes arcs per row (:func:`block_graph`).
    """
    return _metres(start, held, tail, head, km, cap, arc_ok) / 1000.0


def _metres(start: np.ndarray, held: np.ndarray, tail: np.ndarray, head: np.ndarray,
            km: np.ndarray, cap: float, arc_ok: np.ndarray | None = None) -> np.ndarray:
    """:func:`distance` in whole metres (exact integers in float64)."""
    shape = start.shape
    src = np.flatnonzero(start)
    if src.size == 0:
        return np.full(shape, np.inf)
    g = block_graph(held.reshape(-1, shape[-1]), tail, head, metres(km), _rows(arc_ok, tail))
    d = dijkstra(g, directed=True, indices=src, min_only=True, limit=cap * 1000.0)
    return d.reshape(shape)  # type: ignore[no-any-return]


def tree(start: np.ndarray, held: np.ndarray, tail: np.ndarray, head: np.ndarray,
         km: np.ndarray, cap: float = np.inf, arc_ok: np.ndarray | None = None
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A shortest-path forest from the ``start`` regions over arcs between held regions.

    ``start``, ``held``: [..., N] bool (``start`` a subset of ``held``); ``tail``,
    ``head``, ``km``: the arcs (as :func:`arcs`). Returns (km [..., N] float, ``inf``
    where cut off or farther than ``cap``; parent arc [..., N] int, -1 at a start region
    and where unreached; root [..., N] int, the start region each region is served from,
    -1 where unreached).

    Distances are exact (whole metres, :func:`distance`); among equally short ways the
    parent is the lowest-index arc into the region (arcs are sorted by tail), so the tree
    does not depend on the shortest-path library's visiting order. ``arc_ok`` [..., A]
    bool, if given, closes arcs per row (:func:`block_graph`): no path and no parent uses
    a closed arc.
    """
    shape = start.shape
    n = shape[-1]
    d = _metres(start, held, tail, head, km, cap, arc_ok).reshape(-1, n)
    st2, h2 = start.reshape(-1, n), held.reshape(-1, n)
    w = metres(km)
    on = (h2[:, tail] & h2[:, head] & ~st2[:, head] & np.isfinite(d[:, head])
          & (d[:, tail] + w[None, :] == d[:, head]))
    if arc_ok is not None:
        on &= arc_ok.reshape(-1, tail.size)
    rr, aa = np.nonzero(on)  # row-major: by row, then arc (ascending)
    key = rr * n + head[aa]
    key, first = np.unique(key, return_index=True)  # the lowest arc of each (row, region)
    parent = np.full(d.shape, -1, dtype=np.int64)
    parent.ravel()[key] = aa[first]
    # root by pointer doubling over the parent regions
    up = np.broadcast_to(np.arange(n)[None, :], d.shape).copy()
    has = parent >= 0
    up[has] = tail[parent[has]]
    while True:
        nxt = np.take_along_axis(up, up, axis=1)
        if np.array_equal(nxt, up):
            break
        up = nxt
    root = np.where(np.isfinite(d), up, -1)
    return (d / 1000.0).reshape(shape), parent.reshape(shape), root.reshape(shape)


def arcs_open(lanes: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """[..., arcs] bool: arcs open to each row (replica, alliance, ...), from the sea lanes
    open ``lanes`` [..., Z] and each arc's zone ``zone`` [arcs] (-1: never closed); the
    ``arc_ok`` of :func:`reach`, :func:`distance` and :func:`tree`."""
    padded = np.concatenate([lanes, np.ones((*lanes.shape[:-1], 1), dtype=bool)], axis=-1)
    return padded[..., zone]  # zone -1 picks the always-open pad


def _rows(arc_ok: np.ndarray | None, tail: np.ndarray) -> np.ndarray | None:
    return None if arc_ok is None else arc_ok.reshape(-1, tail.size)


def reach(start: np.ndarray, held: np.ndarray, tail: np.ndarray, head: np.ndarray,
          arc_ok: np.ndarray | None = None) -> np.ndarray:
    """[..., N] bool: regions reachable from ``start`` [..., N] (a subset of ``held``) over
    arcs between held regions (arcs come in both directions): the connected components
    that hold a start region. ``arc_ok`` [..., A] bool, if given, closes arcs per row
    (a closed arc must be closed in both directions)."""
    shape = start.shape
    g = block_graph(held.reshape(-1, shape[-1]), tail, head, np.ones(tail.size),
                    _rows(arc_ok, tail))
    _, label = connected_components(g, directed=False)
    hit = np.zeros(int(label.max()) + 1, dtype=bool)
    hit[label[np.flatnonzero(start)]] = True
    return hit[label].reshape(shape)
