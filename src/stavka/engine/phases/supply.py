"""Phase 4, supply: traced from sources over owned rail, then by truck beyond the railhead.

* A region is *rail-supplied* for an alliance if a chain of rail (or sea)
  edges between regions it holds links it to one of its supply sources. A
  captured railway serves its new owner only ``REGAUGE_DAYS`` after capture.
* Beyond the railhead supply goes by road: the level falls linearly to 0 at
  ``TRUCK_RANGE_KM`` of road from the nearest rail-supplied region, times the
  ground's speed factor (mud halves the reach).
* A region with no land path at all (through held regions) to a source is
  cut off: formations there are *encircled*.

Formations consume ``1/supply_days`` of their load a day and refill twice that
times the level where they stand. With nothing on hand they lose men and
morale; encircled formations also lose morale, and surrender once they are
both out of supply and below ``SURRENDER_MORALE``.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from stavka.engine.context import Ctx
from stavka.world.counts import on_grid
from stavka.world.flat import flat
from stavka.world.state import ACTIVE, GONE
from stavka.world.static import GROUND_SPEED, metres

TRUCK_RANGE_KM = 400.0
#: Days before a captured region's railway serves its new owner (regauging, repair:
#: German railheads lagged far behind the front in 1941).
REGAUGE_DAYS = 20
STARVE_MEN_PER_DAY = 0.005  # men lost per day without supply (sickness, desertion, frost)
STARVE_MORALE_PER_DAY = 0.02
ENCIRCLED_MORALE_PER_DAY = 0.03
SURRENDER_MORALE = 0.15
RECOVER_MORALE_PER_DAY = 0.02


class _Scatter:
    """Reduce values on directed arcs into their head nodes (repeated heads are fine)."""

    def __init__(self, heads: np.ndarray):
        self.order = np.argsort(heads, kind="stable")
        self.nodes, self.first = np.unique(heads[self.order], return_index=True)

    def any(self, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(nodes, whether any arc into the node is set) of bool ``flags[..., arcs]``."""
        u8 = flags[..., self.order].view(np.uint8)
        return self.nodes, np.maximum.reduceat(u8, self.first, axis=-1).view(bool)


def arcs(ctx: Ctx, kinds: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, _Scatter]:
    """Both directions of the edges of ``kinds``: (tails, heads, km, scatter), cached.

    Arcs are sorted by tail, one per (tail, head) pair (the shortest, where two
    edges of these kinds join the same regions).
    """
    key = f"arcs{kinds}"
    st = ctx.st
    if key not in st.extra:
        m = np.isin(st.ekind, kinds)
        tail = np.concatenate([st.ea[m], st.eb[m]]).astype(np.intp)
        head = np.concatenate([st.eb[m], st.ea[m]]).astype(np.intp)
        km = np.concatenate([st.ekm[m], st.ekm[m]])
        o = np.lexsort((km, head, tail))  # by tail, then head, shortest first
        tail, head, km = tail[o], head[o], km[o]
        one = np.r_[True, (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])]
        tail, head, km = tail[one], head[one], km[one]
        st.extra[key] = (tail, head, km, _Scatter(head))
    return st.extra[key]  # type: ignore[no-any-return]


def _block_graph(held: np.ndarray, tail: np.ndarray, head: np.ndarray,
                 w: np.ndarray) -> csr_matrix:
    """One sparse graph of all rows of ``held`` [k, N]: node ``row * N + n``, the arcs
    (sorted by tail) whose two ends the row holds, weighted ``w``."""
    k, n = held.shape
    rr, aa = np.nonzero(held[:, tail] & held[:, head])
    indptr = np.zeros(k * n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rr * n + tail[aa], minlength=k * n), out=indptr[1:])
    cols = (rr * n + head[aa]).astype(np.int32)
    return csr_matrix((w[aa], cols, indptr), shape=(k * n, k * n))


