"""Supply phase: rail-traced supply, truck range, encirclement, starvation, surrender."""

from __future__ import annotations

import numpy as np
import pytest

from stavka.engine.context import Ctx
from stavka.engine.phases.supply import supply_levels
from stavka.enums import ACTIVE, GONE
from stavka.rules import load as load_rules

from .helpers import of_kind

_RULES = load_rules("v1")
ENCIRCLED_MORALE_PER_DAY = _RULES.encircled_morale_per_day
STARVE_MEN_PER_DAY = _RULES.starve_men_per_day
STARVE_MORALE_PER_DAY = _RULES.starve_morale_per_day
SURRENDER_MORALE = _RULES.surrender_morale
TRUCK_RANGE_KM = _RULES.truck_range_km


def _levels(c):
    lv, con = supply_levels(Ctx.of(c.world, c.rng))
    return lv[0, 0], con[0, 0]  # alliance 0 = "allies" (sorted: allies, axis)


def test_truck_range_falloff_beyond_the_railhead(line):
    # src-a-b-c all rail and Soviet: level 1. Beyond the railhead c by road:
    # d at 100 km: 1 - 100/400 = 0.75; e at 100 + 300 = 400 km: 1 - 400/400 = 0;
    # wet_open 200 km of road from src: 1 - 200/400 = 0.5.
    assert TRUCK_RANGE_KM == 400.0
    st = line.static
    lv, con = _levels(line)
    got = {n: lv[st.node(n)] for n in ("src", "a", "b", "c", "d", "e", "wet_open")}
    assert got == {"src": 1.0, "a": 1.0, "b": 1.0, "c": 1.0, "d": 0.75, "e": 0.0, "wet_open": 0.5}
    assert con[[st.node(n) for n in ("src", "a", "b", "c", "d", "e")]].all()
    assert not con[st.node("g_open")]  # enemy-held


def test_mud_shortens_truck_reach(line):
    # wet_open is 200 km of road from the railhead src. Reach = 400 km x ground factor:
    # day 0 dry: 1 - 200/400 = 0.5; day 2 mud (x0.5): 1 - 200/200 = 0.
    st = line.static
    w = st.node("wet_open")
    assert _levels(line)[0][w] == 0.5
    line.step()
    line.step()
    assert line.day == 2
    assert _levels(line)[0][w] == 0.0
    assert _levels(line)[0][st.node("d")] == 0.75  # dry zone unaffected


def test_formation_supply_follows_level(line):
    # supply += -1/supply_days + 2/supply_days x level  (supply_days 10 -> 0.1)
    # trucked at d (level 0.75), starts 0.5: 0.5 - 0.1 + 0.2 x 0.75 = 0.55, then 0.60
    # far at e (level 0), starts 0.5: 0.4, then 0.3
    # r_full at src (level 1), starts 1.0: stays 1 (clipped)
    st, s = line.static, line.world.state
    t, f, r = (st.formation(x) for x in ("trucked", "far", "r_full"))
    line.step()
    assert s.supply[0, [t, f, r]] == pytest.approx([0.55, 0.4, 1.0])
    line.step()
    assert s.supply[0, [t, f, r]] == pytest.approx([0.60, 0.3, 1.0])


def test_losing_a_middle_rail_node_cuts_supply_and_encircles(line):
    # Germany takes b (middle of src-a-b-c). c, d and e have no land path left to src:
    # level 0, encircled. pocket (at c, supply 1, supply_days 10) falls by 1/10 a day.
    st, s = line.static, line.world.state
    s.owner[0, st.node("b")] = st.side("germany")
    lv, con = _levels(line)
    assert lv[st.node("a")] == 1.0
    assert lv[[st.node(n) for n in ("c", "d", "e")]].tolist() == [0.0, 0.0, 0.0]
    assert not con[[st.node(n) for n in ("c", "d", "e")]].any()
    p = st.formation("pocket")
    evs = line.step()
    enc = of_kind(evs, "encircled")
    assert sorted((e.day, e.place, e.subjects) for e in enc) == [
        (0, "c", ("pocket",)), (0, "d", ("trucked",)), (0, "e", ("far",))]
    assert enc[0].values["men"] == 10000.0
    assert s.encircled[0, p]
    sup = [s.supply[0, p]]
    for _ in range(3):
        assert of_kind(line.step(), "encircled") == []  # reported once, when it happens
        sup.append(s.supply[0, p])
    assert sup == pytest.approx([0.9, 0.8, 0.7, 0.6])
    assert not s.encircled[0, st.formation("r_full")]


