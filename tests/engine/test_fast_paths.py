"""The engine's fast paths against the plain computations they replace.

Each fast path (session 12's speed work) must give the very same values -- bits, not
approximately -- as the obvious code, on inputs where the obvious answer is known.
The golden digests pin them on whole campaigns; these pin them one by one.
"""

from __future__ import annotations

import numpy as np
import pytest

from stavka.api import load
from stavka.engine.context import Ctx
from stavka.engine.core import compile_world
from stavka.engine.rng import Streams
from stavka.world import graph
from stavka.world.flat import distinct_rows
from stavka.world.graph import LAND


@pytest.fixture(scope="module")
def world():
    return compile_world(load("two-fronts-1941").spec, None, replicas=40)


def test_next_to_is_any_over_the_land_arcs(world):
    st = world.static
    tail, head, _, _ = graph.arcs(st, LAND)
    flags = np.random.default_rng(1).random((40, st.S, st.N)) < 0.2
    want = np.zeros_like(flags)
    for t, h in zip(tail, head, strict=True):  # the definition: an arc t -> h
        want[..., h] |= flags[..., t]
    got = graph.next_to(flags, world.derived.neighbours())
    assert np.array_equal(got, want)
    assert got.any() and not got.all()


def test_next_to_a_region_without_neighbours():
    nb = np.array([[1, -1], [0, 2], [1, -1], [-1, -1]], dtype=np.int32)  # 0-1-2, 3 alone
    flags = np.array([[True, False, False, True]])
    assert next(iter(graph.next_to(flags, nb))).tolist() == [False, True, False, False]


def test_distinct_rows_rebuild_every_row():
    rows = np.random.default_rng(2).random((200, 37)) < 0.5
    rows[100:] = rows[:100]  # every value twice
    first, inv = distinct_rows(rows)
    assert first.size == np.unique(rows, axis=0).shape[0] <= 100
    assert np.array_equal(rows[first][inv], rows)


def test_runs_cover_the_formations_in_order(world):
    st = world.static
    group = st.alliance[st.fside]
    runs = world.derived.runs("alliance", group)
    assert runs[0][0] == 0 and runs[-1][1] == st.F
    for (a, b, g), nxt in zip(runs, [*runs[1:], None], strict=True):
        assert (group[a:b] == g).all()
        if nxt is not None:
            assert nxt[0] == b and nxt[2] != g


def test_index_bases_are_kept_once_for_the_largest_batch(world):
    st, d = world.static, world.derived
    big = d.node_base("side", st.fside, st.S, 40).copy()
    small = d.node_base("side", st.fside, st.S, 7)
    assert np.array_equal(small, (np.arange(7)[:, None] * st.S + st.fside[None, :]) * st.N)
    assert np.array_equal(small, big[:7])
    assert np.shares_memory(small, d.node_base("side", st.fside, st.S, 40))  # one array
    assert np.array_equal(d.side_of(3), (np.arange(3)[:, None] * st.S + st.fside).ravel())


def test_men_at_is_kept_until_invalidate_and_read_only(world):
    w = world.copy()
    ctx = Ctx.of(w, Streams.from_seed(0, w.state.R))
    men = ctx.men_at()
    assert ctx.men_at() is men
    with pytest.raises(ValueError):
        men[0, 0, 0] = 1.0
    w.state.strength[0, :, 0] = 0.0  # every formation of replica 0 loses its men...
    assert ctx.men_at()[0].sum() > 0  # ...unseen until the phase says so
    ctx.invalidate()
    assert ctx.men_at()[0].sum() == 0 and ctx.men_at()[1].sum() == men[1].sum()
