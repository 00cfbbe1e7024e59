"""Movement phase: rail transit against train capacity, road march, capture on arrival."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stavka.api import Campaign, load
from stavka.engine.context import Ctx
from stavka.engine.phases.movement import road_speed, trains_needed
from stavka.enums import A_DEFEND, A_HOLD, ACTIVE, RAIL
from stavka.errors import IllegalOrderError
from stavka.rules import load as load_rules

from .helpers import DATA, mini_without_germans, of_kind

# --------------------------------------------------------------------------- rail


def test_mini_far_east_transfer_rail_arrival_day_and_place():
    # mini: transfer_west fires on 1941-10-05 = day 4 and sends sov_fe_1
    # (rifle division, 14483 men = full establishment -> 30 trains) from khabarovsk
    # to moscow: khabarovsk-chita 2324 km cap 10, chita-moscow 6199 km cap 12.
    # Bottleneck 10 trains/day -> trains dispatched on days 4, 5, 6 (10 + 10 + 10).
    # Distance 2324 + 6199 = 8523 km; ceil(8523 / 600) = 15 days on the line.
    # eta = 6 + 15 = day 21.
    c = mini_without_germans()
    st, s = c.static, c.world.state
    f = st.formation("sov_fe_1")
    evs = []
    for _ in range(21):  # days 0..20
        evs += c.step()
    dep = of_kind(evs, "rail_depart")
    assert [(e.day, e.subjects, e.values["trains"], e.values["km"]) for e in dep] == [
        (4, ("sov_fe_1",), 30.0, 8523.0)]
    assert of_kind(evs, "rail_arrive") == []
    assert s.status[0, f] == RAIL  # still on the line at the end of day 20
    assert s.rail_eta[0, f] == 6 + math.ceil(8523 / 600) == 21
    evs = c.step()  # day 21
    arr = of_kind(evs, "rail_arrive")
    assert [(e.day, e.place, e.subjects) for e in arr] == [(21, "moscow", ("sov_fe_1",))]
    assert arr[0].values["origin"] == "khabarovsk"
    assert s.status[0, f] == ACTIVE
    assert st.node_ids[s.loc[0, f]] == "moscow"


@pytest.mark.parametrize("taken, stop", [
    (("khabarovsk",), "chita"),          # the destination fell: the last held station before it
    (("khabarovsk", "chita"), "moscow"),  # every station on the way fell: the departure
])
def test_a_train_whose_destination_fell_detrains_at_the_last_held_station(taken, stop):
    # sov_moscow by rail moscow -> chita -> khabarovsk (6199 + 2324 = 8523 km: 15 days on
    # the line after its 30 trains leave on days 0-2, bottleneck 10/day: arrives day 17);
    # the enemy takes the stations in ``taken`` on day 5, while the train is on the line
    c = mini_without_germans()
    st, s = c.static, c.world.state
    f = st.formation("sov_moscow")
    evs = c.step(["sov_moscow rail khabarovsk"])
    for _ in range(4):
        evs += c.step()
    assert s.status[0, f] == RAIL
    for node in taken:
        s.owner[0, st.node(node)] = st.side_ids.index("japan")
    for _ in range(14):  # days 5..18
        evs += c.step()
    arr = of_kind(evs, "rail_arrive")
    assert [(e.place, e.subjects) for e in arr if e.subjects == ("sov_moscow",)] == [
        (stop, ("sov_moscow",))]
    assert [e.values.get("stopped_short") for e in arr] == ["khabarovsk"]
    assert st.node_ids[s.loc[0, f]] == stop and s.status[0, f] == ACTIVE


def test_two_formations_sharing_an_edge_split_capacity_in_index_order():
    # mini with transfer_divisions=2: sov_fe_1 (index 2) and sov_fe_2 (index 3) both
    # start loading on day 4, 30 trains each, bottleneck 10/day on chita-khabarovsk.
    # sov_fe_1 books first: days 4,5,6 -> eta 6 + 15 = 21.
    # sov_fe_2 gets nothing until day 7: days 7,8,9 -> eta 9 + 15 = 24.
    c = mini_without_germans(transfer_divisions=2)
    evs = []
    for _ in range(25):
        evs += c.step()
    arrivals = {e.subjects[0]: e.day for e in of_kind(evs, "rail_arrive")}
    assert arrivals == {"sov_fe_1": 21, "sov_fe_2": 24}


def test_rail_trains_scale_with_strength_and_capacity_is_shared(line):
    # t_line: src -> c is 3000 km (ceil(3000/600) = 5 days), bottleneck a-b 10 trains/day.
    # r_full 10000/10000 men -> 30 trains; r_half 5000/10000 -> ceil(30*0.5) = 15;
    # r_tiny 1000/10000 = 10 % -> clipped to 25 % -> ceil(30*0.25) = ceil(7.5) = 8.
    # Booking in index order on a-b (10/day):
    #   day 0-2: r_full 10+10+10 (done day 2)       -> eta 2 + 5 = 7
    #   day 3: r_half 10; day 4: r_half 5 (done)    -> eta 4 + 5 = 9
    #   day 4: r_tiny 5 (what is left);  day 5: 3   -> eta 5 + 5 = 10
    st, s = line.static, line.world.state
    evs = line.step(["r_full rail c", "r_half rail c", "r_tiny rail c"])
    trains = {e.subjects[0]: e.values["trains"] for e in of_kind(evs, "rail_depart")}
    assert trains == {"r_full": 30.0, "r_half": 15.0, "r_tiny": 8.0}
    f = np.array([st.formation(x) for x in ("r_full", "r_half", "r_tiny")])
    np.testing.assert_array_equal(trains_needed(st, s, f, np.zeros(3, dtype=int)), [30, 15, 8])
    for _ in range(11):
        evs += line.step()
    arrivals = {e.subjects[0]: e.day for e in of_kind(evs, "rail_arrive")}
    assert arrivals == {"r_full": 7, "r_half": 9, "r_tiny": 10}
    assert all(st.node_ids[s.loc[0, i]] == "c" for i in f)


def test_opposite_directions_do_not_share_capacity(line):
    # r_full rails src -> c while pocket rails c -> src on the same day. Each needs 30
    # trains; a-b carries 10 trains/day *each direction*, so each is dispatched on
    # days 0,1,2 and both arrive on day 2 + ceil(3000/600) = 7.
    evs = line.step(["r_full rail c", "pocket rail src"])
    for _ in range(11):
        evs += line.step()
    arrivals = {e.subjects[0]: e.day for e in of_kind(evs, "rail_arrive")}
    assert arrivals == {"r_full": 7, "pocket": 7}


def test_transfer_through_enemy_held_rail_node_is_rejected_with_event():
    # Chita (the middle of the Trans-Siberian khabarovsk-chita-moscow) falls to Germany
    # before the day-4 transfer: the scripted rail move is rejected, never dropped silently.
    c = mini_without_germans()
    st, s = c.static, c.world.state
    s.owner[0, st.node("chita")] = st.side("germany")
    evs = []
    for _ in range(6):
        evs += c.step()
    # (the script's day-1 attack orders for the removed German divisions are rejected too)
    rej = [e for e in of_kind(evs, "order_rejected") if e.values["action"] == "rail"]
    assert [(e.day, e.subjects, e.place) for e in rej] == [(4, ("sov_fe_1",), "moscow")]
    assert of_kind(evs, "rail_depart") == []
    f = st.formation("sov_fe_1")
    assert st.node_ids[s.loc[0, f]] == "khabarovsk"
    # the rejected formation goes back to the AI (no longer scripted), which digs it in
    assert s.status[0, f] == ACTIVE and s.action[0, f] in (A_HOLD, A_DEFEND)
    assert not s.scripted[0, f]


def test_scripted_rail_order_through_lost_node_is_rejected(tmp_path):
    # A scenario order (not a transfer) on day 0 whose path src-a-b-c crosses b,
    # captured by Germany: orders phase emits order_rejected with the reason.
    text = (DATA / "t_line.yaml").read_text()
    text += "orders:\n  - {date: 1941-06-01, formations: [r_full], action: rail, target: c}\n"
    p = tmp_path / "t_line_order.yaml"
    p.write_text(text)
    c = Campaign(load(p))
    st, s = c.static, c.world.state
    s.owner[0, st.node("b")] = st.side("germany")
    evs = c.step()
    rej = of_kind(evs, "order_rejected")
    assert len(rej) == 1
    assert rej[0].subjects == ("r_full",) and rej[0].place == "c"
    assert "enemy-held b" in rej[0].values["reason"]
    assert st.node_ids[s.loc[0, st.formation("r_full")]] == "src"


def test_player_rail_order_through_lost_node_raises(line):
    st, s = line.static, line.world.state
    s.owner[0, st.node("b")] = st.side("germany")
    before = line.digest()
    with pytest.raises(IllegalOrderError, match="enemy-held b"):
        line.step(["r_full rail c"])
    assert line.digest() == before and line.day == 0


# --------------------------------------------------------------------------- road


def _speed_on(c, day: int, fid: str, node: str) -> float:
    st, s = c.static, c.world.state
    s.day = day
    ctx = Ctx.of(c.world, c.rng)
    return float(road_speed(ctx, np.array([st.formation(fid)]), np.array([0]),
                            np.array([st.node(node)]))[0])


def test_mud_halves_road_speed(line):
    # wet_open's zone is mud on 1941-06-03..04 (days 2, 3), dry otherwise.
    # div: 20 km/day x ground (dry 1.0 / mud 0.5) x terrain open 1.0 x (0.5 + 0.5 x supply 1).
    dry = _speed_on(line, 0, "r_full", "wet_open")
    mud = _speed_on(line, 2, "r_full", "wet_open")
    assert dry == 20.0
    assert mud == 10.0
    assert mud / dry == 0.5


def _march_progress(c: Campaign, days: int) -> list[float]:
    """r_tiny ordered src -> wet_open: its march progress (km) after each of ``days``."""
    f = c.static.formation("r_tiny")
    c.step(["r_tiny move wet_open"])
    got = [float(c.world.state.progress[0, f])]
    for _ in range(days - 1):
        c.step()
        got.append(float(c.world.state.progress[0, f]))
    return got


def test_road_march_progress_dry_and_mud_days_and_capture_on_arrival(line):
    # r_tiny marches src -> wet_open (200 km, open, empty of enemies, Soviet-held):
    # day 0: 20, day 1: 20, day 2 (mud): 10, day 3 (mud): 10, day 4..: 20 each
    # cumulative 20, 40, 50, 60, 80, 100, 120, 140, 160, 180, 200 -> arrives on day 10.
    got = _march_progress(line, 10)
    assert got == [20, 40, 50, 60, 80, 100, 120, 140, 160, 180]
    assert np.diff([0.0, *got])[2] / np.diff([0.0, *got])[1] == 0.5  # mud day / dry day
    st, s, f = line.static, line.world.state, line.static.formation("r_tiny")
    line.step()  # day 10
    assert st.node_ids[s.loc[0, f]] == "wet_open" and s.progress[0, f] == 0


def test_terrain_factor_enemy_ground_and_capture_of_empty_enemy_regions(line):
    # Marching into enemy-held ground is halved (rules.enemy_ground_speed = 0.5).
    # g_open (open, 100 km): 20 x 1.0 x 0.5 = 10 km/day -> 10, 20, ..., 100 -> arrives day 9.
    # g_wood (forest x0.8, 100 km): 20 x 0.8 x 0.5 = 8 km/day -> 8 x 12 = 96 (day 11),
    # 104 -> arrives day 12.
    # Both are German-held and empty: entering takes them (capture, defended=False).
    assert load_rules("v1").enemy_ground_speed == 0.5
    st, s = line.static, line.world.state
    evs = line.step(["r_full move g_open", "r_half move g_wood"])
    assert s.progress[0, st.formation("r_full")] == pytest.approx(10.0)
    assert s.progress[0, st.formation("r_half")] == pytest.approx(8.0)
    for _ in range(12):
        evs += line.step()
    caps = [(e.day, e.place, e.side, e.subjects, e.values["previous"], e.values["defended"])
            for e in of_kind(evs, "capture")]
    assert caps == [(9, "g_open", "soviet", ("r_full",), "germany", False),
                    (12, "g_wood", "soviet", ("r_half",), "germany", False)]
    assert s.owner[0, st.node("g_open")] == st.side("soviet")
    assert s.owner[0, st.node("g_wood")] == st.side("soviet")
    assert s.taken_day[0, st.node("g_open")] == 9
    assert st.node_ids[s.loc[0, st.formation("r_full")]] == "g_open"
    assert st.node_ids[s.loc[0, st.formation("r_half")]] == "g_wood"


# ------------------------------------------------------------------------ highways


def _line_with_highway(tmp_path, params=None) -> Campaign:
    """t_line with its src-wet_open road marked as a paved highway."""
    text = (DATA / "t_line.yaml").read_text()
    old = "  - {a: src, b: wet_open, kind: road, km: 200}"
    assert old in text
    p = tmp_path / "t_line_highway.yaml"
    p.write_text(text.replace(old, "  - {a: src, b: wet_open, kind: road, km: 200, highway: true}"))
    return Campaign(load(p), params=params)


def _speed_from(c, day: int, fid: str, frm: str, to: str) -> float:
    st, s = c.static, c.world.state
    s.day = day
    ctx = Ctx.of(c.world, c.rng)
    return float(road_speed(ctx, np.array([st.formation(fid)]), np.array([0]),
                            np.array([st.node(to)]), np.array([st.node(frm)]))[0])


def test_highway_floors_the_mud_factor(tmp_path):
    # r_full: 20 km/day x terrain open 1.0 x supply factor 1. On days 2-3 wet_open is mud
    # (0.5); along the highway the ground factor is max(0.5, 0.8) = 0.8 -> 16 km/day; on a
    # dry day max(1.0, 0.8) = 1.0 -> 20, unchanged.
    c = _line_with_highway(tmp_path, {"rules.highway_ground_speed": 0.8})
    st = c.static
    assert st.ehighway[st.edge_of[st.node("src"), st.node("wet_open")]]
    assert st.ehighway[st.edge_of[st.node("wet_open"), st.node("src")]]
    assert _speed_from(c, 2, "r_full", "src", "wet_open") == 16.0
    assert _speed_from(c, 0, "r_full", "src", "wet_open") == 20.0
    # without the origin (the caller does not say which link) the mud factor applies
    assert _speed_on(c, 2, "r_full", "wet_open") == 10.0


def test_highway_off_by_default_before_v7(tmp_path):
    # t_line pins rules v1, where highway_ground_speed is 0: a highway is any road
    c = _line_with_highway(tmp_path)
    assert c.static.rules.highway_ground_speed == 0.0
    assert _speed_from(c, 2, "r_full", "src", "wet_open") == 10.0


def test_highway_march_arrives_sooner_in_mud(tmp_path):
    # the same 200 km march as test_road_march_progress_dry_and_mud_days_and_capture_on_arrival,
    # along a highway: the two mud days give 16 each instead of 10
    c = _line_with_highway(tmp_path, {"rules.highway_ground_speed": 0.8})
    assert _march_progress(c, 4) == [20, 40, 56, 72]


def test_a_highway_speeds_only_the_link_it_runs_along(tmp_path):
    # a second, longer src-wet_open link (a railway) marked highway: the march takes the shorter
    # plain road (edge_of: the shortest land link), so the mud halves it as before
    text = (DATA / "t_line.yaml").read_text()
    old = "  - {a: src, b: wet_open, kind: road, km: 200}"
    p = tmp_path / "t_line_two_links.yaml"
    p.write_text(text.replace(old, old + "\n  - {a: src, b: wet_open, kind: rail, km: 900, "
                                         "capacity: 10, highway: true}"))
    c = Campaign(load(p), params={"rules.highway_ground_speed": 0.8})
    assert _speed_from(c, 2, "r_full", "src", "wet_open") == 10.0