def test_encircled_formation_surrenders_when_out_of_supply_and_morale(line):
    # The pocket (10,000 men, morale 0.31) is cut off on day 0 with supply 0.3 of a
    # 10-day load. Cut off, the level is 0: supply falls 0.1 a day -> 0.2, 0.1, 0.0
    # (empty on day 2). Morale: -0.03 a day encircled, and -0.02 more once starving:
    #   day 0: 0.28, day 1: 0.25, day 2: 0.20, day 3: 0.15, day 4: 0.10 < 0.15
    # and out of supply -> surrenders on day 4. Starvation took 0.5 % of men on days
    # 2, 3 and 4: 10,000 x 0.995^3 = 9,850.75 men captured; guns are not starved.
    assert ENCIRCLED_MORALE_PER_DAY == 0.03 and SURRENDER_MORALE == 0.15
    assert STARVE_MORALE_PER_DAY == 0.02 and STARVE_MEN_PER_DAY == 0.005
    st, s = line.static, line.world.state
    s.owner[0, st.node("b")] = st.side("germany")
    p = st.formation("pocket")
    s.supply[0, p] = 0.3
    sov, west = st.side("soviet"), st.front_ids.index("west")
    evs = []
    for _ in range(4):
        evs += line.step()
    assert of_kind(evs, "surrender") == []
    assert s.morale[0, p] == pytest.approx(0.15)
    assert s.status[0, p] == ACTIVE
    evs = line.step()  # day 4
    sur = of_kind(evs, "surrender")
    assert [(e.day, e.place, e.subjects) for e in sur] == [(4, "c", ("pocket",))]
    assert sur[0].values["men"] == pytest.approx(10000 * 0.995**3)
    assert s.status[0, p] == GONE
    assert s.strength[0, p].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert s.losses[0, sov, west, 0, 1] == pytest.approx(10000 * 0.995**3)  # captured
    assert s.losses[0, sov, west, 2, 1] == 100.0  # guns captured
    assert s.losses[0, sov, west, 0, 0] == 0.0  # nobody killed in battle


def test_encircled_but_supplied_formation_holds_out(line):
    # The same pocket with a full load does not surrender while it still has supply,
    # however low its morale: out of supply only on day 9.
    st, s = line.static, line.world.state
    s.owner[0, st.node("b")] = st.side("germany")
    p = st.formation("pocket")
    evs = []
    for _ in range(8):
        evs += line.step()
    assert s.morale[0, p] < SURRENDER_MORALE and s.supply[0, p] > 0
    assert of_kind(evs, "surrender") == [] and s.status[0, p] == ACTIVE


def test_starvation_attrition_rate_and_booking(line):
    # far (at e, level 0) starts with supply 0.5: out of supply by day 5 at the latest.
    # Once starving: men x (1 - 0.005) a day, morale - 0.02 a day (no +0.02 recovery:
    # supply <= 0.5), the men lost booked as attrition (cause 2).
    st, s = line.static, line.world.state
    f = st.formation("far")
    sov, west = st.side("soviet"), st.front_ids.index("west")
    for _ in range(8):
        line.step()
    assert s.supply[0, f] == 0.0
    men0, mor0, att0 = s.strength[0, f, 0], s.morale[0, f], s.losses[0, sov, west, 0, 2]
    line.step()
    # (the loss is rounded to the count grid, 1/1024 of a man: stavka.world.counts)
    lost = s.losses[0, sov, west, 0, 2] - att0
    assert lost == pytest.approx(men0 * STARVE_MEN_PER_DAY, abs=0.5 / 1024)
    assert lost * 1024 == np.rint(lost * 1024)
    assert s.strength[0, f, 0] == men0 - lost
    assert s.morale[0, f] == pytest.approx(mor0 - 0.02)
    assert not s.encircled[0, f]  # out of truck range but not cut off