def _distance(start: np.ndarray, held: np.ndarray, tail: np.ndarray, head: np.ndarray,
              km: np.ndarray, cap: float = np.inf) -> np.ndarray:
    """Shortest km from ``start`` nodes over arcs between held nodes; inf if cut off or
    farther than ``cap``. Every row (the leading axes) at once: Dijkstra from all
    start nodes over one block-diagonal graph of the rows (SciPy's csgraph)."""
    shape = start.shape
    src = np.flatnonzero(start)
    if src.size == 0:
        return np.full(shape, np.inf)
    # whole metres: path sums are exact, so no tie or summation order can move a bit
    g = _block_graph(held.reshape(-1, shape[-1]), tail, head, metres(km))
    d = dijkstra(g, directed=True, indices=src, min_only=True, limit=cap * 1000.0)
    return (d / 1000.0).reshape(shape)  # type: ignore[no-any-return]


def _reach(start: np.ndarray, held: np.ndarray, tail: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Nodes reachable from ``start`` (a subset of ``held``) over arcs between held nodes
    (arcs come in both directions): the connected components that hold a start node."""
    shape = start.shape
    g = _block_graph(held.reshape(-1, shape[-1]), tail, head, np.ones(tail.size))
    _, label = connected_components(g, directed=False)
    hit = np.zeros(int(label.max()) + 1, dtype=bool)
    hit[label[np.flatnonzero(start)]] = True
    return hit[label].reshape(shape)


def supply_levels(ctx: Ctx) -> tuple[np.ndarray, np.ndarray]:
    """(level [R, A, N] in 0..1, connected [R, A, N] bool) for every alliance."""
    st, s = ctx.st, ctx.s
    A = int(st.alliance.max()) + 1
    held = st.alliance[s.owner][:, None, :] == np.arange(A)[None, :, None]  # [R, A, N]
    src = held & st.source_node[None, None, :]
    rt, rh, _, _ = arcs(ctx, (0, 2))  # shipping between held ports counts as rail
    lt, lh, lkm, _ = arcs(ctx, (0, 1, 2))
    # rail: hop counts are enough (reachability); land: km from the railhead
    own_rail = held & ((st.alliance[st.owner0][None, None, :] == np.arange(A)[None, :, None])
                       | ((s.taken_day >= 0) & (ctx.day - s.taken_day >= REGAUGE_DAYS))[:, None, :])
    # Tracing is a pure function of (held, own_rail): redo it only for replicas
    # where either changed since the last trace (most days, none do).
    redo = ~s.memo_ok | (held != s.memo_held).any(axis=(1, 2)) | \
        (own_rail != s.memo_rail).any(axis=(1, 2))
    if redo.any():
        r = np.nonzero(redo)[0]
        h, o, sr = held[r], own_rail[r], src[r]
        railed = _reach(sr & o, o, rt, rh)
        # beyond the longest truck reach the level is 0 whatever the distance
        s.memo_truck_km[r] = _distance(railed, h, lt, lh, lkm,
                                       cap=TRUCK_RANGE_KM * float(GROUND_SPEED.max()))
        s.memo_connected[r] = _reach(sr, h, lt, lh)
        s.memo_held[r], s.memo_rail[r], s.memo_ok[r] = h, o, True
    truck_km, connected = s.memo_truck_km, s.memo_connected
    # mud and snow shorten what trucks can haul as they slow them
    reach = TRUCK_RANGE_KM * GROUND_SPEED[ctx.ground()]
    level = np.clip(1.0 - truck_km / reach, 0.0, 1.0)
    return np.where(connected, level, 0.0), connected


def run(ctx: Ctx) -> None:
    st, s = ctx.st, ctx.s
    level, connected = supply_levels(ctx)
    ctx.cache["supply_level"] = level
    act = s.status == ACTIVE
    A = level.shape[1]
    # one flat gather per table: (replica, alliance, region) of every formation
    key = ctx.node_base("alliance", st.alliance[st.fside], A) + s.loc
    lv = flat(level)[key]
    cut = ~flat(connected)[key] & act
    c = 1.0 / st.supply_days[None, :]
    new = s.supply - c
    new += 2.0 * c * lv
    np.clip(new, 0.0, 1.0, out=new)
    new[new < 1e-9] = 0.0  # no float dust: empty is empty
    np.copyto(s.supply, new, where=act)
    fs = np.flatnonzero(act & (s.supply <= 0.0))  # starving
    if fs.size:
        r, f = np.divmod(fs, st.F)
        men = flat(s.strength)[fs * 4]
        lost = on_grid(men * STARVE_MEN_PER_DAY)
        flat(s.strength)[fs * 4] = men - lost
        book_sparse(ctx, r, f, lost[:, None] * _MEN_ONLY, cause=2)
        mor = flat(s.morale)
        mor[fs] = np.maximum(mor[fs] - STARVE_MORALE_PER_DAY, 0.0)
    newly = cut & ~s.encircled
    np.copyto(s.encircled, cut, where=act)
    if newly.any() and ctx.record:
        for r in np.unique(np.nonzero(newly)[0]):
            for n in np.unique(s.loc[r, newly[r]]):
                m = newly[r] & (s.loc[r] == n)
                ids = tuple(st.form_ids[f] for f in np.nonzero(m)[0])
                ctx.emit("encircled", r, place=int(n), side=int(st.fside[np.nonzero(m)[0][0]]),
                         subjects=ids, men=float(s.strength[r, m, 0].sum()), formations=len(ids))
    s.morale[cut] = np.maximum(s.morale[cut] - ENCIRCLED_MORALE_PER_DAY, 0.0)
    ok = act & ~cut & (s.supply > 0.5)
    up = s.morale + RECOVER_MORALE_PER_DAY
    np.minimum(up, 1.0, out=up)
    np.copyto(s.morale, up, where=ok)
    give_up = cut & (s.morale < SURRENDER_MORALE) & (s.supply <= 0.0)
    if give_up.any():
        surrender(ctx, give_up, reason="encircled, out of supply")


_MEN_ONLY = np.array([1.0, 0.0, 0.0, 0.0])


def book_sparse(ctx: Ctx, r: np.ndarray, f: np.ndarray, lost: np.ndarray, cause: int) -> None:
    """Add losses ``lost[k, 4]`` of formations ``(r[k], f[k])`` to the loss table."""
    st, s = ctx.st, ctx.s
    Fr = len(st.front_ids)
    idx = (r * st.S + st.fside[f]) * Fr + st.front[flat(s.loc)[r * st.F + f]]
    n = ctx.R * st.S * Fr
    for c in range(4):
        if lost[:, c].any():
            tot = np.bincount(idx, weights=lost[:, c], minlength=n)
            s.losses[..., c, cause] += tot.reshape(ctx.R, st.S, Fr)


def surrender(ctx: Ctx, mask: np.ndarray, reason: str | None) -> None:
    """Formations of ``mask`` [R, F] surrender: everything they have is lost, men captured.

    ``reason`` is the dispatch's wording; ``None`` reads "broken at <region>".
    """
    r, f = np.nonzero(mask)
    surrender_sparse(ctx, r, f, reason)


def surrender_sparse(ctx: Ctx, r: np.ndarray, f: np.ndarray, reason: str | None) -> None:
    """:func:`surrender` for the formations ``(r[k], f[k])`` (row-major order)."""
    st, s = ctx.st, ctx.s
    book_sparse(ctx, r, f, s.strength[r, f], cause=1)
    if ctx.record:
        for rr in np.unique(r):
            fs = f[r == rr]
            locs = s.loc[rr, fs]
            for n in np.unique(locs):
                m = fs[locs == n]
                ids = tuple(st.form_ids[x] for x in m)
                why = reason if reason is not None else f"broken at {st.spec.nodes[int(n)].name}"
                ctx.emit("surrender", rr, place=int(n), side=int(st.fside[m[0]]),
                         subjects=ids, men=float(s.strength[rr, m, 0].sum()),
                         tanks=float(s.strength[rr, m, 1].sum()), formations=len(ids), reason=why)
    s.strength[r, f] = 0.0
    s.status[r, f] = GONE
    s.encircled[r, f] = False
    ctx.invalidate()
