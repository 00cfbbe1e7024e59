"""Strikes, partisans, total mobilisation and resources (stavka.engine.interdiction) on
tests/data/t_partisans.yaml and t_strike.yaml, every value computed by hand (the
fixtures' headers draw the map: src-p-q-r by rail, 10 trains a day each edge).
"""

from __future__ import annotations

import numpy as np
import pytest

from stavka.api import Campaign
from stavka.engine import interdiction
from stavka.engine.context import Ctx
from stavka.engine.phases.supply import supply_levels
from stavka.enums import GONE
from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

from .helpers import DATA, campaign, of_kind

AXIS = 1  # alliances sort: allies, axis


def _cap(c) -> list[float]:
    """Trains a day of the edges src-p, p-q, q-r today (replica 0)."""
    return [float(x) for x in interdiction.capacity(Ctx.of(c.world, c.rng))[0, :3]]


def test_a_partisan_detachment_cuts_a_rail_edge_in_its_region():
    # 5 detachments x 2 % = 10 % of every rail edge with an end in p: src-p and p-q carry
    # 10 x 0.9 = 9 trains a day; q-r (not at p) keeps its 10.
    c = campaign("t_partisans")
    assert _cap(c) == [10.0, 10.0, 10.0]
    c.step()
    st, s = c.static, c.world.state
    assert s.partisans[0, st.side("soviet"), st.node("p")] == 5.0
    assert _cap(c) == [9.0, 9.0, 10.0]
    # the day's troop trains used it: mover needs 20 trains; 9 left on day 0
    assert s.rail_left[0, st.formation("mover")] == 20 - 9
    assert of_kind(c.events, "partisans")[0].values["detachments"] == 5


def test_partisans_cut_the_holders_supply_level_in_their_region():
    c = campaign("t_partisans")
    c.step()
    lv, _ = supply_levels(Ctx.of(c.world, c.rng))
    st = c.static
    assert lv[0, AXIS, st.node("p")] == 1.0 * (1 - 0.1)
    assert lv[0, AXIS, st.node("q")] == 1.0


def test_more_detachments_cut_at_most_partisan_cut_max():
    # 40 detachments x 2 % = 80 %, capped at 50 %: 5 trains a day
    c = campaign("t_partisans")
    c.step()
    st, s = c.static, c.world.state
    s.partisans[0, st.side("soviet"), st.node("p")] = 40.0
    assert _cap(c) == [5.0, 5.0, 10.0]


def test_partisans_in_a_region_their_side_holds_cut_nothing():
    c = campaign("t_partisans")
    st, s = c.static, c.world.state
    s.partisans[0, st.side("germany"), st.node("p")] = 5.0  # German partisans, German region
    assert _cap(c) == [10.0, 10.0, 10.0]


def test_security_troops_hunt_partisans_with_the_seeded_stream():
    # sec (10,000 men) in p: h = min(1, 0.5 x 10,000 / 10,000 x 1 day) = 0.5 of the 5
    # detachments: 2.5, rounded by one uniform draw u: floor(2.5 + u) destroyed
    c = campaign("t_partisans", seed=3)
    st, s = c.static, c.world.state
    sov, p = st.side("soviet"), st.node("p")
    s.loc[0, st.formation("sec")] = p
    s.partisans[0, sov, p] = 5.0
    u = c.rng.uniform("partisans", 0, np.array([0]), np.array([sov * st.N + p], dtype=np.uint64))
    c.step()
    assert s.partisans[0, sov, p] == 5.0 + 5.0 - np.floor(10.0 * 0.5 + u[0])
    # (the event raised 5 more on day 0, before the hunt: k = 10)