def test_supply_runs_out_on_the_day_it_should(line):
    # far: supply 0.5, level 0, 1/supply_days = 0.1 a day -> 0.4, 0.3, 0.2, 0.1, 0.0:
    # empty at the end of day 4, so it starves on day 4: 10000 x 0.995 = 9950 men.
    st, s = line.static, line.world.state
    f = st.formation("far")
    for _ in range(5):
        line.step()
    assert s.supply[0, f] == 0.0
    assert s.strength[0, f, 0] == pytest.approx(10000 * (1 - STARVE_MEN_PER_DAY))


def test_morale_recovers_when_supplied(line):
    # pocket at c (level 1, supply 1.0 > 0.5, not cut): morale + 0.02 a day: 0.31 -> 0.35
    st, s = line.static, line.world.state
    p = st.formation("pocket")
    line.step()
    line.step()
    assert s.morale[0, p] == pytest.approx(0.35)
    np.testing.assert_array_equal(s.encircled[0], False)


def _reference_trace(start, held, edges, n, cap):
    """Plain Dijkstra (heapq) over held nodes, one row: (km, reachable)."""
    import heapq

    adj: dict[int, list[tuple[int, float]]] = {i: [] for i in range(n)}
    for a, b, km in edges:
        if held[a] and held[b]:
            adj[a].append((b, km))
            adj[b].append((a, km))
    dist = np.full(n, np.inf)
    heap = [(0.0, int(i)) for i in np.flatnonzero(start)]
    for _, i in heap:
        dist[i] = 0.0
    heapq.heapify(heap)
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, km in adj[u]:
            if d + km < dist[v] and d + km <= cap:
                dist[v] = d + km
                heapq.heappush(heap, (d + km, v))
    return dist, np.isfinite(dist) if cap == np.inf else None


def test_block_graph_tracing_matches_a_plain_dijkstra():
    """graph.distance and graph.reach trace many rows at once on one block-diagonal graph;
    each row must equal a textbook trace of that row alone (parallel edges: the
    shortest counts; beyond the cap: unreached)."""
    from types import SimpleNamespace

    from stavka.world.graph import arcs, distance, reach

    rng = np.random.default_rng(5)
    n, m, rows = 30, 70, 40
    ea = rng.integers(0, n, m)
    eb = (ea + rng.integers(1, n, m)) % n  # no self-loops
    ea, eb = np.r_[ea, ea[:5]], np.r_[eb, eb[:5]]  # five parallel edges
    ekm = np.round(rng.uniform(5.0, 120.0, ea.size), 1)
    st = SimpleNamespace(ea=ea, eb=eb, ekm=ekm, ekind=np.zeros(ea.size, dtype=np.int8))
    tail, head, km, _ = arcs(st, (0,))  # type: ignore[arg-type]
    held = rng.random((rows, n)) < 0.8
    start = held & (rng.random((rows, n)) < 0.08)
    cap = 250.0
    dist = distance(start, held, tail, head, km, cap=cap)
    got_reach = reach(start, held, tail, head)
    # the reference sums whole metres too (exact: the order of additions cannot matter)
    edges = list(zip(ea.tolist(), eb.tolist(), [round(k * 1000) for k in ekm.tolist()],
                     strict=True))
    for r in range(rows):
        want_m, _ = _reference_trace(start[r], held[r], edges, n, cap * 1000)
        want_d = want_m / 1000.0
        _, want_r = _reference_trace(start[r], held[r], edges, n, np.inf)
        np.testing.assert_array_equal(dist[r], want_d)
        np.testing.assert_array_equal(got_reach[r], want_r)
    assert np.isfinite(dist).any() and np.isinf(dist[held]).any()  # the cap bites somewhere
