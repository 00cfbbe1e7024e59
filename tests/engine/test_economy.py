"""Economy phase: factories, evacuation, deliveries, mobilisation."""

from __future__ import annotations

import pytest

from stavka.api import Campaign
from stavka.enums import ACTIVE, INACTIVE
from stavka.rules import load as load_rules
from stavka.scenario.loader import Loaded

from .helpers import campaign, loaded, of_kind


@pytest.fixture
def econ():
    return campaign("t_econ")


def _tanks(c, fid: str) -> float:
    return float(c.world.state.strength[0, c.static.formation(fid), 1])


def test_factory_refits_a_short_formation_ten_tanks_a_day(econ):
    # sfac makes 10 tanks/day for the Soviets; s_tanks has 0 of an establishment of 150
    # and is supplied (ssrc is a source) -> +10 each day: 10, 20, 30.
    got = []
    for _ in range(3):
        econ.step()
        got.append(_tanks(econ, "s_tanks"))
    assert got == pytest.approx([10.0, 20.0, 30.0])


def test_weekly_refit_issues_the_week_in_one_batch():
    # refit_every_days: 7 -> the pool fills at 10 tanks/day and is issued on the last
    # day of each week (day 6): 0 for six days, then 70; then 140 on day 13.
    base = loaded("t_econ")
    weekly = Loaded(base.spec.model_copy(update={"refit_every_days": 7}), base.files)
    c = Campaign(weekly, seed=0)
    got = []
    for _ in range(14):
        c.step()
        got.append(_tanks(c, "s_tanks"))
    assert got == pytest.approx([0.0] * 6 + [70.0] * 7 + [140.0])


def test_no_output_once_the_factory_region_is_captured(econ):
    st, s = econ.static, econ.world.state
    econ.step()
    assert _tanks(econ, "s_tanks") == pytest.approx(10.0)
    s.owner[0, st.node("sfac")] = st.side("germany")
    econ.step()
    econ.step()
    assert _tanks(econ, "s_tanks") == pytest.approx(10.0)
    assert s.pool[0, st.side("soviet"), 1] == 0.0


def test_refit_stops_at_establishment(econ):
    # 150 / 10 = 15 days to fill up; then the output piles up in the pool.
    st, s = econ.static, econ.world.state
    for _ in range(17):
        econ.step()
    assert _tanks(econ, "s_tanks") == pytest.approx(150.0)
    assert s.pool[0, st.side("soviet"), 1] == pytest.approx(20.0)


def test_evacuation_pauses_production_for_30_days(econ):
    # gfac evacuates from 1941-07-03 = day 2: output on days 0, 1 (+20), none on
    # days 2 .. 2 + 30 - 1 = 31, output again from day 32.
    assert load_rules("v1").evacuation_days == 30
    for _ in range(2):
        econ.step()  # days 0, 1
    assert _tanks(econ, "g_tanks") == pytest.approx(20.0)
    for _ in range(30):
        econ.step()  # days 2..31
    assert _tanks(econ, "g_tanks") == pytest.approx(20.0)
    econ.step()  # day 32
    assert _tanks(econ, "g_tanks") == pytest.approx(30.0)


def test_delivery_arrives_on_its_due_day(econ):
    # buy_trucks fires on 1941-07-02 = day 1, pays 10 t of 50 t gold, after_days 3:
    # delivered on day 4; the 100 trucks go to the only supplied Soviet formation.
    st, s = econ.static, econ.world.state
    f, sov = st.formation("s_tanks"), st.side("soviet")
    evs = []
    for _ in range(4):  # days 0..3
        evs += econ.step()
    trade = of_kind(evs, "trade")
    assert [(e.day, e.values["accepted"], e.values["paid_gold_t"]) for e in trade] == [(1, True, 10.0)]
    assert s.gold[0, sov] == 40.0
    assert of_kind(evs, "delivery") == []
    assert s.trucks[0, f] == 0.0
    evs = econ.step()  # day 4
    dl = of_kind(evs, "delivery")
    assert [(e.day, e.place, e.side, e.values["trucks"]) for e in dl] == [(4, "ssrc", "soviet", 100.0)]
    assert s.trucks[0, f] == pytest.approx(100.0)


def test_mobilisation_raises_a_formation_after_training(econ):
    # 5000 men/day, template rifles (10000 men): called up 5000 (day 0), 10000 (day 1)
    # -> soviet_new_1 formed on day 1, ready after 7 days of training: in play on day 8.
    st, s = econ.static, econ.world.state
    f = st.formation("soviet_new_1")
    sov = st.side("soviet")
    evs = []
    for _ in range(2):
        evs += econ.step()
    mob = of_kind(evs, "mobilised")
    assert [(e.day, e.place, e.subjects, e.values["ready"]) for e in mob] == [
        (1, "ssrc", ("soviet_new_1",), "1941-07-09")]
    assert s.status[0, f] == INACTIVE and s.arrive_day[0, f] == 8
    assert s.strength[0, f, 0] == 10000.0
    assert s.manpower[0, sov] == 100000 - 2 * 5000
    for _ in range(6):
        evs += econ.step()  # days 2..7
    assert s.status[0, f] == INACTIVE
    evs = econ.step()  # day 8
    rein = of_kind(evs, "reinforcement")
    assert [(e.day, e.place, e.subjects, e.values["men"]) for e in rein] == [
        (8, "ssrc", ("soviet_new_1",), 10000.0)]
    assert s.status[0, f] == ACTIVE
