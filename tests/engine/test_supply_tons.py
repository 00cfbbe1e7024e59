"""Supply in tons (rules.supply_tons = 1, stavka.engine.tonnage) on tests/data/t_tons.yaml,
with every tonnage computed by hand (the fixture's header draws the map).

Demands: f_a, f_d, f_y 10,000 men x 10 kg = 100 t/day each; mover 1,000 men = 10 t.
A train carries 25 t; src ships 1,000 t/day.
"""

from __future__ import annotations

import numpy as np
import pytest

import stavka
from stavka.engine import tonnage
from stavka.engine.context import Ctx
from stavka.engine.phases.supply import supply_levels

from .helpers import campaign, loaded

ALLIES = 0  # alliances sort: allies, axis


@pytest.fixture
def tons():
    return campaign("t_tons")


def _levels(c, rail_used=None):
    ctx = Ctx.of(c.world, c.rng)
    ctx.rail_used = rail_used
    lv, con = supply_levels(ctx)
    st = c.static
    return {n: float(lv[0, ALLIES, st.node(n)]) for n in st.node_ids}


def test_demand_in_tons(tons):
    ctx = Ctx.of(tons.world, tons.rng)
    st = tons.static
    d = tonnage.demand(ctx)[0]
    assert [d[st.formation(f)] for f in ("f_a", "f_d", "f_y", "mover")] == [100, 100, 100, 10]


def test_rail_capacity_below_demand_gives_capacity_over_demand(tons):
    # src-a: 2 trains x 25 t = 50 t against f_a's 100 t -> 50/100. src-h carries h's
    # railhead load (d: 100 t) and y's 100 t = 200 t against 2,500 t -> 1. Beyond the
    # railhead h, d is 100 km of road: falloff 1 - 100/400 = 0.75; its trucks: 20 x 250
    # = 5,000 t-km against 100 t x 100 km = 10,000 t-km -> 0.5; 0.75 x 0.5 = 0.375.
    lv = _levels(tons)
    assert lv["a"] == 50 / 100
    assert (lv["src"], lv["h"], lv["y"], lv["z"]) == (1.0, 1.0, 1.0, 1.0)
    assert lv["d"] == 0.75 * 0.5
    assert lv["x"] == 0.0  # German-held


def test_sources_cap_the_total(tons):
    # f_a at 200,000 men: 2,000 t. src's load: 10 (mover) + 2,000 + 200 = 2,210 t against
    # its 1,000 t/day: every region it serves gets at most 1,000/2,210.
    st, s = tons.static, tons.world.state
    s.strength[0, st.formation("f_a"), 0] = 200_000
    lv = _levels(tons)
    assert lv["h"] == lv["y"] == 1000 / 2210
    assert lv["a"] == min(1000 / 2210, 50 / 2000)


def test_troop_trains_take_their_share_of_an_edge(tons):
    st = tons.static
    e = next(i for i in range(len(st.ea)) if {st.ea[i], st.eb[i]} == {st.node("src"), st.node("a")})
    used = np.zeros((1, len(st.ea), 2))
    way = 0 if st.ea[e] == st.node("src") else 1
    used[0, e, way] = 1  # one troop train src -> a: 1 train x 25 t left for 100 t
    assert _levels(tons, used)["a"] == 25 / 100
    used[0, e, way], used[0, e, 1 - way] = 0, 2  # trains the other way leave supply alone
    assert _levels(tons, used)["a"] == 50 / 100


def test_a_troop_train_moving_today_cuts_what_supply_gets(tons):
    # mover entrains at src for a: ceil(1 train x max(0.1, 0.25)) = 1 train today on src-a.
    # f_a (supply 0.5, 10 days' load) then refills at level 25/100 instead of 50/100:
    # 0.5 - 0.1 + 2.0 x 0.1 x 0.25 = 0.45 (rules v3 refill_rate 2.0).
    st, s = tons.static, tons.world.state
    f = st.formation("f_a")
    alone = campaign("t_tons")
    alone.step()
    assert alone.world.state.supply[0, f] == pytest.approx(0.5 - 0.1 + 0.2 * 0.5)
    tons.step(["mover rail a"])
    assert s.status[0, st.formation("mover")] != 1  # on the train
    assert s.supply[0, f] == pytest.approx(0.5 - 0.1 + 0.2 * 0.25)


def test_trucks_deliver_beyond_the_railhead(tons):
    # d: 0.75 falloff x min(1, trucks x 250 / 10,000 t-km)
    st, s = tons.static, tons.world.state
    got = []
    for trucks in (0, 20, 40, 80):
        s.trucks[0, st.formation("f_d")] = trucks
        got.append(_levels(tons)["d"])
    assert got == [0.0, 0.375, 0.75, 0.75]
    s.trucks[0, st.formation("f_d")] = 20
    s.truck_pool[0, st.side("soviet")] = 20  # a side's pool serves its capital's front
    assert _levels(tons)["d"] == 0.75