def test_a_strike_cuts_an_edge_and_it_is_repaired_on_the_computed_day():
    # damage 0.5 on day 0, repaired 0.25 a day after each day's use: 5, 7.5, then 10
    # trains a day from day ceil(0.5 / 0.25) = 2
    c = campaign("t_strike")
    caps = []
    for _ in range(4):
        c.step()
        caps.append(float(c.world.state.edge_cut[0, 0]))
    assert caps == [0.25, 0.0, 0.0, 0.0]  # after the repair of days 0, 1, ...
    c2 = campaign("t_strike")
    c2.step()  # day 0 used 10 x (1 - 0.5) = 5 trains: mover's 20 leave 15
    assert c2.world.state.rail_left[0, c2.static.formation("mover")] == 15
    assert _cap(c2) == [7.5, 10.0, 10.0]  # day 1
    c2.step()
    assert _cap(c2) == [10.0, 10.0, 10.0]  # day 2: repaired
    assert of_kind(c.events, "strike")[0].values["trains"] == 5.0


def test_air_formations_strike_by_their_aircraft():
    # 100 aircraft x 0.002 = 0.2 of q-r's 10 trains: 8 on day 0, repaired by day 1
    c = campaign("t_strike", bomb=True)
    c.step()
    ev = [e for e in of_kind(c.events, "strike") if e.values["aircraft"] > 0][0]
    assert (ev.values["damage"], ev.values["trains"]) == (100 * 0.002, 8.0)
    assert _cap(c) == [7.5, 10.0, 10.0]


def test_sub_day_steps_repair_by_the_steps_share_of_a_day(tmp_path):
    # 12-hour steps: 0.25 a day is 0.125 a step; 0.5 struck is repaired after 4 steps
    f = tmp_path / "t_strike_12h.yaml"
    f.write_text((DATA / "t_strike.yaml").read_text() + "step_hours: 12\n")
    c = Campaign(load_file(f), seed=0)
    cut = []
    for _ in range(4):
        c.step()
        cut.append(float(c.world.state.edge_cut[0, 0]))
    assert cut == [0.375, 0.25, 0.125, 0.0]


def test_a_strike_on_fortifications_is_rebuilt_at_the_rule_rate():
    # p: fort 2, struck by 1.5 -> 0.5; rebuilt 0.5 a level a day: 1.0, 1.5, 2.0
    c = campaign("t_strike")
    st = c.static
    p = np.array([st.node("p")])
    seen = []
    for _ in range(4):
        c.step()
        seen.append(float(interdiction.fort(Ctx.of(c.world, c.rng), np.array([0]), p)[0]))
    assert seen == [1.0, 1.5, 2.0, 2.0]


def test_total_mobilisation_trades_output_for_men():
    # level 0.5: 0.5 x 3,000 = 1,500 men a day into the pool; the tank plant's 10 a day x
    # (1 - 0.5 x 0.3) = 8.5 tanks
    base = campaign("t_strike")
    base.step()
    mob = campaign("t_strike", mobilise=True)
    mob.step()
    g = base.static.side("germany")
    assert base.world.state.pool[0, g, :2].tolist() == [0.0, 10.0]
    assert mob.world.state.pool[0, g, :2].tolist() == [1500.0, 8.5]
    mob.step()
    assert mob.world.state.pool[0, g, :2].tolist() == [3000.0, 17.0]


def test_a_lost_mine_cuts_the_factory_after_the_delay():
    # the mine at q lost on day 1: the plant works on stockpiled ore for 3 days (days 1,
    # 2, 3) and produces nothing from day 1 + 3 = 4
    c = campaign("t_strike")
    st, s = c.static, c.world.state
    g, q = st.side("germany"), st.node("q")
    c.step()  # day 0: 10 tanks
    s.owner[0, q] = st.side("soviet")
    s.taken_day[0, q] = 1
    s.status[0, st.formation("sec")] = GONE  # (out of the way: the mine is simply lost)
    tanks = []
    for _ in range(5):
        c.step()
        tanks.append(float(s.pool[0, g, 1]))
    assert tanks == [20.0, 30.0, 40.0, 40.0, 40.0]


BAD = """
events:
  - id: bad
    trigger: {date: 1942-08-01}
    effects:
      - partisans: {side: sovet, region: nowhere, detachments: -3}
      - strike: {a: src, b: r, damage: 0.5}
      - strike: {a: src, b: p, damage: 1.5}
      - mobilise: {side: germany, level: 2}
"""