def test_captured_railway_is_regauged_from_the_railhead(tons):
    # The Soviets take x (German gauge): 100 km of rail from the railhead h at 25 km/day:
    # the supply phases of days 0-3 do 25, 50, 75, 100 km; x is on the Soviet rail net
    # from day 4. Until then it is trucked from h: 0.75 x the front's truck ratio 0.5.
    st, s = tons.static, tons.world.state
    x = st.node("x")
    s.owner[0, x] = st.side("soviet")
    assert _levels(tons)["x"] == 0.375
    for day in range(3):
        tons.step()
        assert (s.gauge[0, x], s.gauge_km[0, x]) == (1, 25.0 * (day + 1))
    assert _levels(tons)["x"] == 0.375
    tons.step()  # day 3: 100 km done
    assert (s.gauge[0, x], s.gauge_km[0, x]) == (ALLIES, 0.0)
    assert _levels(tons)["x"] == 1.0


def test_regauging_restarts_when_the_region_changes_hands(tons):
    from stavka.engine.effects import take_regions

    st, s = tons.static, tons.world.state
    x = st.node("x")
    s.owner[0, x] = st.side("soviet")
    tons.step()
    assert s.gauge_km[0, x] == 25.0
    ctx = Ctx.of(tons.world, tons.rng)
    take_regions(ctx, np.array([0]), np.array([x]), np.array([st.side("germany")]))
    assert s.gauge_km[0, x] == 0.0
    assert s.gauge[0, x] == 1  # still German gauge: usable by Germany at once


def test_rail_path_is_recomputed_when_a_region_changes_hands(tons):
    # y is served src-h-y (200 km) at level 1. Germany takes h: the tree reroutes y over
    # src-z-y (300 km, 1 train = 25 t a day for 100 t): 0.25; d, cut off, gets 0.
    st, s = tons.static, tons.world.state
    assert _levels(tons)["y"] == 1.0
    s.owner[0, st.node("h")] = st.side("germany")
    lv = _levels(tons)
    assert lv["y"] == 25 / 100
    assert lv["d"] == 0.0
    s.owner[0, st.node("h")] = st.side("soviet")
    assert _levels(tons)["y"] == 1.0


def test_off_by_default_and_empty_state():
    c = campaign("t_line")
    s = c.world.state
    assert c.static.rules.supply_tons == 0.0
    assert s.gauge.shape == (1, 0) and s.gauge_km.shape == (1, 0)
    on = campaign("t_line", **{"rules.supply_tons": 1})
    assert on.world.state.gauge.shape == (1, on.static.N)


def test_replicas_agree_with_single_runs():
    # the vectorised trace over R replicas gives each replica what a run of its own gets
    spec = loaded("t_tons")
    one = stavka.Campaign(spec, seed=3)
    one.world.state.owner[0, one.static.node("h")] = one.static.side("germany")
    lv_one = supply_levels(Ctx.of(one.world, one.rng))[0][0]
    both = stavka.Campaign(spec, seed=3)
    w = both.world
    w.state = w.state.take(np.array([0, 0]))
    w.state.owner[1, both.static.node("h")] = both.static.side("germany")
    lv = supply_levels(Ctx.of(w, both.rng))[0]
    assert np.array_equal(lv[1], lv_one)
    assert lv[0, ALLIES, both.static.node("y")] == 1.0


def test_flagship_on_is_deterministic():
    spec = stavka.load("two-fronts-1941")
    d = []
    for _ in range(2):
        c = stavka.Campaign(spec, seed=7, params={"rules.supply_tons": 1})
        c.run(days=12)
        d.append(c.digest())
    assert d[0] == d[1]
    off = stavka.Campaign(spec, seed=7, params={"rules.supply_tons": 0})  # on from rules v12
    off.run(days=12)
    assert off.digest() != d[0]


_DEGENERATE = """id: degenerate
name: degenerate
start: 1941-10-01
end: 1941-10-06
climate: {z: {periods: [{from: 1941-10-01, to: 1941-10-06, ground: snow, temp_c: -20}]}}
sides:
  soviet: {name: S, alliance: allies, doctrine: {west: attack}}
  germany: {name: G, alliance: axis, doctrine: {west: attack}}
wars: [[germany, soviet]]
nodes:
  - {id: a, name: A, lat: 54.5, lon: 30.0, zone: z, owner: soviet, front: west, supply_source: true}
  - {id: b, name: B, lat: 54.6, lon: 30.0, zone: z, owner: germany, front: west}
EDGES
formation_types:
  division: {men: 10000, speed_km_day: 20, trucks: 10}
FORMATIONS
rules: {supply_tons: 1}
"""


@pytest.mark.parametrize("edges", ["edges: []", "edges: [{a: a, b: b, kind: road, km: 10}]",
                                   "edges: [{a: a, b: b, kind: rail, km: 10, capacity: 5}]"])
@pytest.mark.parametrize("forms", [
    "formations: []",
    "formations: [{id: s, name: S1, side: soviet, type: division, location: a},"
    " {id: g, name: G1, side: germany, type: division, location: b}]"])
def test_degenerate_maps_run_with_tons(tmp_path, edges, forms):
    # no rail, no edges, no formations, a side without sources: the tons trace copes
    path = tmp_path / "s.yaml"
    path.write_text(_DEGENERATE.replace("EDGES", edges).replace("FORMATIONS", forms))
    c = stavka.Campaign(str(path))
    c.run()
    assert c.done