def test_bad_input_is_reported_located_and_all_at_once(tmp_path):
    text = (DATA / "t_partisans.yaml").read_text().split("events:")[0]
    text = text.split("rules:")[0] + BAD
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(ScenarioError) as e:
        load_file(f)
    msg = str(e.value)
    for want in ("bad.yaml:39: events[0].effects[0].partisans.side: unknown side 'sovet'",
                 "bad.yaml:39: events[0].effects[0].partisans.region: unknown node 'nowhere'",
                 "bad.yaml:39: events[0].effects[0].partisans.detachments: input should be "
                 "greater than or equal to 0 (got -3)",
                 "bad.yaml:40: events[0].effects[1].strike.b: no rail edge between 'src' and "
                 "'r'",
                 "bad.yaml:41: events[0].effects[2].strike.damage: input should be less than "
                 "or equal to 1 (got 1.5)",
                 "bad.yaml:42: events[0].effects[3].mobilise.level: input should be less than "
                 "or equal to 1 (got 2)"):
        assert want in msg, (want, msg)
    assert msg.count("bad.yaml:") == 6


def test_stavka_check_exits_2_with_every_problem(tmp_path, capsys):
    from stavka.cli import main

    text = (DATA / "t_partisans.yaml").read_text().split("events:")[0].split("rules:")[0]
    f = tmp_path / "bad.yaml"
    f.write_text(text + BAD)
    assert main(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.rstrip().endswith("error: 6 problem(s) in scenario")


def test_unused_the_state_is_empty_and_out_of_the_digest():
    from stavka.world.digest import DIGEST_FIELDS, digested

    c = campaign("t_tons")  # no strikes, partisans or mobilisation
    s = c.world.state
    assert s.partisans.size == s.edge_cut.size == s.fort_cut.size == s.mob_level.size == 0
    assert not {"partisans", "edge_cut", "fort_cut", "mob_level"} & set(digested(s))
    assert set(DIGEST_FIELDS) <= set(digested(campaign("t_partisans").world.state))
    assert "partisans" in digested(campaign("t_partisans").world.state)


def test_the_chronicle_tells_partisans_strikes_and_mobilisation():
    from stavka.chronicle.markdown import render_markdown

    c = campaign("t_partisans", seed=3)
    st, s = c.static, c.world.state
    s.loc[0, st.formation("sec")] = st.node("p")
    c.run(days=1)
    text = render_markdown(c)
    assert "Five Soviet partisan detachments take to the forests around P." in text
    assert "Security troops destroy" in text
    b = campaign("t_strike", bomb=True, mobilise=True)
    b.run(days=1)
    text = render_markdown(b)
    assert "The railway Source-P is struck: 5 trains a day get through." in text
    assert "The railway Q-R is struck by 100 aircraft: 8 trains a day get through." in text
    assert "Germany: every man off the farms: total mobilisation." in text


@pytest.mark.parametrize(("lost_days_ago", "tons"), [(29, 1000.0), (30, 0.0)])
def test_under_supply_in_tons_a_lost_mine_stops_a_source_after_the_delay(
        tmp_path, lost_days_ago, tons):
    # t_tons's source factory (1,000 t/day) fed by a mine at z, lost to Germany; the
    # delay is 30 days (rules v4): still shipping 29 days on, nothing from the 30th
    from stavka.engine.tonnage import source_tons

    text = (DATA / "t_tons.yaml").read_text().replace(
        "{node: src, side: soviet, supply_per_day: 1000}",
        "{node: src, side: soviet, supply_per_day: 1000, resources: [z]}")
    f = tmp_path / "t_tons_mine.yaml"
    f.write_text(text)
    c = Campaign(load_file(f), seed=0)
    st, s = c.static, c.world.state
    z = st.node("z")
    s.owner[0, z] = st.side("germany")
    s.day = s.step = 40
    s.taken_day[0, z] = 40 - lost_days_ago
    held = st.alliance[s.owner][:, None, :] == np.arange(2)[None, :, None]
    out = source_tons(Ctx.of(c.world, c.rng), held)
    assert out[0, 0, st.node("src")] == tons


def test_the_hunt_replays_and_a_replica_does_not_depend_on_its_batch():
    # the security division in p from the start: the hunt draws every day
    from stavka.engine.core import compile_world, step
    from stavka.engine.rng import Streams

    from .helpers import loaded

    spec = loaded("t_partisans").spec

    def world(replicas):
        w = compile_world(spec, replicas=replicas)
        w.state.loc[:, w.static.formation("sec")] = w.static.node("p")
        return w

    big, rb = world(3), Streams.from_seed(11, 3)
    singles = [world(1) for _ in range(3)]
    rs = [Streams.from_seed(11, 1, first=i) for i in range(3)]
    for _ in range(6):
        step(big, [], rb)
        for w, r in zip(singles, rs, strict=True):
            step(w, [], r)
        for i in range(3):
            assert big.state.digest(i) == singles[i].state.digest(0)
    again = world(3)
    ra = Streams.from_seed(11, 3)
    for _ in range(6):
        step(again, [], ra)
    assert [again.state.digest(i) for i in range(3)] == [big.state.digest(i) for i in range(3)]


PORT_STRIKE = """
events:
  - id: hit
    trigger: {date: 1942-08-20}
    effects:
      - strike: {port: sovgavan, damage: 0.75}
"""


def test_a_struck_port_unloads_less_until_repaired(tmp_path):
    # t_naval's Sovetskaya Gavan (500 t/day, its Tatar Strait held by a Soviet destroyer):
    # struck by 0.75 on day 0 and repaired 0.25 a day (rules v4) after the day's use:
    # 500 x (1 - 0.5) = 250 t on day 1, 375 on day 2, 500 from day 3
    from stavka.engine.phases import naval

    f = tmp_path / "t_naval_strike.yaml"
    f.write_text((DATA / "t_naval.yaml").read_text() + PORT_STRIKE)
    c = Campaign(load_file(f), seed=0)
    st = c.static
    port = st.node("sovgavan")

    def port_t() -> float:
        ctx = Ctx.of(c.world, c.rng)
        return float(naval.port_supply(ctx, st.naval)[0, port])

    assert port_t() == 500.0
    c.step()
    assert port_t() == 250.0
    c.step()
    assert port_t() == 375.0
    c.step()
    assert port_t() == 500.0
    assert of_kind(c.events, "strike")[0].values["port"] is True


def test_a_strike_on_a_region_without_a_port_is_a_located_error(tmp_path):
    f = tmp_path / "bad_port.yaml"
    f.write_text((DATA / "t_naval.yaml").read_text()
                 + PORT_STRIKE.replace("port: sovgavan", "port: ussur"))
    with pytest.raises(ScenarioError) as e:
        load_file(f)
    assert "events[0].effects[0].strike.port: 'ussur' has no port (port_tons_per_day is 0)" \
        in str(e.value)


@pytest.mark.parametrize("old, new, message", [
    ("{region: p, fort: 1.5}", "{region: p, damage: 0.5}",
     "events[0].effects[1].strike: damage: a strike on a region knocks out 'fort' levels"),
    ("{a: p, b: src, damage: 0.5}", "{a: p, b: src, damage: 0.5, fort: 2}",
     "events[0].effects[0].strike: fort: only a strike on a 'region' knocks out"),
    ("{a: p, b: src, damage: 0.5}", "{a: p, b: src}",
     "events[0].effects[0].strike: a strike with no damage and no air formations ('select') "
     "does nothing"),
    ("{region: p, fort: 1.5}", "{region: p}", "a strike with no fort and no air formations"),
])
def test_a_strike_value_its_target_does_not_read_is_a_located_error(tmp_path, old, new,
                                                                    message):
    # the value was dropped without a word (a region's strike reads fort, not damage)
    text = (DATA / "t_strike.yaml").read_text()
    assert old in text
    f = tmp_path / "s.yaml"
    f.write_text(text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as e:
        load_file(f)
    assert message in str(e.value), str(e.value)
